import { TemplateExample } from '@backstage/plugin-scaffolder-node';

/**
 * Examples of `crossmesh:exposure:request`.
 *
 * @internal
 */
export const examples: TemplateExample[] = [
  {
    description:
      "Ask for svc-2 to be reachable from cluster-1; the service, namespace, ports and source cluster come from the component's annotations",
    example: `steps:
  - id: expose
    name: Request the exposure
    action: crossmesh:exposure:request
    input:
      entityRef: component:default/svc-2
      consumerClusters: [cluster-1]
      reason: svc-1 in cluster-1 calls svc-2 for prices
`,
  },
  {
    description:
      'Expose one port to two namespaces of a consumer cluster until a date',
    example: `steps:
  - id: expose
    name: Request the exposure
    action: crossmesh:exposure:request
    input:
      entityRef: component:default/svc-2
      consumerClusters: [cluster-1]
      consumerNamespaces: [foo, checkout]
      ports:
        - name: http
          number: 8000
      reason: the checkout pilot calls svc-2 until the end of the quarter
      endDate: '2027-03-31'
`,
  },
];

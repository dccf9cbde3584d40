import { TemplateExample } from '@backstage/plugin-scaffolder-node';

/**
 * Examples of `crossmesh:cluster:onboard`.
 *
 * @internal
 */
export const examples: TemplateExample[] = [
  {
    description:
      "Onboard a cluster picked from the catalog (its Resource's ref is accepted as is)",
    example: `steps:
  - id: onboard
    name: Add the cluster to the mesh
    action: crossmesh:cluster:onboard
    input:
      cluster: \${{ parameters.cluster }}
      network: \${{ parameters.network }}
`,
  },
  {
    description:
      'Onboard a cluster without a load balancer: the address and nodePort of its gateway, and an ECDSA intermediate',
    example: `steps:
  - id: onboard
    name: Add the cluster to the mesh
    action: crossmesh:cluster:onboard
    input:
      cluster: cluster-3
      network: network-3
      gatewayAddress: gw.cluster-3.example.com
      gatewayPort: 31443
      keyType: ecdsa-p256
`,
  },
];

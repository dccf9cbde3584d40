import { Entity } from '@backstage/catalog-model';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';

/** The signed-in approver in the tests. */
export const alice = 'user:default/alice';

function exposureRequest(
  fields: Partial<ExposureRequest> &
    Pick<ExposureRequest, 'id' | 'entityRef' | 'service' | 'sourceCluster'>,
): ExposureRequest {
  return {
    consumerClusters: ['west'],
    consumerNamespaces: [],
    reason: 'Needed by a caller in another cluster',
    endDate: null,
    state: 'pending',
    host: `${fields.service.name}.${fields.service.namespace}.global`,
    vip: null,
    requestedBy: 'user:default/bob',
    requestedAt: '2025-01-01T09:00:00.000Z',
    decidedBy: null,
    decidedAt: null,
    decisionComment: null,
    clusters: [],
    updatedAt: fields.requestedAt ?? '2025-01-01T09:00:00.000Z',
    ...fields,
  };
}

/** Team bar asks for svc-2 from east to west and north, for the checkout namespace only. */
export const svc2Request = exposureRequest({
  id: 'req-svc-2',
  entityRef: 'component:default/svc-2',
  service: {
    name: 'svc-2',
    namespace: 'bar',
    ports: [{ name: 'http', number: 8080 }],
  },
  sourceCluster: 'east',
  consumerClusters: ['west', 'north'],
  consumerNamespaces: ['checkout'],
  reason: 'Checkout in west calls svc-2 for prices',
  endDate: '2025-06-30T00:00:00.000Z',
  requestedBy: 'user:default/bob',
  requestedAt: '2025-01-03T10:30:00.000Z',
});

/** Team pay asks for payments from west to east. */
export const paymentsRequest = exposureRequest({
  id: 'req-payments',
  entityRef: 'component:default/payments',
  service: {
    name: 'payments',
    namespace: 'pay',
    ports: [{ name: 'grpc-api', number: 9090 }],
  },
  sourceCluster: 'west',
  consumerClusters: ['east'],
  reason: 'Orders in east settle payments',
  requestedBy: 'user:default/carol',
  requestedAt: '2025-01-02T08:00:00.000Z',
});

/** Alice, the signed-in approver, asks for search herself. */
export const ownRequest = exposureRequest({
  id: 'req-search',
  entityRef: 'component:default/search',
  service: {
    name: 'search',
    namespace: 'find',
    ports: [{ name: 'http', number: 80 }],
  },
  sourceCluster: 'north',
  consumerClusters: ['east'],
  reason: 'The storefront in east searches',
  requestedBy: alice,
  requestedAt: '2025-01-01T07:00:00.000Z',
});

/** Approved by dave; applied in west, failing in north. */
export const activeRequest = exposureRequest({
  id: 'req-ledger',
  entityRef: 'component:default/ledger',
  service: {
    name: 'ledger',
    namespace: 'pay',
    ports: [{ name: 'http', number: 8080 }],
  },
  sourceCluster: 'west',
  consumerClusters: ['east', 'north'],
  state: 'applying',
  vip: '240.0.0.9',
  requestedAt: '2024-12-01T09:00:00.000Z',
  decidedBy: 'user:default/dave',
  decidedAt: '2024-12-02T11:15:00.000Z',
  decisionComment: 'Fine for the audit period',
  clusters: [
    {
      cluster: 'east',
      role: 'consumer',
      state: 'applied',
      lastError: null,
      updatedAt: '2024-12-02T11:16:00.000Z',
    },
    {
      cluster: 'north',
      role: 'consumer',
      state: 'failed',
      lastError: 'cluster north did not answer',
      updatedAt: '2024-12-02T11:16:00.000Z',
    },
  ],
});

/** Rejected by dave. */
export const rejectedRequest = exposureRequest({
  id: 'req-legacy',
  entityRef: 'component:default/legacy',
  service: {
    name: 'legacy',
    namespace: 'old',
    ports: [{ name: 'tcp', number: 5432 }],
  },
  sourceCluster: 'east',
  consumerClusters: ['north'],
  state: 'rejected',
  requestedAt: '2024-11-01T09:00:00.000Z',
  decidedBy: 'user:default/dave',
  decidedAt: '2024-11-01T10:00:00.000Z',
  decisionComment: 'Use the API gateway instead',
});

function component(name: string, owner: string, title?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', ...(title ? { title } : {}) },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: `group:default/${owner}` }],
  };
}

/** The catalog's components and their owning teams. */
export const catalogEntities: Entity[] = [
  component('svc-2', 'team-bar', 'Checkout service'),
  component('search', 'team-bar'),
  component('payments', 'team-pay'),
  component('ledger', 'team-pay'),
  component('legacy', 'team-bar'),
];

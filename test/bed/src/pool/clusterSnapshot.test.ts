import { ClusterSnapshot, restoreWrites } from './clusterSnapshot';

const snapshot = (): ClusterSnapshot => ({
  prefix: '/c1/',
  entries: new Map([
    ['/c1/namespaces/default', { modRevision: 5, value: Buffer.from('ns') }],
    [
      '/c1/configmaps/kube-system/coredns',
      { modRevision: 7, value: Buffer.from('corefile') },
    ],
    [
      '/c1/secrets/istio-system/cacerts',
      { modRevision: 8, value: Buffer.from('ca') },
    ],
    [
      '/c1/apiextensions.k8s.io/customresourcedefinitions/gateways.networking.istio.io',
      { modRevision: 9, value: Buffer.from('crd') },
    ],
  ]),
});

describe('restoreWrites', () => {
  it('deletes what is new, puts back what changed or is gone, and leaves the rest', () => {
    // The CRD was deleted by the test; Flux's is new.
    const writes = restoreWrites(snapshot(), [
      { key: '/c1/namespaces/default', modRevision: 5 },
      { key: '/c1/configmaps/kube-system/coredns', modRevision: 12 },
      { key: '/c1/namespaces/shop', modRevision: 13 },
      {
        key: '/c1/apiextensions.k8s.io/customresourcedefinitions/kustomizations.kustomize.toolkit.fluxcd.io',
        modRevision: 14,
      },
    ]);
    expect(writes).toEqual([
      {
        put: {
          key: '/c1/configmaps/kube-system/coredns',
          value: Buffer.from('corefile'),
        },
      },
      { delete: { key: '/c1/namespaces/shop' } },
      {
        delete: {
          key: '/c1/apiextensions.k8s.io/customresourcedefinitions/kustomizations.kustomize.toolkit.fluxcd.io',
        },
      },
      {
        put: {
          key: '/c1/secrets/istio-system/cacerts',
          value: Buffer.from('ca'),
        },
      },
      {
        put: {
          key: '/c1/apiextensions.k8s.io/customresourcedefinitions/gateways.networking.istio.io',
          value: Buffer.from('crd'),
        },
      },
    ]);
  });

  it('leaves alone what the API server keeps writing: leases, events, the CRDs it serves', () => {
    const writes = restoreWrites(snapshot(), [
      { key: '/c1/namespaces/default', modRevision: 5 },
      { key: '/c1/configmaps/kube-system/coredns', modRevision: 7 },
      { key: '/c1/secrets/istio-system/cacerts', modRevision: 8 },
      { key: '/c1/leases/kube-system/apiserver-abc', modRevision: 20 },
      { key: '/c1/events/default/x.1', modRevision: 21 },
      {
        key: '/c1/apiextensions.k8s.io/customresourcedefinitions/gateways.networking.istio.io',
        modRevision: 22,
      },
    ]);
    expect(writes).toEqual([]);
  });
});

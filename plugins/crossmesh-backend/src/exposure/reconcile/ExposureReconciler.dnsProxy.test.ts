import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { startTestBed, TestBed } from '@crossmesh/test-bed';
import { ClusterObserver } from '../../clusters/ClusterObserver';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { connectionsOf } from '../../trust/cluster/__testUtils__/trustTestKit';
import { DatabaseTrustStore } from '../../trust/store/DatabaseTrustStore';
import { ClusterDnsWiring } from '../dns/cluster';
import { DatabaseExposureStore } from '../store/DatabaseExposureStore';
import { allocateVip } from '../vip';
import { ClusterExposureApplier } from './ClusterExposureApplier';
import { ExposureReconciler } from './ExposureReconciler';
import { ReconcileLease } from './ReconcileLease';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

async function managed(cluster: TestBed['clusters'][number], plural: string) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  const list: any = await kubeConfig
    .makeApiClient(k8s.CustomObjectsApi)
    .listClusterCustomObject({
      group: 'networking.istio.io',
      version: 'v1beta1',
      plural,
      labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
    });
  return list.items as any[];
}

describe('ExposureReconciler with the dns-proxy strategy (Istio 1.22)', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await startTestBed({
      clusters: ['cluster-1', 'cluster-2'],
      istioVersion: '1.22.3',
    });
  });
  afterAll(async () => {
    await bed?.stop();
  });

  it('puts the consumer ServiceEntry and DestinationRule in the consumer, the exporter ServiceEntry and Gateway in the source, and removes them all on revoke', async () => {
    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@crossmesh/backstage-plugin-crossmesh-backend',
        'migrations',
      ),
    });
    const store = new DatabaseExposureStore(knex);
    const connections = connectionsOf(bed);
    const clients = new KubernetesClients();
    const observer = new ClusterObserver(clients, { timeoutMs: 10_000 });
    const reconciler = new ExposureReconciler({
      store,
      applier: new ClusterExposureApplier(clients),
      dns: new ClusterDnsWiring(clients),
      lease: new ReconcileLease(knex),
      connections,
      observeClusters: () =>
        Promise.all(connections.map(c => observer.observe(c))),
      audit: new DatabaseTrustStore(knex),
    });
    const host = 'svc-2.bar.global';
    const vip = await store.allocateVip(
      host,
      'r-1',
      inUse => allocateVip(inUse, { seed: host }).address,
    );
    const now = new Date().toISOString();
    await store.insertRequest({
      id: 'r-1',
      entityRef: 'component:default/svc-2',
      service: {
        name: 'svc-2',
        namespace: 'bar',
        ports: [{ name: 'http', number: 8000 }],
      },
      sourceCluster: 'cluster-2',
      consumerClusters: ['cluster-1'],
      consumerNamespaces: [],
      reason: 'svc-1 calls svc-2',
      endDate: null,
      state: 'approved',
      host,
      vip: vip.address,
      requestedBy: 'user:default/bob',
      requestedAt: now,
      decidedBy: 'user:default/carol',
      decidedAt: now,
      decisionComment: null,
      clusters: [],
      updatedAt: now,
    });

    const applied = await reconciler.reconcile();
    expect(applied.transitions).toEqual([
      'r-1: approved -> applying',
      'r-1: applying -> active',
    ]);
    expect(applied.dns).toEqual([]);
    const [consumer, source] = bed.clusters;

    const [consumerEntry] = await managed(consumer, 'serviceentries');
    expect(consumerEntry.spec).toMatchObject({
      hosts: [host],
      addresses: [vip.address],
      endpoints: [{ address: source.gatewayAddress, ports: { http: 15443 } }],
    });
    const [rule] = await managed(consumer, 'destinationrules');
    expect(rule.spec).toEqual({
      host: '*.global',
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    expect(await managed(consumer, 'gateways')).toEqual([]);

    const [exporterEntry] = await managed(source, 'serviceentries');
    expect(exporterEntry.spec).toMatchObject({
      hosts: [host],
      endpoints: [{ address: 'svc-2.bar.svc.cluster.local' }],
    });
    const [gateway] = await managed(source, 'gateways');
    expect(gateway.spec.servers).toEqual([
      expect.objectContaining({
        port: expect.objectContaining({ number: 15443, protocol: 'TLS' }),
        hosts: ['*.global'],
        tls: { mode: 'AUTO_PASSTHROUGH' },
      }),
    ]);
    expect(await managed(source, 'destinationrules')).toEqual([]);

    expect(await store.transitionRequest('r-1', 'active', 'revoking')).toBe(
      true,
    );
    const removed = await reconciler.reconcile();
    expect(removed.transitions).toEqual(['r-1: revoking -> revoked']);
    for (const cluster of bed.clusters) {
      for (const plural of ['serviceentries', 'destinationrules', 'gateways']) {
        expect(await managed(cluster, plural)).toEqual([]);
      }
    }
    expect(await store.getVip(host)).toBeUndefined();
  });
  it('revokes an exposure whose end date has passed', async () => {
    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@crossmesh/backstage-plugin-crossmesh-backend',
        'migrations',
      ),
    });
    const store = new DatabaseExposureStore(knex);
    const connections = connectionsOf(bed);
    const clients = new KubernetesClients();
    const observer = new ClusterObserver(clients, { timeoutMs: 10_000 });
    let now = new Date('2030-01-01T00:00:00Z');
    const reconciler = new ExposureReconciler({
      store,
      applier: new ClusterExposureApplier(clients),
      dns: new ClusterDnsWiring(clients),
      lease: new ReconcileLease(knex),
      connections,
      observeClusters: () =>
        Promise.all(connections.map(c => observer.observe(c))),
      audit: new DatabaseTrustStore(knex),
      now: () => now,
    });
    const host = 'svc-9.bar.global';
    const vip = await store.allocateVip(
      host,
      'r-9',
      inUse => allocateVip(inUse, { seed: host }).address,
    );
    await store.insertRequest({
      id: 'r-9',
      entityRef: 'component:default/svc-9',
      service: {
        name: 'svc-9',
        namespace: 'bar',
        ports: [{ name: 'http', number: 8000 }],
      },
      sourceCluster: 'cluster-2',
      consumerClusters: ['cluster-1'],
      consumerNamespaces: [],
      reason: 'until the migration is done',
      endDate: '2030-01-31T00:00:00.000Z',
      state: 'approved',
      host,
      vip: vip.address,
      requestedBy: 'user:default/bob',
      requestedAt: now.toISOString(),
      decidedBy: 'user:default/carol',
      decidedAt: now.toISOString(),
      decisionComment: null,
      clusters: [],
      updatedAt: now.toISOString(),
    });
    expect((await reconciler.reconcile()).transitions).toEqual([
      'r-9: approved -> applying',
      'r-9: applying -> active',
    ]);
    expect(await managed(bed.clusters[0], 'serviceentries')).toHaveLength(1);

    now = new Date('2030-02-01T00:00:00Z');
    expect((await reconciler.reconcile()).transitions).toEqual([
      'r-9: active -> revoking',
      'r-9: revoking -> revoked',
    ]);
    expect(await managed(bed.clusters[0], 'serviceentries')).toEqual([]);
    expect(await store.getVip(host)).toBeUndefined();
  });
});

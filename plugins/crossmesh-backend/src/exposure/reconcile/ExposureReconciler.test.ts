import { resolvePackagePath } from '@backstage/backend-plugin-api';
import knexFactory from 'knex';
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { ClusterObserver } from '../../clusters/ClusterObserver';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { connectionsOf } from '../../__testUtils__/trustTestKit';
import { DatabaseAuditLog } from '../../audit';
import { DatabaseExposureStore } from '../store/DatabaseExposureStore';
import { databaseExposureTransaction } from '../store/ExposureTransaction';
import { ExposureService } from '../workflow/ExposureService';
import { ServiceOwnership } from '../workflow/serviceOwnership';
import { allocateVip } from '../vip';
import { ClusterDnsWiring } from '../dns/cluster';
import { ClusterExposureApplier } from './ClusterExposureApplier';
import { ExposureReconciler } from './ExposureReconciler';
import { ReconcileLease } from './ReconcileLease';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const bob = mockCredentials.user('user:default/bob');
const carol = mockCredentials.user('user:default/carol');

async function adminCustomObjects(cluster: TestBed['clusters'][number]) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  return kubeConfig.makeApiClient(k8s.CustomObjectsApi);
}

async function corefile(cluster: TestBed['clusters'][number]) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
  const configMap = await core.readNamespacedConfigMap({
    name: 'coredns',
    namespace: 'kube-system',
  });
  const service = await core.readNamespacedService({
    name: 'istiocoredns',
    namespace: 'istio-system',
  });
  return {
    text: configMap.data!.Corefile,
    istiocorednsIp: service.spec!.clusterIP!,
  };
}

async function listServiceEntries(cluster: TestBed['clusters'][number]) {
  const api = await adminCustomObjects(cluster);
  const list: any = await api.listClusterCustomObject({
    group: 'networking.istio.io',
    version: 'v1beta1',
    plural: 'serviceentries',
    labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
  });
  return list.items as any[];
}

describe('ExposureReconciler on real API servers', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    ]);
  });
  afterAll(async () => {
    await bed?.stop();
  });

  it('applies an approved exposure, keeps it converged quietly, and removes it on revoke', async () => {
    const knex = await databases.init('SQLITE_3');
    await knex.migrate.latest({
      directory: resolvePackagePath(
        '@crossmesh/backstage-plugin-crossmesh-backend',
        'migrations',
      ),
    });
    const store = new DatabaseExposureStore(knex);
    const audit = new DatabaseAuditLog(knex);
    const transaction = databaseExposureTransaction(knex);
    const connections = connectionsOf(bed);
    const clients = new KubernetesClients();
    const observer = new ClusterObserver(clients, { timeoutMs: 10_000 });
    const observeClusters = () =>
      Promise.all(connections.map(c => observer.observe(c)));
    const exposures = new ExposureService({
      store,
      transaction,
      catalog: catalogServiceMock({
        entities: [
          {
            apiVersion: 'backstage.io/v1alpha1',
            kind: 'Component',
            metadata: {
              name: 'svc-2',
              namespace: 'default',
              annotations: {
                'backstage.io/kubernetes-id': 'svc-2',
                'backstage.io/kubernetes-namespace': 'bar',
                'crossmesh.io/cluster': 'cluster-2',
                'crossmesh.io/ports': 'http:8000',
              },
            },
            spec: { type: 'service', owner: 'group:default/team-b' },
            relations: [{ type: 'ownedBy', targetRef: 'group:default/team-b' }],
          },
        ],
      }),
      userInfo: {
        getUserInfo: async (credentials: any) => ({
          userEntityRef: credentials.principal.userEntityRef,
          ownershipEntityRefs: [
            credentials.principal.userEntityRef,
            'group:default/team-b',
          ],
        }),
      },
      clusters: {
        names: () => connections.map(c => c.name),
        getCluster: async name =>
          observer.observe(connections.find(c => c.name === name)!),
      },
      approvers: { groups: [] },
      serviceOwnership: new ServiceOwnership({
        clients,
        connections,
        allowedSystemNamespaces: [],
      }),
    });
    const outcomes: string[] = [];
    const reconciler = new ExposureReconciler({
      onOutcome: async (r, outcome) => {
        outcomes.push(`${r.id}: ${outcome}`);
      },
      store,
      transaction,
      applier: new ClusterExposureApplier(clients),
      dns: new ClusterDnsWiring(clients),
      lease: new ReconcileLease(knex),
      connections,
      observeClusters,
      audit,
    });

    const request = await exposures.create(
      {
        entityRef: 'component:default/svc-2',
        consumerClusters: ['cluster-1'],
        reason: 'svc-1 calls svc-2',
      },
      bob,
      'user:default/bob',
    );
    expect((await reconciler.reconcile()).transitions).toEqual([]);
    expect(await listServiceEntries(bed.clusters[0])).toEqual([]);

    const original = await corefile(bed.clusters[0]);
    const approved = await exposures.approve(
      request.id,
      'ok',
      carol,
      'user:default/carol',
    );
    const first = await reconciler.reconcile();
    expect(first.transitions).toEqual([
      `${request.id}: approved -> applying`,
      `${request.id}: applying -> active`,
    ]);
    expect(outcomes).toEqual([`${request.id}: active`]);
    const [entry] = await listServiceEntries(bed.clusters[0]);
    expect(entry.spec).toEqual({
      hosts: ['svc-2.bar.global'],
      location: 'MESH_INTERNAL',
      ports: [{ number: 8000, name: 'http', protocol: 'HTTP' }],
      resolution: 'DNS',
      addresses: [approved.vip],
      endpoints: [
        { address: bed.clusters[1].gatewayAddress, ports: { http: 15443 } },
      ],
    });
    expect(entry.metadata.labels).toMatchObject({
      'app.kubernetes.io/managed-by': 'crossmesh',
    });
    expect(await listServiceEntries(bed.clusters[1])).toEqual([]);
    // legacy-global: the consumer cluster forwards .global to its istiocoredns, and only it.
    const wired = await corefile(bed.clusters[0]);
    expect(wired.text.startsWith(original.text.replace(/\n$/, ''))).toBe(true);
    expect(wired.text).toContain(`forward . ${wired.istiocorednsIp}:53`);
    expect((await corefile(bed.clusters[1])).text).not.toContain('global');
    expect(first.dns).toEqual([{ cluster: 'cluster-1', changed: true }]);
    const active = await exposures.get(request.id);
    expect(active.state).toBe('active');
    expect(active.clusters).toEqual([
      expect.objectContaining({
        cluster: 'cluster-1',
        role: 'consumer',
        state: 'applied',
        lastError: null,
      }),
      expect.objectContaining({
        cluster: 'cluster-2',
        role: 'exporter',
        state: 'applied',
        lastError: null,
      }),
    ]);

    const writesAudited = await audit.list({
      action: 'cluster.converged',
      limit: 10,
      offset: 0,
    });
    expect(writesAudited.items).toEqual([
      expect.objectContaining({
        actor: 'crossmesh:reconciler',
        clusterName: 'cluster-1',
        details: expect.objectContaining({ applied: 1, writes: 1 }),
      }),
    ]);
    const steady = await reconciler.reconcile();
    expect(steady.transitions).toEqual([]);
    expect(steady.clusters.map(c => c.writes)).toEqual([0, 0]);
    expect(steady.clusters.map(c => c.reads)).toEqual([4, 4]); // one LIST per managed kind
    expect(steady.dns).toEqual([]);

    // Someone deletes the ServiceEntry: the next pass puts it back, once.
    await (
      await adminCustomObjects(bed.clusters[0])
    ).deleteNamespacedCustomObject({
      group: 'networking.istio.io',
      version: 'v1beta1',
      plural: 'serviceentries',
      namespace: entry.metadata.namespace,
      name: entry.metadata.name,
    });
    const repaired = await reconciler.reconcile();
    expect(repaired.clusters[0]).toMatchObject({
      cluster: 'cluster-1',
      applied: 1,
    });
    expect(await listServiceEntries(bed.clusters[0])).toHaveLength(1);

    await exposures.revoke(request.id, bob, 'user:default/bob');
    const removal = await reconciler.reconcile();
    expect(removal.transitions).toEqual([`${request.id}: revoking -> revoked`]);
    expect(await listServiceEntries(bed.clusters[0])).toEqual([]);
    expect(await store.getVip('svc-2.bar.global')).toBeUndefined();
    expect((await corefile(bed.clusters[0])).text).toBe(original.text);
  });
  it('lets one of two replicas on one PostgreSQL converge, writing each object once', async () => {
    const ids = databases.eachSupportedId().flat();
    expect(ids.includes('POSTGRES_15') || !process.env.CI).toBe(true);
    const id = ids.includes('POSTGRES_15') ? 'POSTGRES_15' : 'SQLITE_3';
    const knexA = await databases.init(id);
    await knexA.migrate.latest({
      directory: resolvePackagePath(
        '@crossmesh/backstage-plugin-crossmesh-backend',
        'migrations',
      ),
    });
    const knexB =
      id === 'POSTGRES_15' ? knexFactory(knexA.client.config) : knexA;
    const connections = connectionsOf(bed);
    try {
      const storeA = new DatabaseExposureStore(knexA);
      const now = new Date().toISOString();
      for (let i = 0; i < 20; i++) {
        const host = `replica-${i}.shop.global`;
        const vip = await storeA.allocateVip(
          host,
          `r-${i}`,
          inUse => allocateVip(inUse, { seed: host }).address,
        );
        await storeA.insertRequest({
          id: `r-${i}`,
          entityRef: 'component:default/svc-2',
          service: {
            name: `replica-${i}`,
            namespace: 'shop',
            ports: [{ name: 'http', number: 8000 }],
          },
          sourceCluster: 'cluster-2',
          consumerClusters: ['cluster-1'],
          consumerNamespaces: [],
          reason: 'two replicas',
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
      }
      const replica = (knex: typeof knexA) => {
        const clients = new KubernetesClients();
        const observer = new ClusterObserver(clients, { timeoutMs: 10_000 });
        return new ExposureReconciler({
          store: new DatabaseExposureStore(knex),
          transaction: databaseExposureTransaction(knex),
          applier: new ClusterExposureApplier(clients),
          dns: new ClusterDnsWiring(clients),
          lease: new ReconcileLease(knex),
          connections,
          observeClusters: () =>
            Promise.all(connections.map(c => observer.observe(c))),
          audit: new DatabaseAuditLog(knex),
        });
      };
      const reports = await Promise.all([
        replica(knexA).reconcile(),
        replica(knexB).reconcile(),
      ]);

      expect(reports.filter(r => r.skipped)).toHaveLength(1);
      const writes = reports
        .flatMap(r => r.clusters)
        .reduce((n, c) => n + c.writes, 0);
      expect(writes).toBe(20);
      const entries = (await listServiceEntries(bed.clusters[0])).filter(e =>
        e.spec.hosts[0].startsWith('replica-'),
      );
      expect(entries).toHaveLength(20);
      const { items } = await storeA.listRequests({
        states: ['active'],
        limit: 50,
        offset: 0,
      });
      expect(items).toHaveLength(20);
      expect(new Set(items.map(r => r.vip)).size).toBe(20);
    } finally {
      if (knexB !== knexA) await knexB.destroy();
    }
  });
});

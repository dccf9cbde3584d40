import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { Knex } from 'knex';
import { KubernetesClients } from '../clusters/KubernetesClients';
import { migrationsDirectory } from '../database/migrations';
import { ClusterDnsWiring } from '../exposure/dns/cluster';
import { ClusterExposureApplier } from '../exposure/reconcile/ClusterExposureApplier';
import { ExposureReconciler } from '../exposure/reconcile/ExposureReconciler';
import { ReconcileLease } from '../exposure/reconcile/ReconcileLease';
import { DatabaseExposureStore } from '../exposure/store/DatabaseExposureStore';
import { databaseExposureTransaction } from '../exposure/store/ExposureTransaction';
import { ExposureService } from '../exposure/workflow/ExposureService';
import { ServiceOwnership } from '../exposure/workflow/serviceOwnership';
import { DatabaseMembershipStore } from '../onboarding/membership/DatabaseMembershipStore';
import { deriveKek } from '../pki';
import { DatabaseTrustStore } from '../trust/store/DatabaseTrustStore';
import { connectionsOf } from '../__testUtils__/trustTestKit';
import { databaseTrustTransaction } from '../trust/store/TrustTransaction';
import { DatabaseConfirmationStore } from '../trust/store/DatabaseConfirmationStore';
import { createTrustServices } from '../trust';
import { DatabaseAuditLog } from './DatabaseAuditLog';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const AUDIT_TABLE = 'audit_events';

const svc2 = {
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
};

/**
 * Every state change that is audited is written in one transaction with its audit event:
 * when the audit insert fails, here because its table is gone for a moment, the change
 * is not made either.
 */
describe('a failing audit insert leaves no state change', () => {
  // A real cluster holds svc-2, labelled as the component's: a request proves ownership there.
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

  it('runs on PostgreSQL too when CI provides one', () => {
    const ids = databases.eachSupportedId().flat();
    expect(!process.env.CI || ids.includes('POSTGRES_15')).toBe(true);
  });

  describe.each(databases.eachSupportedId())('on %s', databaseId => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDirectory() });
    });

    /** Runs `change` while the audit table is renamed away, and expects it to fail. */
    async function withoutAuditTable(change: () => Promise<unknown>) {
      await knex.schema.renameTable(AUDIT_TABLE, `${AUDIT_TABLE}_away`);
      try {
        await expect(change()).rejects.toThrow(/audit_events/);
      } finally {
        await knex.schema.renameTable(`${AUDIT_TABLE}_away`, AUDIT_TABLE);
      }
    }

    function exposureService() {
      const store = new DatabaseExposureStore(knex);
      const connections = connectionsOf(bed);
      const service = new ExposureService({
        store,
        transaction: databaseExposureTransaction(knex),
        catalog: catalogServiceMock({ entities: [svc2] }),
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
          getCluster: async () => {
            throw new Error('no cluster is observed here');
          },
        },
        approvers: { groups: [] },
        serviceOwnership: new ServiceOwnership({
          clients: new KubernetesClients(),
          connections,
          allowedSystemNamespaces: [],
        }),
      });
      return { service, store };
    }

    const bob = mockCredentials.user('user:default/bob');
    const carol = mockCredentials.user('user:default/carol');
    const input = {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-1'],
      reason: 'svc-1 calls svc-2',
    };

    it('when an exposure is requested', async () => {
      const { service, store } = exposureService();
      await withoutAuditTable(() =>
        service.create(input, bob, 'user:default/bob'),
      );
      expect(await store.listRequests({ limit: 10, offset: 0 })).toEqual({
        items: [],
        totalCount: 0,
      });
    });

    it('when an exposure is approved: neither the state nor the VIP changes', async () => {
      const { service, store } = exposureService();
      const request = await service.create(input, bob, 'user:default/bob');
      await withoutAuditTable(() =>
        service.approve(request.id, 'ok', carol, 'user:default/carol'),
      );
      expect(await store.getRequest(request.id)).toEqual(request);
      expect(await store.listVips()).toEqual([]);

      // With the table back, the same approval goes through.
      const approved = await service.approve(
        request.id,
        'ok',
        carol,
        'user:default/carol',
      );
      expect(approved.state).toBe('approved');
      expect(await store.listVips()).toHaveLength(1);
    });

    it('when the reconciler moves a request', async () => {
      const { service, store } = exposureService();
      const request = await service.create(input, bob, 'user:default/bob');
      await service.approve(request.id, 'ok', carol, 'user:default/carol');
      const clients = new KubernetesClients();
      const reconciler = new ExposureReconciler({
        store,
        transaction: databaseExposureTransaction(knex),
        applier: new ClusterExposureApplier(clients),
        dns: new ClusterDnsWiring(clients),
        lease: new ReconcileLease(knex),
        connections: [],
        observeClusters: async () => [],
        audit: new DatabaseAuditLog(knex),
      });
      await withoutAuditTable(() => reconciler.reconcile());
      expect((await store.getRequest(request.id))?.state).toBe('approved');

      const report = await reconciler.reconcile();
      expect(report.transitions).toEqual([
        `${request.id}: approved -> applying`,
      ]);
    });

    it('when a root CA is generated', async () => {
      const store = new DatabaseTrustStore(knex);
      const trust = createTrustServices({
        stores: {
          store,
          confirmations: new DatabaseConfirmationStore(knex),
          transaction: databaseTrustTransaction(knex),
          audit: new DatabaseAuditLog(knex),
        },
        clients: new KubernetesClients(),
        connections: [],
        settings: {
          mode: 'managed',
          kek: deriveKek('a key-encryption secret, long enough'),
          previousKeks: [],
          intermediateKeyType: 'ecdsa-p256',
          intermediateValidityDays: 60,
          renewalWindowDays: 30,
          workloadCertificateTtlMs: 0,
        },
      });
      await withoutAuditTable(() =>
        trust.roots.generateRoot(
          { keyType: 'ecdsa-p256', validityDays: 365 },
          'user:default/carol',
        ),
      );
      expect(await store.listRoots()).toEqual([]);
    });

    it('when a cluster is registered in the mesh', async () => {
      const store = new DatabaseMembershipStore(knex);
      await withoutAuditTable(() =>
        store.put(
          {
            cluster: 'cluster-1',
            network: 'network-1',
            gatewayAddress: null,
            gatewayPort: null,
            keyType: null,
          },
          'user:default/carol',
          new Date(),
        ),
      );
      expect(await store.list()).toEqual([]);
    });
  });
});

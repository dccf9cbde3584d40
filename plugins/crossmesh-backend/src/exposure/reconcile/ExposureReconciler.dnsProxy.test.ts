import { TestDatabases } from '@backstage/backend-test-utils';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { adminApis } from '../../__testUtils__/trustTestKit';
import {
  insertApprovedRequest,
  managedObjects,
  migratedDatabase,
  reconcilerFor,
} from '../../__testUtils__/reconcilerFixture';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

describe('ExposureReconciler with the dns-proxy strategy (Istio 1.22)', () => {
  let bed: TestBed;
  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2'],
      istioVersion: '1.22.3',
    });
    // svc-2's namespace in the cluster that runs it, where its AuthorizationPolicy goes.
    const { core } = await adminApis(bed.clusters[1]);
    await core.createNamespace({ body: { metadata: { name: 'bar' } } });
  });
  afterAll(async () => {
    await bed?.stop();
  });

  it('puts the consumer ServiceEntry and DestinationRule in the consumer, the exporter ServiceEntry, Gateway and AuthorizationPolicy in the source, and removes them all on revoke', async () => {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    const { reconciler, store } = reconcilerFor(bed, knex);
    const request = await insertApprovedRequest(store, 'r-1', 'svc-2');

    const applied = await reconciler.reconcile();
    expect(applied.transitions).toEqual([
      'r-1: approved -> applying',
      'r-1: applying -> active',
    ]);
    expect(applied.dns).toEqual([]);
    const [consumer, source] = bed.clusters;

    const [consumerEntry] = await managedObjects(consumer, 'serviceentries');
    expect(consumerEntry.spec).toMatchObject({
      hosts: [request.host],
      addresses: [request.vip],
      endpoints: [{ address: source.gatewayAddress, ports: { http: 15443 } }],
    });
    const [rule] = await managedObjects(consumer, 'destinationrules');
    expect(rule.spec).toEqual({
      host: request.host,
      trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } },
    });
    expect(await managedObjects(consumer, 'gateways')).toEqual([]);

    const [exporterEntry] = await managedObjects(source, 'serviceentries');
    expect(exporterEntry.spec).toMatchObject({
      hosts: [request.host],
      endpoints: [
        {
          address: 'svc-2.bar.svc.cluster.local',
          labels: { 'security.istio.io/tlsMode': 'istio' },
        },
      ],
    });
    const [gateway] = await managedObjects(source, 'gateways');
    expect(gateway.spec.servers).toEqual([
      expect.objectContaining({
        port: expect.objectContaining({ number: 15443, protocol: 'TLS' }),
        hosts: ['*.global'],
        tls: { mode: 'AUTO_PASSTHROUGH' },
      }),
    ]);
    expect(await managedObjects(source, 'destinationrules')).toEqual([]);
    const [policy] = await managedObjects(source, 'authorizationpolicies');
    expect(policy.metadata.namespace).toBe('bar');
    expect(policy.spec).toEqual({
      action: 'DENY',
      rules: [
        {
          from: [{ source: { notPrincipals: ['*'] } }],
          when: [{ key: 'connection.sni', values: [`*.${request.host}`] }],
        },
      ],
    });

    expect(await store.transitionRequest('r-1', 'active', 'revoking')).toBe(
      true,
    );
    const removed = await reconciler.reconcile();
    expect(removed.transitions).toEqual(['r-1: revoking -> revoked']);
    for (const cluster of bed.clusters) {
      for (const plural of [
        'serviceentries',
        'destinationrules',
        'gateways',
        'authorizationpolicies',
      ] as const) {
        expect(await managedObjects(cluster, plural)).toEqual([]);
      }
    }
    expect(await store.getVip(request.host)).toBeUndefined();
  });

  it('revokes an exposure whose end date has passed', async () => {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    let now = new Date('2030-01-01T00:00:00Z');
    const { reconciler, store } = reconcilerFor(bed, knex, { now: () => now });
    const request = await insertApprovedRequest(store, 'r-9', 'svc-9', {
      endDate: '2030-01-31T00:00:00.000Z',
    });
    expect((await reconciler.reconcile()).transitions).toEqual([
      'r-9: approved -> applying',
      'r-9: applying -> active',
    ]);
    expect(
      await managedObjects(bed.clusters[0], 'serviceentries'),
    ).toHaveLength(1);

    now = new Date('2030-02-01T00:00:00Z');
    expect((await reconciler.reconcile()).transitions).toEqual([
      'r-9: active -> revoking',
      'r-9: revoking -> revoked',
    ]);
    expect(await managedObjects(bed.clusters[0], 'serviceentries')).toEqual([]);
    expect(await store.getVip(request.host)).toBeUndefined();
  });
});

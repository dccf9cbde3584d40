import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import {
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../../__testUtils__/testBackend';
import {
  createHandMadeEntry,
  deleteAllServiceEntries,
  entriesForHost,
  serviceEntrySnapshot,
  watchHostEntries,
} from './__testUtils__/handMadeSetUp';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const HOST = 'svc-2.bar.global';
const MANAGED_BY = 'app.kubernetes.io/managed-by';

const owners: Record<string, string[]> = {
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': ['group:default/platform-team'],
};

function component(name: string, namespace = 'bar'): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': namespace,
        'crossmesh.io/cluster': 'cluster-2',
        'crossmesh.io/ports': 'http:8000',
      },
    },
    spec: { type: 'service', owner: 'group:default/team-b', lifecycle: 'prod' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-b' }],
  };
}

describe('adopting a hand-made .global set-up over HTTP, against real API servers', () => {
  let bed: TestBed;
  let backend: CrossmeshTestBackend;

  const reconcilePass = () => backend.reconcile();

  const as = (user: string) => backend.as(user);

  /** Everything adoption could write: requests, VIPs, audit log and every ServiceEntry. */
  async function snapshot() {
    return {
      exposures: (await as('carol').get('/exposures?limit=100')).body,
      vips: (await as('carol').get('/vips')).body,
      audit: (await as('carol').get('/audit-events?limit=100')).body.totalCount,
      entries: await Promise.all(bed.clusters.map(serviceEntrySnapshot)),
    };
  }

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-4' },
    ]);
  });

  // Each test starts from the same hand-made set-up and an empty database, so none depends
  // on what another adopted, approved or deleted.
  beforeEach(async () => {
    await Promise.all(bed.clusters.map(deleteAllServiceEntries));
    const [databaseId] = databases.eachSupportedId().flat().reverse();
    backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      knex: await databases.init(databaseId),
      users: owners,
      entities: [component('svc-2'), component('svc-4'), component('svc-6')],
    });

    const [cluster1, cluster2, cluster3] = bed.clusters;
    // svc-2 runs in cluster-2; cluster-1 and cluster-3 call it, as in Istio 1.6's docs.
    for (const caller of [cluster1, cluster3]) {
      await createHandMadeEntry(caller, {
        name: 'svc-2-bar',
        namespace: 'bar',
        host: HOST,
        vip: '240.0.0.2',
        gateway: cluster2.gatewayAddress,
      });
    }
    await createHandMadeEntry(cluster1, {
      name: 'svc-7',
      namespace: 'bar',
      host: 'svc-7.bar.global',
      vip: '240.240.0.7',
      gateway: '192.0.2.99',
    });
    await createHandMadeEntry(cluster1, {
      name: 'svc-9',
      namespace: 'nowhere',
      host: 'svc-9.nowhere.global',
      vip: '240.0.0.9',
      gateway: cluster2.gatewayAddress,
    });
    await createHandMadeEntry(cluster3, {
      name: 'svc-9',
      namespace: 'nowhere',
      host: 'svc-9.nowhere.global',
      vip: '240.0.0.10',
      gateway: cluster2.gatewayAddress,
    });
  });

  afterEach(async () => {
    await backend?.stop();
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('lists each hand-made entry with its Component, the cluster it reaches, and its problems', async () => {
    const response = await as('carol').get('/adoption/candidates');
    expect(response.status).toBe(200);
    expect(response.body.unreadClusters).toEqual([]);
    const byId = new Map<string, any>(
      response.body.items.map((c: any) => [c.id, c]),
    );
    expect([...byId.keys()].sort()).toEqual([
      'cluster-1/bar/svc-2-bar',
      'cluster-1/bar/svc-7',
      'cluster-1/nowhere/svc-9',
      'cluster-3/bar/svc-2-bar',
      'cluster-3/nowhere/svc-9',
    ]);
    expect(byId.get('cluster-1/bar/svc-2-bar')).toEqual({
      id: 'cluster-1/bar/svc-2-bar',
      cluster: 'cluster-1',
      namespace: 'bar',
      name: 'svc-2-bar',
      host: HOST,
      role: 'consumer',
      addresses: ['240.0.0.2'],
      ports: [{ name: 'http', number: 8000, protocol: 'http' }],
      endpoints: [{ address: '192.0.2.11', ports: { http: 15443 } }],
      exportTo: [],
      entityRef: 'component:default/svc-2',
      sourceCluster: 'cluster-2',
      servedBy: null,
      adoptable: true,
      problems: [],
    });
    expect(byId.get('cluster-1/bar/svc-7')).toMatchObject({
      adoptable: false,
      sourceCluster: null,
      problems: [
        expect.stringContaining(
          "endpoint '192.0.2.99' is not the gateway address of any cluster of the mesh",
        ),
        expect.stringContaining(
          "is in 240.240.0.0/16, Istio's own auto-allocation range",
        ),
        expect.stringContaining(
          'no Component in the catalog has the annotations backstage.io/kubernetes-id: svc-7',
        ),
      ],
    });
    expect(byId.get('cluster-3/nowhere/svc-9')).toMatchObject({
      adoptable: false,
      entityRef: null,
      sourceCluster: 'cluster-2',
      problems: [
        expect.stringContaining(
          "svc-9.nowhere.global has different VIPs in different clusters: '240.0.0.9' in cluster-1/nowhere/svc-9, '240.0.0.10' in cluster-3/nowhere/svc-9",
        ),
        expect.stringContaining('no Component in the catalog'),
      ],
    });
  });

  it('refuses unknown hosts, unadoptable hosts and non-approvers, and writes nothing', async () => {
    const before = await snapshot();

    const bad = await as('carol').post('/adoption', {
      hosts: ['svc-7.bar.global', 'nope.bar.global'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      "'nope.bar.global' has no hand-made ServiceEntry in the clusters crossmesh could read",
    );
    expect(bad.body.error.message).toContain(
      "svc-7.bar.global: cluster-1/bar/svc-7: endpoint '192.0.2.99' is not the gateway address",
    );

    const nothing = await as('carol').post('/adoption', {});
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.message).toContain('Name what to adopt');

    const unknownId = await as('carol').post('/adoption', {
      candidateIds: ['cluster-1/bar/missing'],
    });
    expect(unknownId.status).toBe(400);
    expect(unknownId.body.error.message).toContain(
      "there is no hand-made ServiceEntry 'cluster-1/bar/missing'",
    );

    const notApprover = await as('bob').post('/adoption', { hosts: [HOST] });
    expect(notApprover.status).toBe(403);
    expect(notApprover.body.error.message).toContain(
      'Only members of group:default/platform-team may adopt',
    );

    expect(await snapshot()).toEqual(before);
  });

  it('shows on a dry run what adoption would do, and writes nothing', async () => {
    const before = await snapshot();
    const response = await as('carol').post('/adoption', {
      hosts: [HOST],
      dryRun: true,
    });
    expect(response.status).toBe(200);
    expect(response.body.dryRun).toBe(true);
    const [item] = response.body.items;
    expect(item).toMatchObject({
      host: HOST,
      entityRef: 'component:default/svc-2',
      sourceCluster: 'cluster-2',
      vip: '240.0.0.2',
      request: {
        id: '',
        state: 'active',
        vip: '240.0.0.2',
        consumerClusters: ['cluster-1', 'cluster-3'],
        reason: 'Adopted from a hand-made .global set-up',
      },
    });
    expect(item.clusters).toEqual([
      expect.objectContaining({
        cluster: 'cluster-1',
        role: 'consumer',
        done: false,
        apply: [
          {
            kind: 'ServiceEntry',
            namespace: 'istio-system',
            name: expect.stringMatching(/^crossmesh-svc-2-bar-/),
          },
        ],
        delete: [{ kind: 'ServiceEntry', namespace: 'bar', name: 'svc-2-bar' }],
        yaml: expect.stringContaining('- 240.0.0.2'),
      }),
      expect.objectContaining({ cluster: 'cluster-3', done: false }),
    ]);
    expect(await snapshot()).toEqual(before);
  });

  it('adopts a host: an active request with the same VIP, audited, and crossmesh’s entry in place before the hand-made one goes', async () => {
    const [cluster1, , cluster3] = bed.clusters;
    let adopted: any;
    const watches = await Promise.all(
      [cluster1, cluster3].map(c => watchHostEntries(c, HOST)),
    );
    try {
      const response = await as('carol').post('/adoption', {
        candidateIds: ['cluster-3/bar/svc-2-bar'],
      });
      expect(response.status).toBe(200);
      adopted = response.body.items[0].request;
      expect(adopted).toMatchObject({
        state: 'active',
        host: HOST,
        vip: '240.0.0.2',
        entityRef: 'component:default/svc-2',
        sourceCluster: 'cluster-2',
        consumerClusters: ['cluster-1', 'cluster-3'],
        requestedBy: 'user:default/carol',
        decidedBy: 'user:default/carol',
        reason: 'Adopted from a hand-made .global set-up',
      });
      expect(
        response.body.items[0].clusters.map((c: any) => [c.cluster, c.done]),
      ).toEqual([
        ['cluster-1', true],
        ['cluster-3', true],
      ]);

      for (const watch of watches) {
        await watch.seen(/^DELETED bar\/svc-2-bar$/);
        expect(watch.events).toEqual([
          expect.stringMatching(/^ADDED istio-system\/crossmesh-svc-2-bar-/),
          'DELETED bar/svc-2-bar',
        ]);
        // The host had an entry at every moment the API server went through.
        expect(watch.fewest()).toBe(1);
      }
    } finally {
      watches.forEach(w => w.stop());
    }

    const stored = await as('carol').get(`/exposures/${adopted.id}`);
    expect(stored.body.state).toBe('active');
    expect((await as('carol').get('/vips')).body.items).toEqual([
      expect.objectContaining({
        host: HOST,
        address: '240.0.0.2',
        requestId: adopted.id,
      }),
    ]);
    const audit = await as('carol').get(
      '/audit-events?action=exposure.adopted',
    );
    expect(audit.body.items).toEqual([
      expect.objectContaining({
        actor: 'user:default/carol',
        clusterName: 'cluster-2',
        details: expect.objectContaining({
          requestId: adopted.id,
          host: HOST,
          vip: '240.0.0.2',
          entries: ['cluster-1/bar/svc-2-bar', 'cluster-3/bar/svc-2-bar'],
        }),
      }),
    ]);

    const clusterWrites = await as('carol').get(
      '/audit-events?action=exposure.adoption-applied',
    );
    expect(
      clusterWrites.body.items
        .map((e: any) => [e.clusterName, e.details.deleted])
        .sort(),
    ).toEqual([
      ['cluster-1', ['bar/svc-2-bar']],
      ['cluster-3', ['bar/svc-2-bar']],
    ]);

    // The reconciler now keeps crossmesh's entry as for any exposure: one entry, same VIP.
    await reconcilePass();
    for (const cluster of [cluster1, cluster3]) {
      const entries = await entriesForHost(cluster, HOST);
      expect(entries).toHaveLength(1);
      expect(entries[0].metadata.labels).toMatchObject({
        [MANAGED_BY]: 'crossmesh',
        'crossmesh.io/request-id': adopted.id,
      });
      expect(entries[0].spec).toMatchObject({
        hosts: [HOST],
        addresses: ['240.0.0.2'],
        endpoints: [{ address: '192.0.2.11', ports: { http: 15443 } }],
      });
    }
    expect((await as('carol').get(`/exposures/${adopted.id}`)).body.state).toBe(
      'active',
    );
    const candidates = await as('carol').get('/adoption/candidates');
    expect(candidates.body.items.map((c: any) => c.host)).not.toContain(HOST);
  });

  it('refuses with 409 a VIP already held by another host, naming both, and writes nothing', async () => {
    const requested = await as('bob').post('/exposures', {
      entityRef: 'component:default/svc-4',
      consumerClusters: ['cluster-1'],
      reason: 'svc-1 calls svc-4',
    });
    const approved = await as('carol').post(
      `/exposures/${requested.body.id}/approve`,
    );
    const takenVip = approved.body.vip;
    await createHandMadeEntry(bed.clusters[2], {
      name: 'svc-6',
      namespace: 'bar',
      host: 'svc-6.bar.global',
      vip: takenVip,
      gateway: bed.clusters[1].gatewayAddress,
    });
    const before = await snapshot();

    const clash = await as('carol').post('/adoption', {
      hosts: ['svc-6.bar.global'],
    });
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toContain(
      `VIP ${takenVip} of svc-6.bar.global is already allocated to svc-4.bar.global (request ${requested.body.id})`,
    );
    expect(await snapshot()).toEqual(before);
  });

  it('only removes a hand-made entry left beside an exposure that already serves its cluster', async () => {
    const [cluster1] = bed.clusters;
    const requested = await as('bob').post('/exposures', {
      entityRef: 'component:default/svc-4',
      consumerClusters: ['cluster-1'],
      reason: 'svc-1 calls svc-4',
    });
    expect(
      (await as('carol').post(`/exposures/${requested.body.id}/approve`))
        .status,
    ).toBe(200);
    await reconcilePass(); // svc-4's approved request becomes active in cluster-1
    const [served] = (
      await as('carol').get(
        `/exposures?state=active&entityRef=${encodeURIComponent(
          'component:default/svc-4',
        )}`,
      )
    ).body.items;
    await createHandMadeEntry(cluster1, {
      name: 'svc-4-leftover',
      namespace: 'bar',
      host: 'svc-4.bar.global',
      vip: served.vip,
      gateway: bed.clusters[1].gatewayAddress,
    });
    const candidates = await as('carol').get('/adoption/candidates');
    expect(
      candidates.body.items.find((c: any) => c.name === 'svc-4-leftover'),
    ).toMatchObject({ servedBy: served.id, adoptable: true, problems: [] });
    const before = (await as('carol').get('/exposures')).body.totalCount;

    const response = await as('carol').post('/adoption', {
      hosts: ['svc-4.bar.global'],
    });
    expect(response.status).toBe(200);
    expect(response.body.items[0]).toMatchObject({
      request: null,
      clusters: [
        {
          cluster: 'cluster-1',
          requestId: served.id,
          delete: [
            { kind: 'ServiceEntry', namespace: 'bar', name: 'svc-4-leftover' },
          ],
          done: true,
        },
      ],
    });
    const entries = await entriesForHost(cluster1, 'svc-4.bar.global');
    expect(entries.map(e => e.metadata.labels?.[MANAGED_BY])).toEqual([
      'crossmesh',
    ]);
    expect((await as('carol').get('/exposures')).body.totalCount).toBe(before);
  });

  it('removes an adopted exposure on revoke like any other', async () => {
    const adoption = await as('carol').post('/adoption', {
      candidateIds: ['cluster-3/bar/svc-2-bar'],
    });
    expect(adoption.status).toBe(200);
    const adopted = adoption.body.items[0].request;
    const revoked = await as('carol').post(`/exposures/${adopted.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.state).toBe('revoking');
    await reconcilePass();
    for (const cluster of [bed.clusters[0], bed.clusters[2]]) {
      expect(await entriesForHost(cluster, HOST)).toEqual([]);
    }
    expect((await as('carol').get(`/exposures/${adopted.id}`)).body.state).toBe(
      'revoked',
    );
    expect(
      (await as('carol').get('/vips')).body.items.map((v: any) => v.host),
    ).not.toContain(HOST);
  });
});

import { TestDatabases } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import {
  component,
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../../__testUtils__/testBackend';
import { managedObjects } from '../../__testUtils__/reconcilerFixture';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

const owners: Record<string, string[]> = {
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': ['group:default/platform-team'],
};

const svc2 = component('svc-2', 'group:default/team-b', {
  'backstage.io/kubernetes-id': 'svc-2',
  'backstage.io/kubernetes-namespace': 'bar',
  'crossmesh.io/cluster': 'cluster-2',
  'crossmesh.io/ports': 'http:8000',
});

describe('GET /reconcile/status against real API servers', () => {
  let bed: TestBed;
  let backend: CrossmeshTestBackend;
  const backends: Array<{ stop(): Promise<void> }> = [];

  /** Runs the reconcile task the plugin scheduled, as the scheduler would. */
  const reconcilePass = () => backend.reconcile();

  const as = (user: string) => backend.as(user);

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
      istioVersions: { 'cluster-3': '1.22.3' },
    });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    ]);
  });

  // A backend with an empty database for each test: no test sees another's passes.
  beforeEach(async () => {
    const [databaseId] = databases.eachSupportedId().flat().reverse();
    backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      knex: await databases.init(databaseId),
      users: owners,
      entities: [svc2],
    });
    backends.push(backend);
  });

  afterEach(async () => {
    await Promise.all(backends.splice(0).map(b => b.stop()));
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('lists nothing before the first pass', async () => {
    const response = await as('carol').get('/reconcile/status');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [] });
  });

  it('shows each cluster converged after a pass applies an approved request, with its DNS wiring', async () => {
    const created = await as('bob').post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-1'],
      reason: 'svc-1 in cluster-1 calls svc-2',
    });
    expect(created.status).toBe(201);
    const approved = await as('carol').post(
      `/exposures/${created.body.id}/approve`,
    );
    expect(approved.status).toBe(200);

    const before = Date.now();
    await reconcilePass();

    const response = await as('bob').get('/reconcile/status');
    expect(response.status).toBe(200);
    const entries = await managedObjects(bed.clusters[0], 'serviceentries');
    expect(entries.map(e => e.spec.hosts)).toEqual([['svc-2.bar.global']]);
    expect(response.body.items).toEqual([
      {
        cluster: 'cluster-1',
        finishedAt: expect.any(String),
        ok: true,
        error: null,
        applied: entries.length,
        removed: 0,
        dns: 'wired',
        dnsError: null,
      },
      // legacy-global, consumes nothing: no forwarding wanted.
      expect.objectContaining({
        cluster: 'cluster-2',
        ok: true,
        applied: 0,
        dns: 'not-needed',
      }),
      // Istio 1.22: the sidecars' DNS proxy resolves .global.
      expect.objectContaining({
        cluster: 'cluster-3',
        ok: true,
        dns: 'not-needed',
      }),
    ]);
    const finishedAt = Date.parse(response.body.items[0].finishedAt);
    expect(finishedAt).toBeGreaterThanOrEqual(before - 1_000);
    expect(finishedAt).toBeLessThanOrEqual(Date.now());

    await reconcilePass();
    const steady = await as('bob').get('/reconcile/status');
    expect(steady.body.items[0]).toMatchObject({
      cluster: 'cluster-1',
      ok: true,
      applied: 0,
      dns: 'unchanged',
    });
  });

  it('shows a stopped cluster failed with its error, and the others still ok', async () => {
    await bed.stopCluster('cluster-1');
    let response;
    try {
      await reconcilePass();
      response = await as('carol').get('/reconcile/status');
    } finally {
      await bed.startCluster('cluster-1');
    }

    expect(response.status).toBe(200);
    const [cluster1, cluster2, cluster3] = response.body.items;
    expect(cluster1).toMatchObject({
      cluster: 'cluster-1',
      ok: false,
      error: expect.stringContaining('ECONNREFUSED'),
      applied: 0,
      removed: 0,
      dns: null,
      dnsError: null,
    });
    expect(cluster2).toMatchObject({ cluster: 'cluster-2', ok: true });
    expect(cluster3).toMatchObject({ cluster: 'cluster-3', ok: true });
  });

  it('refuses people without the cluster read permission', async () => {
    const denied = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      permissions: AuthorizeResult.DENY,
    });
    backends.push(denied);

    const response = await denied.as('bob').get('/reconcile/status');

    expect(response.status).toBe(403);
    expect(response.body.error.message).toBe(
      'You are not allowed to read crossmesh.cluster.read',
    );
  });
});

import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { parseAllDocuments } from 'yaml';
import {
  component,
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../../__testUtils__/testBackend';

jest.setTimeout(120_000);

const owners: Record<string, string[]> = {
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': ['group:default/platform-team'],
  // Owns svc-2 and approves: must still not approve their own request.
  'user:default/dave': ['group:default/team-b', 'group:default/platform-team'],
};

describe('exposure workflow over HTTP', () => {
  let bed: TestBed;
  let backend: CrossmeshTestBackend;

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    ]);
  });

  // A backend (and so a database) of its own for each test: no test sees another's requests.
  beforeEach(async () => {
    backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      users: owners,
      entities: [
        component('svc-2', 'group:default/team-b', {
          'backstage.io/kubernetes-id': 'svc-2',
          'backstage.io/kubernetes-namespace': 'bar',
          'crossmesh.io/cluster': 'cluster-2',
          'crossmesh.io/ports': 'http:8000',
        }),
        component('svc-1', 'group:default/team-a', {}),
      ],
    });
  });

  afterEach(async () => {
    await backend?.stop();
  });

  afterAll(async () => {
    await bed?.stop();
  });

  const as = (user: string) => backend.as(user);

  const asked = {
    entityRef: 'component:default/svc-2',
    consumerClusters: ['cluster-1'],
    reason: 'svc-1 in cluster-1 calls svc-2',
  };

  /** Bob's pending request for svc-2, consumed by cluster-1. */
  async function requestedByBob() {
    const created = await as('bob').post('/exposures', asked);
    expect(created.status).toBe(201);
    return created.body;
  }

  /** Bob's request, approved by carol. */
  async function approvedForBob() {
    const request = await requestedByBob();
    const approved = await as('carol').post(`/exposures/${request.id}/approve`);
    expect(approved.status).toBe(200);
    return approved.body;
  }

  it('lets an owner request an exposure, filling the service from the annotations', async () => {
    const created = await as('bob').post('/exposures', asked);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      state: 'pending',
      host: 'svc-2.bar.global',
      sourceCluster: 'cluster-2',
      service: {
        name: 'svc-2',
        namespace: 'bar',
        ports: [{ name: 'http', number: 8000 }],
      },
      requestedBy: 'user:default/bob',
      vip: null,
    });
    const duplicate = await as('bob').post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-1', 'cluster-3'],
      reason: 'again',
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.message).toContain(created.body.id);
  });

  it('refuses non-owners and bad input, naming the field and the rule, and writes nothing', async () => {
    const before = (await as('bob').get('/exposures')).body.totalCount;

    const notOwner = await as('alice').post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-3'],
      reason: 'mine now',
    });
    expect(notOwner.status).toBe(403);
    expect(notOwner.body.error.message).toContain('Only the owners of svc-2');

    const bad = await as('bob').post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-2', 'cluster-9'],
      consumerNamespaces: ['Foo_Bar'],
      reason: 'x',
    });
    expect(bad.status).toBe(400);
    for (const part of [
      "consumerClusters[0] 'cluster-2' is the cluster the service runs in",
      "consumerClusters[1] 'cluster-9' is not a cluster of the mesh",
      "consumerNamespaces[0] 'Foo_Bar' is not a DNS-1123 label",
    ]) {
      expect(bad.body.error.message).toContain(part);
    }

    const unknownEntity = await as('bob').post('/exposures', {
      entityRef: 'component:default/nope',
      consumerClusters: ['cluster-1'],
      reason: 'x',
    });
    expect(unknownEntity.status).toBe(400);
    expect(unknownEntity.body.error.message).toContain(
      'was not found in the catalog',
    );

    const injected = await as('bob').post('/exposures', {
      entityRef: 'component:default/svc-2',
      service: {
        name: 'svc-2',
        namespace: 'bar',
        ports: [{ name: 'http\n}', number: 80 }],
      },
      consumerClusters: ['cluster-3'],
      reason: 'x',
    });
    expect(injected.status).toBe(400);

    expect((await as('bob').get('/exposures')).body.totalCount).toBe(before);
  });

  it('previews the exact manifests approval would apply, with the remote gateway on 15443', async () => {
    const bobsRequest = await requestedByBob();
    const preview = await as('carol').get(
      `/exposures/${bobsRequest.id}/preview`,
    );
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      host: 'svc-2.bar.global',
      vipIsProvisional: true,
    });
    const [consumer] = preview.body.clusters;
    expect(consumer).toMatchObject({ cluster: 'cluster-1', role: 'consumer' });
    const objects = parseAllDocuments(consumer.yaml).map(d => d.toJS());
    const entry = objects.find((o: any) => o.kind === 'ServiceEntry');
    expect(entry.spec).toMatchObject({
      hosts: ['svc-2.bar.global'],
      location: 'MESH_INTERNAL',
      resolution: 'DNS',
      addresses: [preview.body.vip],
      endpoints: [
        { address: bed.clusters[1].gatewayAddress, ports: { http: 15443 } },
      ],
    });
  });

  it('lets an approver approve, gives the host a VIP from 240.0.0.0/4, and nobody approves their own request', async () => {
    const bobsRequest = await requestedByBob();
    const byOwner = await as('bob').post(
      `/exposures/${bobsRequest.id}/approve`,
    );
    expect(byOwner.status).toBe(403);

    const approved = await as('carol').post(
      `/exposures/${bobsRequest.id}/approve`,
      {
        comment: 'ok for the shop',
      },
    );
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({
      state: 'approved',
      decidedBy: 'user:default/carol',
      decisionComment: 'ok for the shop',
    });
    const vip = approved.body.vip as string;
    const [a, b] = vip.split('.').map(Number);
    expect(a).toBeGreaterThanOrEqual(240);
    expect(`${a}.${b}`).not.toBe('240.240');
    expect((await as('carol').get('/vips')).body.items).toEqual([
      expect.objectContaining({ host: 'svc-2.bar.global', address: vip }),
    ]);

    const again = await as('carol').post(
      `/exposures/${bobsRequest.id}/approve`,
    );
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain('it is approved');

    const davesOwn = await as('dave').post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-3'],
      reason: 'cluster-3 too',
    });
    expect(davesOwn.status).toBe(201);
    const selfApproval = await as('dave').post(
      `/exposures/${davesOwn.body.id}/approve`,
    );
    expect(selfApproval.status).toBe(403);
    expect(selfApproval.body.error.message).toContain('yourself');

    const rejected = await as('carol').post(
      `/exposures/${davesOwn.body.id}/reject`,
      {
        comment: 'not yet',
      },
    );
    expect(rejected.body).toMatchObject({
      state: 'rejected',
      decisionComment: 'not yet',
    });
  });

  it('lets the owner ask to revoke but not cancel an approved request, and audits every step', async () => {
    const bobsRequest = await approvedForBob();
    const davesOwn = await as('dave').post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-3'],
      reason: 'cluster-3 too',
    });
    expect(
      (await as('carol').post(`/exposures/${davesOwn.body.id}/reject`)).status,
    ).toBe(200);

    const cancel = await as('bob').post(`/exposures/${bobsRequest.id}/cancel`);
    expect(cancel.status).toBe(409);
    const revoke = await as('bob').post(`/exposures/${bobsRequest.id}/revoke`);
    expect(revoke.status).toBe(200);
    expect(revoke.body.state).toBe('revoking');

    const audit = await as('carol').get('/audit-events?limit=50');
    expect(audit.body.items.map((e: any) => e.action)).toEqual(
      expect.arrayContaining([
        'exposure.requested',
        'exposure.approved',
        'exposure.rejected',
        'exposure.revoke-requested',
      ]),
    );
    const approvedEvent = audit.body.items.find(
      (e: any) => e.action === 'exposure.approved',
    );
    expect(approvedEvent).toMatchObject({
      actor: 'user:default/carol',
      details: expect.objectContaining({
        requestId: bobsRequest.id,
        vip: expect.any(String),
      }),
    });

    const listed = await as('carol').get(
      '/exposures?state=revoking%2Crejected&cluster=cluster-3',
    );
    expect(listed.body).toMatchObject({ totalCount: 1 });
    expect(listed.body.items.map((r: any) => r.state)).toEqual(['rejected']);
  });
});

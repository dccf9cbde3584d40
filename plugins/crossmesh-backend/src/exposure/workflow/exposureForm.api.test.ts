import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { parseAllDocuments } from 'yaml';
import {
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
  TestBackendOptions,
} from '../../__testUtils__/testBackend';
import { adminApis } from '../../__testUtils__/trustTestKit';

jest.setTimeout(120_000);

// The routes behind the request form: a preview of a request not made yet, and the ports to
// prefill it with.

function component(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/team-b', lifecycle: 'x' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-b' }],
  };
}

const located = (name: string, cluster: string) => ({
  'backstage.io/kubernetes-id': name,
  'backstage.io/kubernetes-namespace': 'shop',
  'crossmesh.io/cluster': cluster,
});

const entities = [
  component('svc-2', {
    ...located('svc-2', 'cluster-2'),
    'crossmesh.io/ports': 'http:8000,grpc:9090',
  }),
  component('cart', located('cart', 'cluster-2')),
  component('ghost', located('ghost', 'cluster-2')),
  component('udp-only', located('udp-only', 'cluster-2')),
  component('far', located('far', 'cluster-3')),
  component('bare', {}),
  component('bad-ports', {
    ...located('bad-ports', 'cluster-2'),
    'crossmesh.io/ports': 'web:80',
  }),
];

/** The backend of these tests: bob owns every component (team-b), alice nothing. */
function startBackend(bed: TestBed, options: Partial<TestBackendOptions> = {}) {
  return startCrossmeshTestBackend({
    kubernetes: bed.kubernetesConfig(),
    entities,
    users: { 'user:default/bob': ['group:default/team-b'] },
    ...options,
  });
}

describe('request form routes over HTTP', () => {
  let bed: TestBed;
  let backend: CrossmeshTestBackend;

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    });
    const { core } = await adminApis(bed.clusters[1]);
    await core.createNamespace({ body: { metadata: { name: 'shop' } } });
    await core.createNamespacedService({
      namespace: 'shop',
      body: {
        metadata: { name: 'cart' },
        spec: {
          selector: { app: 'cart' },
          ports: [
            { name: 'http', port: 8000, targetPort: 8080 as any },
            { name: 'metrics', port: 9102 },
            { name: 'web', port: 8081, appProtocol: 'http' },
            { name: 'dns', port: 53, protocol: 'UDP' },
          ],
        },
      },
    });
    await core.createNamespacedService({
      namespace: 'shop',
      body: {
        metadata: { name: 'udp-only' },
        spec: { ports: [{ name: 'syslog', port: 514, protocol: 'UDP' }] },
      },
    });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'shop', name: 'svc-2' },
    ]);
  });

  // A backend (and database) of its own for each test: none sees another's requests.
  beforeEach(async () => {
    backend = await startBackend(bed);
  });

  afterEach(async () => {
    await backend?.stop();
  });

  afterAll(async () => {
    await bed?.stop();
  });

  const as = (user: string, target = backend) => target.as(user);

  const draft = {
    entityRef: 'component:default/svc-2',
    service: { ports: [{ name: 'http', number: 8000 }] },
    consumerClusters: ['cluster-1', 'cluster-3'],
    consumerNamespaces: ['checkout'],
    reason: 'checkout calls svc-2',
  };

  it('previews a request before it exists, with the manifests approval would apply, and stores nothing', async () => {
    const preview = await as('alice').post('/exposures/preview', draft);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      requestId: '',
      host: 'svc-2.shop.global',
      vipIsProvisional: true,
    });
    expect(preview.body.clusters.map((c: any) => c.cluster)).toEqual([
      'cluster-1',
      'cluster-3',
    ]);
    const objects = parseAllDocuments(preview.body.clusters[0].yaml).map(d =>
      d.toJS(),
    );
    const entry = objects.find((o: any) => o.kind === 'ServiceEntry');
    expect(entry.metadata).toMatchObject({
      namespace: 'checkout',
      labels: { 'crossmesh.io/request-id': 'draft' },
    });
    expect(entry.spec).toMatchObject({
      hosts: ['svc-2.shop.global'],
      addresses: [preview.body.vip],
      exportTo: ['.'],
      ports: [expect.objectContaining({ name: 'http', number: 8000 })],
      endpoints: [
        { address: bed.clusters[1].gatewayAddress, ports: { http: 15443 } },
      ],
    });

    expect((await as('alice').get('/exposures')).body.totalCount).toBe(0);
    expect((await as('alice').get('/vips')).body.items).toEqual([]);
  });

  it('refuses a bad draft with the same 400 message as creating it would', async () => {
    const bad = {
      ...draft,
      consumerClusters: ['cluster-2', 'cluster-9'],
      consumerNamespaces: ['Foo_Bar', 'Foo_Bar'],
      service: { ports: [{ name: 'web', number: 80 }] },
      reason: ' ',
      endDate: '2001-01-01',
    };
    const preview = await as('bob').post('/exposures/preview', bad);
    const create = await as('bob').post('/exposures', bad);
    expect(preview.status).toBe(400);
    expect(create.status).toBe(400);
    expect(preview.body.error.message).toBe(create.body.error.message);
    for (const part of [
      "consumerClusters[0] 'cluster-2' is the cluster the service runs in",
      "consumerClusters[1] 'cluster-9' is not a cluster of the mesh",
      "consumerNamespaces[0] 'Foo_Bar' is not a DNS-1123 label",
      'consumerNamespaces names the same namespace twice',
      "service.ports[0].name 'web' is not an Istio port name",
      'reason is required',
      "endDate '2001-01-01' is in the past",
    ]) {
      expect(preview.body.error.message).toContain(part);
    }

    const unknown = await as('bob').post('/exposures/preview', {
      ...draft,
      entityRef: 'component:default/nope',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toContain(
      'was not found in the catalog',
    );
  });

  it('answers 409 for a draft an open request already covers, naming that request', async () => {
    const created = await as('bob').post('/exposures', draft);
    expect(created.status).toBe(201);

    const preview = await as('bob').post('/exposures/preview', {
      ...draft,
      consumerClusters: ['cluster-3'],
    });
    expect(preview.status).toBe(409);
    expect(preview.body.error.message).toContain(created.body.id);

    const cancelled = await as('bob').post(
      `/exposures/${created.body.id}/cancel`,
    );
    expect(cancelled.body.state).toBe('cancelled');
    expect((await as('bob').post('/exposures/preview', draft)).status).toBe(
      200,
    );
  });

  it("prefills ports from the entity's crossmesh.io/ports annotation", async () => {
    const res = await as('alice').get(
      `/service-ports?entityRef=${encodeURIComponent(
        'component:default/svc-2',
      )}`,
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      source: 'annotation',
      ports: [
        { name: 'http', number: 8000 },
        { name: 'grpc', number: 9090 },
      ],
    });
  });

  it('else reads the Service from the source cluster and names its TCP ports the Istio way', async () => {
    const res = await as('alice').get(
      '/service-ports?entityRef=component%3Adefault%2Fcart',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      source: 'service',
      service: { cluster: 'cluster-2', namespace: 'shop', name: 'cart' },
      ports: [
        { name: 'http', number: 8000 },
        { name: 'tcp-9102', number: 9102 },
        { name: 'http-web', number: 8081 },
      ],
    });
  });

  it('says what is missing when neither the annotation nor a usable Service exists', async () => {
    const ports = (ref: string) =>
      as('alice').get(`/service-ports?entityRef=${encodeURIComponent(ref)}`);

    const ghost = await ports('component:default/ghost');
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.message).toBe(
      'Service shop/ghost was not found in cluster cluster-2, and component:default/ghost has no crossmesh.io/ports annotation; deploy the Service, or annotate the entity with its ports (crossmesh.io/ports: "http:8000")',
    );

    const bare = await ports('component:default/bare');
    expect(bare.status).toBe(404);
    expect(bare.body.error.message).toContain(
      'no backstage.io/kubernetes-id, backstage.io/kubernetes-namespace, crossmesh.io/cluster annotation',
    );

    const udp = await ports('component:default/udp-only');
    expect(udp.status).toBe(404);
    expect(udp.body.error.message).toContain('has no TCP port');

    const nope = await ports('component:default/nope');
    expect(nope.status).toBe(404);
    expect(nope.body.error.message).toContain('was not found in the catalog');

    const malformed = await ports('not a ref');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain(
      "entityRef 'not a ref' is not an entity reference",
    );

    const badAnnotation = await ports('component:default/bad-ports');
    expect(badAnnotation.status).toBe(400);
    expect(badAnnotation.body.error.message).toContain(
      "port 1 name 'web' is not an Istio port name",
    );

    const missing = await as('alice').get('/service-ports');
    expect(missing.status).toBe(400);
  });

  it("answers 503 with the reason when the source cluster cannot be read, without the API server's address", async () => {
    await bed.stopCluster('cluster-3');
    let res;
    try {
      res = await as('alice').get(
        '/service-ports?entityRef=component%3Adefault%2Ffar',
      );
    } finally {
      await bed.startCluster('cluster-3');
    }
    expect(res.status).toBe(503);
    expect(res.body.error.message).toMatch(
      /^Cannot read Service shop\/far in cluster cluster-3: cannot reach the API server at <API server of cluster-3> \(ECONNREFUSED\)/,
    );
    expect(res.text).not.toContain(bed.clusters[2].url);
  });

  it('needs crossmesh.exposure.read for both routes', async () => {
    const denied = await startBackend(bed, {
      permissions: AuthorizeResult.DENY,
    });
    try {
      const preview = await as('bob', denied).post('/exposures/preview', draft);
      expect(preview.status).toBe(403);
      expect(preview.body.error.message).toBe(
        'You are not allowed to read crossmesh.exposure.read',
      );
      const ports = await as('bob', denied).get(
        '/service-ports?entityRef=component%3Adefault%2Fsvc-2',
      );
      expect(ports.status).toBe(403);
    } finally {
      await denied.stop();
    }
  });
});

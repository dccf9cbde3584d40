import { DatabaseExposureStore } from '../exposure/store/DatabaseExposureStore';
import { component } from '../__testUtils__/testBackend';
import {
  HostileBackend,
  hostileDatabases,
  startHostileBackend,
} from './__testUtils__/hostileBackend';
import {
  Client,
  meshInUse,
  opensslRoot,
  throughProxy,
} from './__testUtils__/meshInUse';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';

jest.setTimeout(300_000);

// The attacks of issue 18, each as a signed-in user would make it against the demo app:
// through the real backend, with the app's permission policy (or an allow-all one), behind
// the proxy that fails a refused request which changed the database or wrote to a cluster.

const databases = hostileDatabases();

/** Components owned by team-b (bob and guest) whose annotations claim others' Services. */
const SQUATTERS = [
  component('squat-f', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-f',
    'backstage.io/kubernetes-namespace': 'foo',
    'crossmesh.io/cluster': 'cluster-1',
    'crossmesh.io/ports': 'http:8000',
  }),
  component('selector-squat', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-f',
    'backstage.io/kubernetes-namespace': 'foo',
    'crossmesh.io/cluster': 'cluster-1',
    'backstage.io/kubernetes-label-selector': 'app=svc-f',
    'crossmesh.io/ports': 'http:8000',
  }),
  component('dns-grab', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'kube-dns',
    'backstage.io/kubernetes-namespace': 'kube-system',
    'crossmesh.io/cluster': 'cluster-1',
    'crossmesh.io/ports': 'http:8000',
  }),
  component('istiod-grab', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'istiod',
    'backstage.io/kubernetes-namespace': 'istio-system',
    'crossmesh.io/cluster': 'cluster-2',
    'crossmesh.io/ports': 'http:8000',
  }),
  // Two real owners of one host: a Service `api` in namespace `shared` on each of two
  // clusters, each labelled with its own component.
  component('api-b', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'api',
    'backstage.io/kubernetes-namespace': 'shared',
    'crossmesh.io/cluster': 'cluster-2',
    'crossmesh.io/ports': 'http:8000',
  }),
  component('api-f', 'group:default/team-f', {
    'backstage.io/kubernetes-id': 'api',
    'backstage.io/kubernetes-namespace': 'shared',
    'crossmesh.io/cluster': 'cluster-1',
    'crossmesh.io/ports': 'http:8000',
  }),
];

const SERVICES = [
  {
    cluster: 'cluster-2',
    namespace: 'shared',
    name: 'api',
    component: 'api-b',
  },
  {
    cluster: 'cluster-1',
    namespace: 'shared',
    name: 'api',
    component: 'api-f',
  },
];

/** Every mesh-changing call of issue 18's point 1, as `attacker`. */
function meshTakeover(
  attacker: Client,
  root: { certPem: string; keyPem: string },
) {
  return {
    'POST /trust/rotation (attacker-made root)': () =>
      attacker.post('/trust/rotation', root),
    'POST /trust/rotation/advance': () =>
      attacker.post('/trust/rotation/advance', {}),
    'POST /trust/root': () =>
      attacker.post('/trust/root', { keyType: 'ecdsa-p256' }),
    'POST /trust/root/import': () => attacker.post('/trust/root/import', root),
    'POST /trust/clusters/cluster-1/intermediate': () =>
      attacker.post('/trust/clusters/cluster-1/intermediate', {}),
    'PUT /trust/clusters/cluster-1/intermediate': () =>
      attacker.put('/trust/clusters/cluster-1/intermediate', {
        certPem: root.certPem,
      }),
    'POST /trust/clusters/cluster-1/csr': () =>
      attacker.post('/trust/clusters/cluster-1/csr', {}),
    'POST /trust/distribute': () => attacker.post('/trust/distribute', {}),
    'POST /clusters/cluster-1/dns': () =>
      attacker.post('/clusters/cluster-1/dns', {}),
    'PUT /clusters/cluster-2/membership (gateway to the attacker)': () =>
      attacker.put('/clusters/cluster-2/membership', {
        network: 'network-2',
        gatewayAddress: 'evil.attacker.example',
      }),
    'POST /adoption': () =>
      attacker.post('/adoption', { hosts: ['svc-2.bar.global'] }),
  };
}

describe("issue 18's attacks, through the real backend", () => {
  let bed: TestBed;
  const root = opensslRoot('/O=Istio/CN=Root CA');

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    });
  });
  afterAll(async () => {
    await bed?.stop();
  });

  /** Every takeover attack, as guest and as bob: 403 with `message`, nothing changed. */
  async function expectTakeoverRefused(api: HostileBackend, message: RegExp) {
    for (const user of ['guest', 'bob']) {
      const answers = await throughProxy(api, as =>
        meshTakeover(as(user), root),
      );
      for (const [attack, answer] of Object.entries(answers)) {
        expect({ user, attack, status: answer.status }).toEqual({
          user,
          attack,
          status: 403,
        });
        expect(answer.message).toMatch(message);
      }
    }
  }

  describe("with the app's policy (crossmesh's policy module)", () => {
    let api: HostileBackend;
    beforeAll(async () => {
      api = await startHostileBackend({
        databases,
        bed,
        policy: 'crossmesh',
        entities: SQUATTERS,
        services: SERVICES,
      });
      await meshInUse(api);
    });
    afterAll(async () => {
      await api?.stop();
    });

    it('refuses guest and bob every change to the root, intermediates, clusters, DNS and adoption with 403, and changes nothing', async () => {
      expect.hasAssertions();
      await expectTakeoverRefused(
        api,
        /^You are not allowed to update crossmesh\.(trust|cluster|exposure)\.(manage|decide)$/,
      );
    });

    it("refuses a component's owners every Service that is not theirs with 400 saying what to add where, and changes nothing", async () => {
      const answers = await throughProxy(api, as => {
        const bob = as('bob');
        const guest = as('guest');
        const request = (entityRef: string, extra: object = {}) => ({
          entityRef,
          consumerClusters: ['cluster-2'],
          reason: 'I want it',
          ...extra,
        });
        return {
          "annotations naming another team's Service": () =>
            bob.post('/exposures', request('component:default/squat-f')),
          "a selector matching another team's Service": () =>
            guest.post(
              '/exposures',
              request('component:default/selector-squat'),
            ),
          "the body naming another team's Service": () =>
            bob.post(
              '/exposures',
              request('component:default/svc-bare', {
                service: {
                  name: 'svc-f',
                  namespace: 'foo',
                  ports: [{ name: 'http', number: 8000 }],
                },
                sourceCluster: 'cluster-1',
              }),
            ),
          "the body overriding the entity's annotations": () =>
            bob.post(
              '/exposures',
              request('component:default/svc-2', {
                consumerClusters: ['cluster-1'],
                service: { name: 'svc-f', namespace: 'foo' },
              }),
            ),
          'a preview of the same squat': () =>
            guest.post(
              '/exposures/preview',
              request('component:default/squat-f'),
            ),
          'kube-system': () =>
            bob.post('/exposures', request('component:default/dns-grab')),
          'istio-system': () =>
            guest.post(
              '/exposures',
              request('component:default/istiod-grab', {
                consumerClusters: ['cluster-1'],
              }),
            ),
        };
      });
      expect(
        Object.fromEntries(
          Object.entries(answers).map(([k, v]) => [k, v.status]),
        ),
      ).toEqual({
        "annotations naming another team's Service": 400,
        "a selector matching another team's Service": 400,
        "the body naming another team's Service": 400,
        "the body overriding the entity's annotations": 400,
        'a preview of the same squat': 400,
        'kube-system': 400,
        'istio-system': 400,
      });
      expect(answers["annotations naming another team's Service"].message).toBe(
        "The exposure request is not valid: Service foo/svc-f in cluster cluster-1 does not show that it belongs to component:default/squat-f: it must carry the label backstage.io/kubernetes-id: squat-f (it has backstage.io/kubernetes-id: 'svc-f'); add the label to the Service in namespace foo of cluster cluster-1 (kubectl label --overwrite service svc-f -n foo backstage.io/kubernetes-id=squat-f), or request the exposure from the component the Service belongs to",
      );
      expect(
        answers["a selector matching another team's Service"].message,
      ).toContain(
        'proves nothing, as it has no requirement <key>=selector-squat',
      );
      expect(
        answers["the body naming another team's Service"].message,
      ).toContain('must carry the label backstage.io/kubernetes-id: svc-bare');
      expect(
        answers["the body overriding the entity's annotations"].message,
      ).toContain(
        `service.name '"svc-f"' differs from what the entity's annotations say ("svc-2")`,
      );
      expect(answers['kube-system'].message).toContain(
        "service.namespace 'kube-system' is a system namespace",
      );
      expect(answers['istio-system'].message).toContain(
        "service.namespace 'istio-system' is a system namespace",
      );
    });

    it("lets the real owner get their host while another's request is pending, and refuses approving a second holder", async () => {
      const store = new DatabaseExposureStore(api.knex);
      // A squat made before ownership was proved: a pending request for svc-f's host from
      // a component of team-b.
      const now = new Date().toISOString();
      await store.insertRequest({
        id: 'old-squat',
        entityRef: 'component:default/squat-f',
        service: {
          name: 'svc-f',
          namespace: 'foo',
          ports: [{ name: 'http', number: 8000 }],
        },
        sourceCluster: 'cluster-1',
        consumerClusters: ['cluster-2'],
        consumerNamespaces: [],
        reason: 'squatting',
        endDate: null,
        state: 'pending',
        host: 'svc-f.foo.global',
        vip: null,
        requestedBy: 'user:default/bob',
        requestedAt: now,
        decidedBy: null,
        decidedAt: null,
        decisionComment: null,
        clusters: [],
        updatedAt: now,
      });
      const frank = api.as('frank');
      const carol = api.as('carol');
      const own = await frank.post('/exposures', {
        entityRef: 'component:default/svc-f',
        consumerClusters: ['cluster-2'],
        reason: 'mine',
      });
      expect(own.status).toBe(201);
      expect(
        (await carol.post(`/exposures/${own.body.id}/approve`, {})).status,
      ).toBe(200);
      const squat = await carol.post('/exposures/old-squat/approve', {});
      expect(squat.status).toBe(409);
      expect(squat.body.error.message).toBe(
        `svc-f.foo.global is held by request ${own.body.id} (approved, component:default/svc-f from cluster-1) in cluster-2; revoke that one first, or reject this one`,
      );

      // Two owners of one host, each proved by its own cluster: neither blocks the other's
      // request; the approvers decide which one holds it.
      const fromB = await api.as('bob').post('/exposures', {
        entityRef: 'component:default/api-b',
        consumerClusters: ['cluster-3'],
        reason: 'b',
      });
      const fromF = await frank.post('/exposures', {
        entityRef: 'component:default/api-f',
        consumerClusters: ['cluster-3'],
        reason: 'f',
      });
      expect([fromB.status, fromF.status]).toEqual([201, 201]);
      expect(
        (await carol.post(`/exposures/${fromF.body.id}/approve`, {})).status,
      ).toBe(200);
      expect(
        (await carol.post(`/exposures/${fromB.body.id}/approve`, {})).status,
      ).toBe(409);
    });

    it('shows readers outside the platform team no API server address, identity or access list, and the platform team all of it', async () => {
      const urls = bed.clusters.map(c => c.url);
      const hosts = bed.clusters.map(c => new URL(c.url).host);
      for (const path of [
        '/clusters',
        '/clusters/cluster-1',
        '/clusters/cluster-1/preflight',
        '/reconcile/status',
        '/trust/drift',
        '/audit-events?limit=500',
        '/exposures?limit=500',
      ]) {
        const answer = await api.as('guest').get(path);
        expect({ path, status: answer.status }).toEqual({ path, status: 200 });
        for (const secret of [
          ...urls,
          ...hosts,
          "signs in as user 'crossmesh'",
        ]) {
          expect({ path, leaked: answer.text.includes(secret) }).toEqual({
            path,
            leaked: false,
          });
        }
      }
      const forGuest = (
        await api.as('guest').get('/clusters/cluster-1/preflight')
      ).body;
      const forCarol = (
        await api.as('carol').get('/clusters/cluster-1/preflight')
      ).body;
      const ids = (report: any) => report.checks.map((c: any) => c.id);
      expect(
        ids(forGuest).filter((id: string) => id.startsWith('access')),
      ).toEqual(['access']);
      expect(
        ids(forCarol).filter((id: string) => id.startsWith('access:')).length,
      ).toBeGreaterThan(10);
      expect(JSON.stringify(forCarol)).toContain(urls[0]);
      expect(JSON.stringify(forCarol)).toContain(
        "signs in as user 'crossmesh'",
      );
    });

    it('answers 400, not 500 with SQL, for paging beyond the bounds', async () => {
      for (const path of [
        '/exposures?offset=99999999999999999999',
        '/audit-events?offset=99999999999999999999',
        '/exposures?offset=1000001',
        '/exposures?limit=501',
        '/audit-events?limit=0',
      ]) {
        const answer = await api.as('guest').get(path);
        expect({ path, status: answer.status }).toEqual({ path, status: 400 });
        expect(answer.text).not.toMatch(/select|sqlite|offset \?/i);
      }
      expect(
        (await api.as('guest').get('/exposures?offset=1000000')).status,
      ).toBe(200);
    });
  });

  describe('with a policy that allows everything, crossmesh still refuses', () => {
    let api: HostileBackend;
    beforeAll(async () => {
      api = await startHostileBackend({ databases, bed, policy: 'allow-all' });
      await meshInUse(api);
    });
    afterAll(async () => {
      await api?.stop();
    });

    it('every change to the mesh by guest and bob with 403 naming the platform groups, and changes nothing', async () => {
      await expectTakeoverRefused(
        api,
        /^Only members of group:default\/platform-team may .+ \(crossmesh\.approvers\.groups\)$/,
      );
      const request = await api.as('bob').post('/exposures', {
        entityRef: 'component:default/svc-3',
        consumerClusters: ['cluster-1'],
        reason: 'x',
      });
      const selfService = await api
        .as('guest')
        .post(`/exposures/${request.body.id}/approve`, {});
      expect(selfService.status).toBe(403);
      expect(selfService.body.error.message).toBe(
        'Only members of group:default/platform-team may approve exposure requests (crossmesh.approvers.groups)',
      );
    });
  });
});

import { RECONCILE_TASK } from '../exposure/reconcile/startReconciling';
import { validateLabelValue } from '@crossmesh/backstage-plugin-crossmesh-common';
import { parseAllDocuments } from 'yaml';
import { findGlobalServerBlocks } from '../exposure/dns/corefile';
import { parseCorefile } from '../exposure/dns/corefileSyntax';
import { managedObjects } from '../__testUtils__/reconcilerFixture';
import { adminApis } from '../__testUtils__/trustTestKit';
import {
  HostileBackend,
  hostileDatabases,
  startHostileBackend,
} from './__testUtils__/hostileBackend';
import {
  HOSTILE_FREE_TEXT,
  hostileNameCases,
  RAW_CONTROL,
} from './__testUtils__/hostileStrings';

jest.setTimeout(180_000);

const databases = hostileDatabases();

/** Parts of HOSTILE_FREE_TEXT that must never appear in anything crossmesh renders. */
const MARKERS = [
  'stolen',
  'jndi',
  '/etc/passwd',
  'python',
  'script',
  '6.6.6.6',
];

/**
 * Where a refusal names a field: crossmesh's own checks write `service.ports[0].name`, the
 * OpenAPI validator (lengths, types) `/body/service/ports/0/name`.
 */
function fieldPattern(field: string): RegExp {
  const dotted = field.replace(/[.[\]]/g, c => `\\${c}`);
  const slashed = field.replace(/\[(\d+)\]/g, '/$1').replace(/\./g, '/');
  return new RegExp(`${dotted} '|/body/${slashed}\\b`);
}

const newRequest = {
  entityRef: 'component:default/svc-bare',
  service: {
    name: 'svc-2',
    namespace: 'bar',
    ports: [{ name: 'http', number: 8000 }],
  },
  sourceCluster: 'cluster-2',
  consumerClusters: ['cluster-1'],
  consumerNamespaces: ['shop'],
  reason: 'checkout calls it',
};

const placements: Record<string, (value: string) => object> = {
  'service.name': v => ({
    ...newRequest,
    service: { ...newRequest.service, name: v },
  }),
  'service.namespace': v => ({
    ...newRequest,
    service: { ...newRequest.service, namespace: v },
  }),
  'service.ports[0].name': v => ({
    ...newRequest,
    service: { ...newRequest.service, ports: [{ name: v, number: 8000 }] },
  }),
  'consumerNamespaces[0]': v => ({ ...newRequest, consumerNamespaces: [v] }),
  sourceCluster: v => ({ ...newRequest, sourceCluster: v }),
  'consumerClusters[0]': v => ({ ...newRequest, consumerClusters: [v] }),
};

describe('hostile input through the HTTP API, on real clusters', () => {
  let api: HostileBackend;

  beforeAll(async () => {
    api = await startHostileBackend({ databases });
  });
  afterAll(async () => {
    await api?.stop();
  });

  async function storedCounts() {
    const owner = api.as('fuzzer');
    return {
      requests: (await owner.get('/exposures')).body.totalCount,
      audit: (await owner.get('/audit-events')).body.totalCount,
    };
  }

  it('refuses hostile names in every field of a request and of a draft preview with a 400 naming the field and the rule, and stores nothing', async () => {
    const before = await storedCounts();
    const owner = api.as('fuzzer');
    let refused = 0;
    for (const [field, put] of Object.entries(placements)) {
      for (const [description, value] of hostileNameCases) {
        for (const path of ['/exposures', '/exposures/preview']) {
          const response = await owner.post(path, put(value));
          const context = `${path} ${field} = ${description}`;
          expect({ context, status: response.status }).toEqual({
            context,
            status: 400,
          });
          const message: string = response.body.error.message;
          expect({ context, message }).toEqual({
            context,
            message: expect.stringMatching(fieldPattern(field)),
          });
          expect(message).not.toMatch(RAW_CONTROL);
          refused += 1;
        }
      }
    }
    expect(refused).toBe(
      Object.keys(placements).length * hostileNameCases.length * 2,
    );
    expect(await storedCounts()).toEqual(before);
  });

  it('states the rule when it refuses', async () => {
    const owner = api.as('fuzzer');
    const refusal = async (body: object) =>
      (await owner.post('/exposures', body)).body.error.message as string;
    expect(
      await refusal(placements['service.name']('foo\nkind: Secret')),
    ).toContain(
      "service.name 'foo\\u{a}kind: Secret' is not a DNS-1123 label: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters",
    );
    expect(await refusal(placements['service.ports[0].name']('}'))).toContain(
      "service.ports[0].name '}' is not an Istio port name: must be '<protocol>' or '<protocol>-<suffix>'",
    );
    expect(await refusal(placements['consumerClusters[0]']('a=b,c'))).toContain(
      "consumerClusters[0] 'a=b,c' is not a cluster of the mesh; known clusters: cluster-1, cluster-2, cluster-3",
    );
    expect(
      await refusal(placements['consumerNamespaces[0]']('a'.repeat(10_000))),
    ).toMatch(/consumerNamespaces\/0 must NOT have more than 63 characters/);
  });

  it('refuses hostile cluster names in paths with a 4xx, and writes nothing', async () => {
    const before = await storedCounts();
    const admin = api.as('fuzzer');
    const routes: Record<string, (c: string) => Promise<any>> = {
      'GET /clusters/{name}': c => admin.get(`/clusters/${c}`),
      'GET /clusters/{name}/preflight': c =>
        admin.get(`/clusters/${c}/preflight`),
      'GET /clusters/{name}/membership': c =>
        admin.get(`/clusters/${c}/membership`),
      'PUT /clusters/{name}/membership': c =>
        admin.put(`/clusters/${c}/membership`, { network: 'n1' }),
      'POST /clusters/{name}/dns': c => admin.post(`/clusters/${c}/dns`),
      'POST /trust/clusters/{name}/intermediate': c =>
        admin.post(`/trust/clusters/${c}/intermediate`),
      'POST /trust/clusters/{name}/csr': c =>
        admin.post(`/trust/clusters/${c}/csr`),
    };
    for (const [description, value] of hostileNameCases) {
      for (const [route, call] of Object.entries(routes)) {
        const response = await call(encodeURIComponent(value));
        const context = `${route} with ${description}`;
        expect({ context, family: Math.floor(response.status / 100) }).toEqual({
          context,
          family: 4,
        });
        expect(response.body.error.message).not.toMatch(RAW_CONTROL);
      }
    }
    expect(await storedCounts()).toEqual(before);
  });

  it('refuses hostile network names and gateway addresses in a membership, naming the field', async () => {
    const admin = api.as('fuzzer');
    for (const [description, value] of hostileNameCases) {
      // Kubernetes label values may hold upper-case letters.
      if (validateLabelValue(value, 'network').ok) continue;
      const network = await admin.put('/clusters/cluster-1/membership', {
        network: value,
      });
      expect({ description, status: network.status }).toEqual({
        description,
        status: 400,
      });
      expect(network.body.error.message).toMatch(/network '|\/body\/network\b/);
      expect(network.body.error.message).not.toMatch(RAW_CONTROL);

      if (value === 'a'.repeat(64)) continue; // a valid DNS name, if a long one
      const gateway = await admin.put('/clusters/cluster-1/membership', {
        network: 'network-1',
        gatewayAddress: value,
      });
      expect({ description, status: gateway.status }).toEqual({
        description,
        status: 400,
      });
      expect(gateway.body.error.message).toMatch(
        /gatewayAddress '|\/body\/gatewayAddress\b/,
      );
    }
    expect((await admin.get('/clusters/cluster-1/membership')).status).toBe(
      404,
    );
  });

  it('keeps a hostile reason and comment as text: stored and shown as written, never in a manifest or the Corefile', async () => {
    const bob = api.as('bob');
    const carol = api.as('carol');
    const created = await bob.post('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-1'],
      reason: HOSTILE_FREE_TEXT,
    });
    expect(created.status).toBe(201);
    expect(created.body.reason).toBe(HOSTILE_FREE_TEXT);
    const id = created.body.id;
    expect((await bob.get(`/exposures/${id}`)).body.reason).toBe(
      HOSTILE_FREE_TEXT,
    );

    const preview = await carol.get(`/exposures/${id}/preview`);
    expect(preview.status).toBe(200);
    for (const cluster of preview.body.clusters) {
      const documents = parseAllDocuments(cluster.yaml);
      expect(documents.flatMap(d => d.errors)).toEqual([]);
      expect(documents.map(d => d.toJS().kind)).toEqual(['ServiceEntry']);
      for (const marker of MARKERS) expect(cluster.yaml).not.toContain(marker);
    }

    const approved = await carol.post(`/exposures/${id}/approve`, {
      comment: HOSTILE_FREE_TEXT,
    });
    expect(approved.status).toBe(200);
    expect(approved.body.decisionComment).toBe(HOSTILE_FREE_TEXT);

    await api.runTask(RECONCILE_TASK);
    const active = await bob.get(`/exposures/${id}`);
    expect(active.body.state).toBe('active');

    // What landed in the consumer cluster: the ServiceEntry of the preview, and the Corefile.
    const [entry, ...others] = await managedObjects(
      api.bed.clusters[0],
      'serviceentries',
    );
    expect(others).toEqual([]);
    const [previewed] = parseAllDocuments(preview.body.clusters[0].yaml).map(
      d => d.toJS(),
    );
    expect(entry.spec).toEqual(
      expect.objectContaining({
        ...previewed.spec,
        addresses: [approved.body.vip],
      }),
    );
    expect(Object.keys(entry.metadata.labels).sort()).toEqual([
      'app.kubernetes.io/managed-by',
      'crossmesh.io/request-id',
    ]);
    const { core } = await adminApis(api.bed.clusters[0]);
    const coredns = await core.readNamespacedConfigMap({
      name: 'coredns',
      namespace: 'kube-system',
    });
    const istiocoredns = await core.readNamespacedService({
      name: 'istiocoredns',
      namespace: 'istio-system',
    });
    const corefile = coredns.data!.Corefile;
    expect(() => parseCorefile(corefile)).not.toThrow();
    expect(findGlobalServerBlocks(corefile)).toEqual([
      expect.objectContaining({
        managed: true,
        forwardTo: [`${istiocoredns.spec!.clusterIP}:53`],
      }),
    ]);
    for (const marker of MARKERS) {
      expect(JSON.stringify(entry)).not.toContain(marker);
      expect(JSON.stringify(coredns)).not.toContain(marker);
    }

    const audit = await carol.get('/audit-events?action=exposure.requested');
    expect(audit.body.items[0].details.reason).toBe(HOSTILE_FREE_TEXT);
  });
});

import { Entity } from '@backstage/catalog-model';
import { MeshStrategy } from '@crossmesh/backstage-plugin-crossmesh-common';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { parseAllDocuments } from 'yaml';
import {
  CrossmeshTestBackend,
  startCrossmeshTestBackend,
} from '../__testUtils__/testBackend';
import { REQUEST_ID_LABEL, requestIdLabelValue, toYaml } from './render';

jest.setTimeout(300_000);

/** Istio 1.6 selects legacy-global, 1.22 dns-proxy. */
const ISTIO_VERSIONS: Record<string, string> = {
  'cluster-1': '1.6.8',
  'cluster-2': '1.6.8',
  'cluster-3': '1.22.3',
  'cluster-4': '1.22.3',
};

/**
 * The cluster each strategy's requests come from. A Record, so a new strategy does not
 * compile until it is covered here. `multi-primary` renders no objects (its grant is an
 * edit of the consumer clusters' mesh config, judged in multiPrimaryExposure.istiod.test.ts)
 * and is chosen by config, not detected from these clusters' versions.
 */
const SOURCES: Record<Exclude<MeshStrategy, 'multi-primary'>, string> = {
  'legacy-global': 'cluster-2',
  'dns-proxy': 'cluster-4',
};

/**
 * A spread of requests per strategy: one to several ports, consumer clusters on either
 * Istio line, all namespaces or some.
 */
const SPREAD: Array<{
  service: string;
  namespace: string;
  ports: string;
  consumers: string[];
  consumerNamespaces: string[];
}> = [
  {
    service: 'alpha',
    namespace: 'shop',
    ports: 'http:8000',
    consumers: ['cluster-1'],
    consumerNamespaces: [],
  },
  {
    service: 'beta',
    namespace: 'shop',
    ports: 'http-web:8080,grpc-api:9090,tcp-db:5432',
    consumers: ['cluster-1', 'cluster-3'],
    consumerNamespaces: ['team-a', 'team-b'],
  },
  {
    service: 'gamma',
    namespace: 'billing',
    ports: 'https:443',
    consumers: ['cluster-1', 'cluster-3'],
    consumerNamespaces: ['team-a'],
  },
];

const strategies = Object.keys(SOURCES) as Array<keyof typeof SOURCES>;

function componentFor(
  strategy: keyof typeof SOURCES,
  spec: (typeof SPREAD)[number],
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `${spec.service}-${strategy}`,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': `${spec.service}-${SOURCES[strategy]}`,
        'backstage.io/kubernetes-namespace': spec.namespace,
        'crossmesh.io/cluster': SOURCES[strategy],
        'crossmesh.io/ports': spec.ports,
      },
    },
    spec: { type: 'service', owner: 'group:default/team-b', lifecycle: 'prod' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-b' }],
  };
}

/** What the API server adds to an object; everything else is crossmesh's. */
function withoutServerFields(object: any): any {
  const {
    uid: _uid,
    resourceVersion: _resourceVersion,
    creationTimestamp: _creationTimestamp,
    generation: _generation,
    managedFields: _managedFields,
    ...metadata
  } = object.metadata;
  const { status: _status, ...rest } = object;
  return { ...rest, metadata };
}

/** One serialisation for both sides: keys sorted at every level, as YAML. */
function canonical(objects: object[]): string {
  const sort = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(sort);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.keys(value)
          .sort()
          .map(k => [k, sort((value as Record<string, unknown>)[k])]),
      );
    }
    return value;
  };
  return toYaml(objects.map(o => sort(o) as object));
}

function keyOf(cluster: string, o: any) {
  return `${cluster} ${o.kind} ${o.metadata.namespace}/${o.metadata.name}`;
}

describe('the preview before approval is what the reconciler applies', () => {
  let bed: TestBed;
  let backend: CrossmeshTestBackend;
  const as = (user: string) => backend.as(user);

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: Object.keys(ISTIO_VERSIONS),
      istioVersions: ISTIO_VERSIONS,
    });
    // The Services, labelled as their components', in their source clusters.
    await seedServices(
      bed.clusters,
      strategies.flatMap(strategy =>
        SPREAD.map(spec => ({
          cluster: SOURCES[strategy],
          namespace: spec.namespace,
          name: `${spec.service}-${SOURCES[strategy]}`,
          component: `${spec.service}-${strategy}`,
          ports: spec.ports.split(',').map(p => {
            const [name, port] = p.split(':');
            return { name, port: Number(port) };
          }),
        })),
      ),
    );
    const k8s = await import('@kubernetes/client-node');
    for (const cluster of bed.clusters) {
      const kubeConfig = new k8s.KubeConfig();
      kubeConfig.loadFromFile(cluster.kubeconfigPath);
      const core = kubeConfig.makeApiClient(k8s.CoreV1Api);
      for (const name of ['team-a', 'team-b']) {
        await core.createNamespace({ body: { metadata: { name } } });
      }
    }
    backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      entities: strategies.flatMap(strategy =>
        SPREAD.map(spec => componentFor(strategy, spec)),
      ),
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await bed?.stop();
  });

  const reconcilePass = () => backend.reconcile();

  /** Every object crossmesh manages in a cluster, read back from its API server. */
  async function managedObjectsIn(cluster: TestBed['clusters'][number]) {
    const k8s = await import('@kubernetes/client-node');
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(cluster.kubeconfigPath);
    const api = kubeConfig.makeApiClient(k8s.CustomObjectsApi);
    const objects: any[] = [];
    for (const plural of [
      'serviceentries',
      'destinationrules',
      'gateways',
      'authorizationpolicies',
    ]) {
      const list: any = await api.listClusterCustomObject({
        group:
          plural === 'authorizationpolicies'
            ? 'security.istio.io'
            : 'networking.istio.io',
        version: 'v1beta1',
        plural,
        labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
      });
      objects.push(...list.items);
    }
    return objects;
  }

  it('for every strategy and a spread of requests, object for object', async () => {
    for (const strategy of strategies) {
      const source = await as('carol').get(`/clusters/${SOURCES[strategy]}`);
      expect(source.body.strategy).toBe(strategy);
    }

    const previews: Array<{ strategy: MeshStrategy; preview: any }> = [];
    for (const strategy of strategies) {
      for (const spec of SPREAD) {
        const input = {
          entityRef: `component:default/${spec.service}-${strategy}`,
          consumerClusters: spec.consumers,
          consumerNamespaces: spec.consumerNamespaces,
          reason: `${spec.service} under ${strategy}`,
        };
        const draft = await as('bob').post('/exposures/preview', input);
        expect(draft.status).toBe(200);
        const created = await as('bob').post('/exposures', input);
        expect(created.status).toBe(201);
        const preview = await as('carol').get(
          `/exposures/${created.body.id}/preview`,
        );
        expect(preview.status).toBe(200);
        expect(preview.body.clusters.filter((c: any) => c.error)).toEqual([]);

        // The draft shows the same objects, labelled with the draft placeholder id.
        const labelled = (yaml: string, id: string) =>
          parseAllDocuments(yaml).map(d => {
            const o: any = d.toJS();
            if (o.metadata.labels[REQUEST_ID_LABEL] === 'draft') {
              o.metadata.labels[REQUEST_ID_LABEL] = requestIdLabelValue(id);
            }
            return o;
          });
        expect(
          draft.body.clusters.map((c: any) => ({
            ...c,
            yaml: canonical(labelled(c.yaml, created.body.id)),
          })),
        ).toEqual(
          preview.body.clusters.map((c: any) => ({
            ...c,
            yaml: canonical(labelled(c.yaml, created.body.id)),
          })),
        );

        const approved = await as('carol').post(
          `/exposures/${created.body.id}/approve`,
        );
        expect(approved.status).toBe(200);
        expect(approved.body.vip).toBe(preview.body.vip);
        previews.push({ strategy, preview: preview.body });
      }
    }
    expect(
      previews.some(p =>
        p.preview.clusters.some((c: any) => c.role === 'exporter'),
      ),
    ).toBe(true);

    for (let pass = 0; pass < 5; pass++) {
      await reconcilePass();
      const listed = await as('carol').get('/exposures?state=active&limit=50');
      if (listed.body.totalCount === previews.length) break;
    }
    const active = await as('carol').get('/exposures?state=active&limit=50');
    expect(active.body.totalCount).toBe(previews.length);

    const inClusters = new Map<string, any>();
    for (const cluster of bed.clusters) {
      for (const o of await managedObjectsIn(cluster)) {
        inClusters.set(keyOf(cluster.name, o), withoutServerFields(o));
      }
    }
    const previewed = new Set<string>();
    for (const { preview } of previews) {
      for (const { cluster, yaml } of preview.clusters) {
        const objects = parseAllDocuments(yaml).map(d => d.toJS() as any);
        const applied = objects.map(o => inClusters.get(keyOf(cluster, o)));
        expect(canonical(applied)).toBe(canonical(objects));
        objects.forEach(o => previewed.add(keyOf(cluster, o)));
      }
    }
    // Nothing is applied that no preview showed.
    expect([...inClusters.keys()].sort()).toEqual([...previewed].sort());
  });
});

import {
  DefaultNamespaceEntityPolicy,
  Entity,
  EntityPolicies,
  FieldFormatEntityPolicy,
  NoForeignRootFieldsEntityPolicy,
  resourceEntityV1alpha1Validator,
  SchemaValidEntityPolicy,
  systemEntityV1alpha1Validator,
} from '@backstage/catalog-model';
import {
  ExposureRequest,
  ExposureRequestState,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { buildMeshEntities, MeshEntityOptions } from './buildMeshEntities';
import { clusterEntityName } from './clusterEntityName';

const options: MeshEntityOptions = {
  systemName: 'mesh',
  namespace: 'default',
  owner: 'group:default/platform-team',
  locationRef: 'crossmesh-mesh:mesh',
  overviewUrl: 'http://localhost:3000/crossmesh',
};

function cluster(name: string, overrides: Partial<MeshCluster> = {}) {
  return {
    name,
    reachable: true,
    istio: { version: '1.6.8', image: 'docker.io/istio/pilot:1.6.8' },
    strategy: 'legacy-global',
    strategySource: 'detected',
    gateway: { address: '192.0.2.10', port: 15443, source: 'loadBalancer' },
    observedAt: '2024-05-01T10:00:00.000Z',
    ...overrides,
  } as MeshCluster;
}

function exposure(
  entityRef: string,
  sourceCluster: string,
  consumerClusters: string[],
  state: ExposureRequestState,
) {
  return {
    id: `${entityRef}-${state}`,
    entityRef,
    sourceCluster,
    consumerClusters,
    state,
  } as ExposureRequest;
}

// The checks the catalog runs on every entity it ingests.
const catalogPolicy = EntityPolicies.allOf([
  new DefaultNamespaceEntityPolicy(),
  new NoForeignRootFieldsEntityPolicy(),
  new FieldFormatEntityPolicy(),
  new SchemaValidEntityPolicy(),
]);

async function expectValid(entity: Entity) {
  await expect(catalogPolicy.enforce(entity)).resolves.toBeDefined();
  const validator =
    entity.kind === 'System'
      ? systemEntityV1alpha1Validator
      : resourceEntityV1alpha1Validator;
  await expect(validator.check(entity)).resolves.toBe(true);
}

describe('buildMeshEntities', () => {
  const clusters = [
    cluster('cluster-1'),
    cluster('cluster-2', {
      istio: { version: '1.7.0', image: 'docker.io/istio/pilot:1.7.0' },
      gateway: { address: 'gw.example.net', port: 31443, source: 'nodePort' },
    }),
    cluster('cluster-3', {
      reachable: false,
      error: 'cannot reach the API server at https://10.0.0.3:6443',
      istio: null,
      strategy: null,
      strategySource: null,
      gateway: null,
    }),
  ];

  it('emits a System for the mesh and a kubernetes-cluster Resource per cluster, part of it', async () => {
    const entities = buildMeshEntities({ clusters, exposures: [], options });
    expect(entities.map(e => `${e.kind}:${e.metadata.name}`)).toEqual([
      'System:mesh',
      'Resource:cluster-1',
      'Resource:cluster-2',
      'Resource:cluster-3',
    ]);
    const [system, one] = entities;
    expect(system).toMatchObject({
      metadata: {
        namespace: 'default',
        description: 'The Istio mesh crossmesh manages, spanning 3 clusters.',
        links: [{ url: 'http://localhost:3000/crossmesh' }],
        annotations: {
          'backstage.io/managed-by-location': 'crossmesh-mesh:mesh',
          'backstage.io/managed-by-origin-location': 'crossmesh-mesh:mesh',
        },
      },
      spec: { owner: 'group:default/platform-team' },
    });
    expect(one).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'cluster-1',
        namespace: 'default',
        description:
          'Kubernetes cluster of the mesh: Istio 1.6.8, strategy legacy-global, gateway 192.0.2.10:15443.',
        annotations: {
          'backstage.io/managed-by-location': 'crossmesh-mesh:mesh',
          'backstage.io/managed-by-origin-location': 'crossmesh-mesh:mesh',
          'crossmesh.io/cluster-name': 'cluster-1',
          'crossmesh.io/reachable': 'true',
          'crossmesh.io/istio-version': '1.6.8',
          'crossmesh.io/strategy': 'legacy-global',
          'crossmesh.io/gateway-address': '192.0.2.10:15443',
        },
        links: [
          {
            url: 'http://localhost:3000/crossmesh',
            title: 'Mesh overview',
            icon: 'dashboard',
          },
        ],
      },
      spec: {
        type: 'kubernetes-cluster',
        owner: 'group:default/platform-team',
        system: 'system:default/mesh',
      },
    });
    for (const entity of entities) await expectValid(entity);
  });

  it('keeps an unreachable cluster, saying why in an annotation and the description', () => {
    const [, , , three] = buildMeshEntities({
      clusters,
      exposures: [],
      options,
    });
    expect(three.metadata.annotations).toMatchObject({
      'crossmesh.io/reachable': 'false',
      'crossmesh.io/cluster-error':
        'cannot reach the API server at https://10.0.0.3:6443',
    });
    expect(three.metadata.annotations).not.toHaveProperty(
      'crossmesh.io/istio-version',
    );
    expect(three.metadata.description).toBe(
      'Kubernetes cluster of the mesh. crossmesh cannot reach it: cannot reach the API server at https://10.0.0.3:6443',
    );
  });

  it('makes consumer clusters depend on the components exposed to them, and components depend on the cluster they run in', async () => {
    const entities = buildMeshEntities({
      clusters,
      exposures: [
        exposure(
          'component:default/svc-2',
          'cluster-2',
          ['cluster-1'],
          'active',
        ),
        exposure(
          'component:default/svc-2',
          'cluster-2',
          ['cluster-1', 'cluster-3'],
          'approved',
        ),
        exposure(
          'component:default/api',
          'cluster-1',
          ['cluster-2'],
          'applying',
        ),
        exposure(
          'component:default/old',
          'cluster-1',
          ['cluster-3'],
          'revoking',
        ),
        exposure(
          'component:default/wish',
          'cluster-1',
          ['cluster-3'],
          'pending',
        ),
        exposure(
          'component:default/no',
          'cluster-1',
          ['cluster-3'],
          'rejected',
        ),
        exposure(
          'component:default/gone',
          'cluster-1',
          ['cluster-3'],
          'revoked',
        ),
        exposure('component:default/far', 'cluster-9', ['cluster-1'], 'active'),
      ],
      options,
    });
    const spec = (name: string) =>
      entities.find(e => e.metadata.name === name)!.spec;
    expect(spec('cluster-1')).toMatchObject({
      dependsOn: ['component:default/far', 'component:default/svc-2'],
      dependencyOf: ['component:default/api'],
    });
    expect(spec('cluster-2')).toMatchObject({
      dependsOn: ['component:default/api'],
      dependencyOf: ['component:default/svc-2'],
    });
    expect(spec('cluster-3')).toMatchObject({
      dependsOn: ['component:default/svc-2'],
    });
    expect(spec('cluster-3')).not.toHaveProperty('dependencyOf');
    for (const entity of entities) await expectValid(entity);
  });

  it('sanitizes cluster names that are not entity names and keeps the original', async () => {
    const arn = 'arn:aws:eks:eu-west-1:123456789012:cluster/prod';
    const entities = buildMeshEntities({
      clusters: [cluster(arn), cluster('gke_shop_europe-west1_prod')],
      exposures: [
        exposure(
          'component:default/svc-2',
          'gke_shop_europe-west1_prod',
          [arn],
          'active',
        ),
      ],
      options,
    });
    const [, eks, gke] = entities;
    expect(eks.metadata.name).toMatch(
      /^arn-aws-eks-eu-west-1-123456789012-cluster-prod-[0-9a-f]{6}$/,
    );
    expect(eks.metadata.title).toBe(arn);
    expect(eks.metadata.annotations?.['crossmesh.io/cluster-name']).toBe(arn);
    expect(eks.spec?.dependsOn).toEqual(['component:default/svc-2']);
    expect(gke.metadata.name).toBe('gke_shop_europe-west1_prod');
    expect(gke.metadata).not.toHaveProperty('title');
    for (const entity of entities) await expectValid(entity);
  });

  it('gives no links without the app URL and describes an empty mesh', async () => {
    const [system] = buildMeshEntities({
      clusters: [],
      exposures: [],
      options: { ...options, overviewUrl: undefined },
    });
    expect(system.metadata).not.toHaveProperty('links');
    expect(system.metadata.description).toBe(
      'The Istio mesh crossmesh manages, with no clusters yet.',
    );
    await expectValid(system);
  });
});

describe('clusterEntityName', () => {
  it.each(['cluster-1', 'gke_shop_europe-west1_prod', 'a.b', 'A1'])(
    'keeps the valid name %s',
    name => {
      expect(clusterEntityName(name)).toBe(name);
    },
  );

  it.each([
    ['arn:aws:eks:eu-west-1:1:cluster/prod'],
    ['-starts-with-dash'],
    ['my cluster'],
    ['ü'],
    [`${'x'.repeat(63)}y`],
    ['.'],
  ])('turns %j into a valid, distinct name', name => {
    const sanitized = clusterEntityName(name);
    expect(sanitized).toMatch(/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/);
    expect(sanitized.length).toBeLessThanOrEqual(63);
    expect(sanitized).not.toBe(name);
  });

  it('keeps names distinct when they sanitize alike, and stable across runs', () => {
    expect(clusterEntityName('a:b')).not.toBe(clusterEntityName('a/b'));
    expect(clusterEntityName('a:b')).toBe(clusterEntityName('a:b'));
    expect(clusterEntityName('my cluster')).toMatch(/^my-cluster-[0-9a-f]{6}$/);
    expect(clusterEntityName('ü')).toMatch(/^cluster-[0-9a-f]{6}$/);
  });
});

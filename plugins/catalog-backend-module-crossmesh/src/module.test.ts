import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  catalogProcessingExtensionPoint,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
// The test runs the real crossmesh backend the module reads from; the module itself does not import it.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import crossmeshBackend from '@crossmesh/backstage-plugin-crossmesh-backend';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { AddressInfo } from 'node:net';
import catalogModule from './module';
import { CrossmeshEntityProvider } from './CrossmeshEntityProvider';

jest.setTimeout(120_000);

const svc2: Entity = {
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
  spec: { type: 'service', owner: 'group:default/team-b', lifecycle: 'prod' },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/team-b' }],
};

const groupsOf: Record<string, string[]> = {
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': ['group:default/platform-team'],
};

describe('the crossmesh catalog module against a real crossmesh backend', () => {
  let bed: TestBed;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let provider: CrossmeshEntityProvider;
  const mutations: EntityProviderMutation[] = [];
  // The catalog's side of the provider contract: it records what the provider publishes.
  const connection: EntityProviderConnection = {
    applyMutation: async mutation => {
      mutations.push(mutation);
    },
    refresh: async () => {},
  };
  // Flipped to make the crossmesh backend refuse every request, as a broken policy would.
  let backendAllows = true;
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    ]);
    backend = await startTestBackend({
      features: [
        crossmeshBackend,
        catalogModule,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            kubernetes: bed.kubernetesConfig() as any,
            crossmesh: {
              clusterTimeoutSeconds: 2,
              approvers: { groups: ['group:default/platform-team'] },
              catalog: {
                schedule: {
                  frequency: { minutes: 30 },
                  timeout: { minutes: 1 },
                },
              },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [svc2] }),
        mockServices.userInfo.mock({
          getUserInfo: async (credentials: any) => {
            const userEntityRef = credentials.principal.userEntityRef;
            return {
              userEntityRef,
              ownershipEntityRefs: [
                userEntityRef,
                ...(groupsOf[userEntityRef] ?? []),
              ],
            };
          },
        }).factory,
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(() => ({
              result: (backendAllows ? 'ALLOW' : 'DENY') as any,
            })),
        }).factory,
        logger.factory,
      ],
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (
              ...added: Array<EntityProvider | EntityProvider[]>
            ) => {
              for (const p of added.flat()) {
                provider = p as CrossmeshEntityProvider;
                // As the catalog does while it starts, before any task runs.
                p.connect(connection);
              }
            },
          },
        ],
      ],
    });
  });

  afterAll(async () => {
    await backend?.stop();
    await bed?.stop();
  });

  const lastEntities = () => {
    const last = mutations[mutations.length - 1];
    if (last?.type !== 'full') throw new Error('expected a full mutation');
    return last.entities.map(e => e.entity);
  };
  const entity = (name: string) =>
    lastEntities().find(e => e.metadata.name === name)!;

  const asUser = (user: string) => {
    const { port } = backend.server.address() as AddressInfo;
    return (path: string, body: object) =>
      fetch(`http://localhost:${port}/api/crossmesh${path}`, {
        method: 'POST',
        headers: {
          Authorization: mockCredentials.user.header(`user:default/${user}`),
          'Content-Type': 'application/json',
        },
        body: JSON.stringify(body),
      }).then(async r => ({ status: r.status, body: await r.json() }));
  };

  it('publishes the mesh and every cluster once the backend has started', () => {
    expect(provider.getProviderName()).toBe('crossmesh-mesh');
    expect(mutations).toHaveLength(1);
    expect(mutations[0].type).toBe('full');
    expect(
      lastEntities().map(
        e => `${e.kind}:${e.metadata.namespace}/${e.metadata.name}`,
      ),
    ).toEqual([
      'System:default/mesh',
      'Resource:default/cluster-1',
      'Resource:default/cluster-2',
      'Resource:default/cluster-3',
    ]);
    expect(entity('mesh').spec).toEqual({
      owner: 'group:default/platform-team',
    });
    bed.clusters.forEach(c => {
      expect(entity(c.name)).toMatchObject({
        metadata: {
          annotations: {
            'backstage.io/managed-by-location': 'crossmesh-mesh:mesh',
            'crossmesh.io/cluster-name': c.name,
            'crossmesh.io/reachable': 'true',
            'crossmesh.io/istio-version': c.istioVersion,
            'crossmesh.io/strategy': 'legacy-global',
            'crossmesh.io/gateway-address': `${c.gatewayAddress}:15443`,
          },
          links: [{ url: 'http://localhost:3000/crossmesh' }],
        },
        spec: {
          type: 'kubernetes-cluster',
          owner: 'group:default/platform-team',
          system: 'system:default/mesh',
        },
      });
      expect(entity(c.name).spec).not.toHaveProperty('dependsOn');
    });
  });

  it('relates an approved exposure to its clusters, and leaves a pending one out', async () => {
    const requested = await asUser('bob')('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-1'],
      reason: 'svc-1 in cluster-1 calls svc-2',
    });
    expect(requested.status).toBe(201);
    const approved = await asUser('carol')(
      `/exposures/${requested.body.id}/approve`,
      { comment: 'ok' },
    );
    expect(approved.body.state).toBe('approved');
    const pending = await asUser('bob')('/exposures', {
      entityRef: 'component:default/svc-2',
      consumerClusters: ['cluster-3'],
      reason: 'cluster-3 later',
    });
    expect(pending.status).toBe(201);

    await provider.refresh();

    expect(mutations).toHaveLength(2);
    expect(entity('cluster-1').spec).toMatchObject({
      dependsOn: ['component:default/svc-2'],
    });
    expect(entity('cluster-2').spec).toMatchObject({
      dependencyOf: ['component:default/svc-2'],
    });
    expect(entity('cluster-2').spec).not.toHaveProperty('dependsOn');
    expect(entity('cluster-3').spec).not.toHaveProperty('dependsOn');
  });

  it("keeps a cluster that went down, with the reason but not its API server's address", async () => {
    await bed.stopCluster('cluster-3');
    await provider.refresh();
    expect(mutations).toHaveLength(3);
    expect(entity('cluster-3').metadata.annotations).toMatchObject({
      'crossmesh.io/reachable': 'false',
      'crossmesh.io/cluster-error': expect.stringContaining(
        'cannot reach the API server',
      ),
    });
    // The catalog reads as a service, not as the platform team: no cluster details.
    expect(
      entity('cluster-3').metadata.annotations!['crossmesh.io/cluster-error'],
    ).not.toContain(bed.clusters[2].url);
    expect(entity('cluster-1').spec).toMatchObject({
      dependsOn: ['component:default/svc-2'],
    });
  });

  it('changes nothing in the catalog when the crossmesh backend fails, and says so', async () => {
    backendAllows = false;
    try {
      await provider.refresh();
    } finally {
      backendAllows = true;
    }
    expect(mutations).toHaveLength(3);
    // Clusters and exposures are read at once: whichever refusal comes first is reported.
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^Could not read the mesh from the crossmesh backend; the catalog keeps the mesh entities of the last successful refresh\. Request failed with 403 Forbidden: You are not allowed to read crossmesh\.(cluster|exposure)\.read/,
      ),
    );
  });
});

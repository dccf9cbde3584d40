import {
  createServiceFactory,
  type SchedulerService,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  BedService,
  seedServices,
  startTestBed,
  TestBed,
} from '@crossmesh/test-bed';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { Knex } from 'knex';
import request from 'supertest';
import { crossmeshPlugin } from '../../plugin';
import { userInfoWithGroups } from '../../__testUtils__/apiTestKit';

/** What mockServices.scheduler() returns besides a SchedulerService; its class is not exported. */
type MockScheduler = SchedulerService & {
  factory(options?: { skipTaskRunOnStartup?: boolean }): ServiceFactory;
};

/** Who belongs to which groups (as examples/org.yaml); approvers are in platform-team. */
const MEMBERSHIP: Record<string, string[]> = {
  'user:default/guest': ['group:default/team-b'],
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': ['group:default/platform-team'],
  // The platform team's second member, for operations that need two people.
  'user:default/dave': ['group:default/platform-team'],
  'user:default/frank': ['group:default/team-f'],
  // Owns every component and approves: the fuzzer's identity, so that no route is closed to it.
  'user:default/fuzzer': [
    'group:default/team-b',
    'group:default/team-f',
    'group:default/platform-team',
  ],
};

export const KEY_ENCRYPTION_SECRET =
  'a-hostile-input-test-secret-of-enough-length';

/** A Component whose annotations name its Kubernetes Service, as service owners write them. */
export function component(
  name: string,
  owner: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner, lifecycle: 'experimental' },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

function annotated(service: string, namespace: string, cluster: string) {
  return {
    'backstage.io/kubernetes-id': service,
    'backstage.io/kubernetes-namespace': namespace,
    'crossmesh.io/cluster': cluster,
    'crossmesh.io/ports': 'http:8000,grpc-api:9000',
  };
}

/** The catalog every hostile-input backend reads. */
export const ENTITIES: Entity[] = [
  component(
    'svc-2',
    'group:default/team-b',
    annotated('svc-2', 'bar', 'cluster-2'),
  ),
  component(
    'svc-3',
    'group:default/team-b',
    annotated('svc-3', 'bar', 'cluster-2'),
  ),
  component(
    'svc-f',
    'group:default/team-f',
    annotated('svc-f', 'foo', 'cluster-1'),
  ),
  // Annotations a careless (or hostile) owner wrote: crossmesh must refuse them, not render them.
  component('svc-evil', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-evil\nkind: Secret',
    'backstage.io/kubernetes-namespace': 'bar',
    'crossmesh.io/cluster': 'cluster-2',
    'crossmesh.io/ports': 'http:8000,tcp-x}\nimport /etc:53',
  }),
  component('svc-bare', 'group:default/team-b', {}),
];

/** The Services of ENTITIES' well-formed annotations, labelled with their components. */
const SERVICES = [
  { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
  { cluster: 'cluster-2', namespace: 'bar', name: 'svc-3' },
  { cluster: 'cluster-1', namespace: 'foo', name: 'svc-f' },
];

/**
 * Test databases for a hostile-input suite; call at the top level of a test file (it adds
 * jest hooks).
 */
export function hostileDatabases(): TestDatabases {
  return TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
}

/** A fresh database: PostgreSQL when the environment offers one, else SQLite. */
async function freshDatabase(
  databases: TestDatabases,
): Promise<{ knex: Knex; id: TestDatabaseId }> {
  const [id] = databases.eachSupportedId().map(([supported]) => supported);
  return { knex: await databases.init(id), id };
}

/** Calls the API as a user, through supertest. */
export function userClient(server: any, user: string) {
  const header = mockCredentials.user.header(`user:default/${user}`);
  const send = (method: 'post' | 'put') => (path: string, body?: object) => {
    const req = request(server)
      [method](`/api/crossmesh${path}`)
      .set('Authorization', header);
    return body === undefined ? req : req.send(body);
  };
  return {
    header,
    get: (path: string) =>
      request(server).get(`/api/crossmesh${path}`).set('Authorization', header),
    post: send('post'),
    put: send('put'),
  };
}

/**
 * The real crossmesh backend on the bed's clusters and a real database, listening on a port of
 * 127.0.0.1 so that processes other than jest (schemathesis) can call it.
 */
export async function startHostileBackend(options: {
  databases: TestDatabases;
  /** A running bed to use (left running by `stop()`); default: a new one with three clusters. */
  bed?: TestBed;
  trust?: object;
  /** More catalog entities, beside ENTITIES. */
  entities?: Entity[];
  /** More Services to create (and update) in the bed's clusters. */
  services?: BedService[];
  /**
   * `crossmesh`: the app's permission policy (the permission backend with crossmesh's policy
   * module, as packages/backend installs it). Default: every permission allowed, as under
   * the allow-all policy of a fresh app.
   */
  policy?: 'crossmesh' | 'allow-all';
  /** Receives what crossmesh sends to the notifications service; default: none installed. */
  notifications?: (options: NotificationSendOptions) => Promise<void>;
}) {
  const ownsBed = !options.bed;
  const bed: TestBed =
    options.bed ??
    (await startTestBed({ clusters: ['cluster-1', 'cluster-2', 'cluster-3'] }));
  try {
    await seedServices(bed.clusters, [
      ...SERVICES,
      ...(options.services ?? []),
    ]);
    const { knex, id } = await freshDatabase(options.databases);
    const scheduler = mockServices.scheduler() as MockScheduler;
    const policy =
      options.policy === 'crossmesh'
        ? [
            import('@backstage/plugin-permission-backend'),
            import(
              '@crossmesh/backstage-plugin-permission-backend-module-crossmesh-policy'
            ),
            permissionsServiceFactory,
          ]
        : [];
    const backend = await startTestBackend({
      features: [
        crossmeshPlugin,
        ...policy,
        mockServices.database.factory({ knex }),
        scheduler.factory({ skipTaskRunOnStartup: true }),
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: options.policy === 'crossmesh' },
            kubernetes: bed.kubernetesConfig() as any,
            crossmesh: {
              approvers: { groups: ['group:default/platform-team'] },
              clusterTimeoutSeconds: 5,
              // Passes run when the test asks for one, so what a request changes is its own.
              watchClusters: false,
              reconcileOnChange: false,
              trust: {
                keyEncryptionSecret: KEY_ENCRYPTION_SECRET,
                intermediateKeyType: 'ecdsa-p256',
                // No workloads to wait for: a rotation phase may follow the last at once.
                workloadCertificateTtl: '0s',
                ...options.trust,
              },
            },
          },
        }),
        catalogServiceMock.factory({
          entities: [...ENTITIES, ...(options.entities ?? [])],
        }),
        userInfoWithGroups(MEMBERSHIP),
        ...(options.notifications
          ? [
              createServiceFactory({
                service: notificationService,
                deps: {},
                factory: () => ({ send: options.notifications! }),
              }),
            ]
          : []),
      ],
    });
    const port = backend.server.port();
    return {
      bed,
      knex,
      databaseId: id,
      server: backend.server,
      baseUrl: `http://127.0.0.1:${port}/api/crossmesh`,
      as: (user: string) => userClient(backend.server, user),
      /** Runs a scheduled task (the reconciler, the renewal check) once, now. */
      runTask: (taskId: string) => scheduler.triggerTask(taskId),
      stop: async () => {
        await backend.stop();
        if (ownsBed) await bed.stop();
      },
    };
  } catch (error) {
    if (ownsBed) await bed.stop();
    throw error;
  }
}

export type HostileBackend = Awaited<ReturnType<typeof startHostileBackend>>;

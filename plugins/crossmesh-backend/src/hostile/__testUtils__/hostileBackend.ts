import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  BedService,
  seedServices,
  leaseTestBed,
  TestBed,
} from '@crossmesh/test-bed';
import { Knex } from 'knex';
import {
  component,
  startCrossmeshTestBackend,
  TEST_USERS,
} from '../../__testUtils__/testBackend';

/** TEST_USERS and the fuzzer, who owns every component and approves, so no route is closed to it. */
const MEMBERSHIP: Record<string, string[]> = {
  ...TEST_USERS,
  'user:default/fuzzer': [
    'group:default/team-b',
    'group:default/team-f',
    'group:default/platform-team',
  ],
};

export const KEY_ENCRYPTION_SECRET =
  'a-hostile-input-test-secret-of-enough-length';

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
    (await leaseTestBed({ clusters: ['cluster-1', 'cluster-2', 'cluster-3'] }));
  try {
    await seedServices(bed.clusters, [
      ...SERVICES,
      ...(options.services ?? []),
    ]);
    const { knex, id } = await freshDatabase(options.databases);
    const backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      crossmesh: {
        trust: {
          keyEncryptionSecret: KEY_ENCRYPTION_SECRET,
          // No workloads to wait for: a rotation phase may follow the last at once.
          workloadCertificateTtl: '0s',
          ...options.trust,
        },
      },
      users: MEMBERSHIP,
      entities: [...ENTITIES, ...(options.entities ?? [])],
      knex,
      permissions:
        options.policy === 'crossmesh' ? 'crossmesh-policy' : undefined,
      notifications: options.notifications,
    });
    return {
      bed,
      knex,
      databaseId: id,
      server: backend.server,
      baseUrl: backend.baseUrl,
      as: backend.as,
      /** Runs a scheduled task (the reconciler, the renewal check) once, now. */
      runTask: backend.runTask,
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

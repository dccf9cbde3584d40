import {
  createServiceFactory,
  type SchedulerService,
  type ServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import request from 'supertest';
import { RECONCILE_TASK } from '../exposure/reconcile/startReconciling';
import { crossmeshPlugin } from '../plugin';

/**
 * The one way tests start the crossmesh backend plugin: the real plugin over real clusters
 * (and, when given, a real database), with the catalog, who users are, the scheduler and,
 * when asked, the permission policy and notifications as stand-ins. Every API test, fixture
 * and loop builds on it, so a change to how the plugin is wired is made here once.
 */

/** The group test backends configure as approvers, and so as the platform team. */
export const PLATFORM_TEAM = 'group:default/platform-team';

/** Backstage's default mock user: who calls without a token (`call`) are. */
export const DEFAULT_MOCK_USER = mockCredentials.user().principal.userEntityRef;

/**
 * Another member of the platform team beside the default mock user, for the root
 * operations that need two people (ADR 0026).
 */
export const SECOND_PLATFORM_MEMBER = 'user:default/second-platform-member';

/**
 * Who belongs to which groups, as examples/org.yaml says: carol and dave are the platform
 * team (two people, for ADR 0026), the others own components. The default mock user belongs
 * to no group here; `usersWithDefaultOnPlatformTeam` adds it.
 */
export const TEST_USERS: Readonly<Record<string, string[]>> = {
  'user:default/guest': ['group:default/team-b'],
  'user:default/alice': ['group:default/team-a'],
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': [PLATFORM_TEAM],
  'user:default/dave': [PLATFORM_TEAM],
  'user:default/frank': ['group:default/team-f'],
};

/** TEST_USERS, with the default mock user and SECOND_PLATFORM_MEMBER on the platform team. */
export const usersWithDefaultOnPlatformTeam: Readonly<
  Record<string, string[]>
> = {
  ...TEST_USERS,
  [DEFAULT_MOCK_USER]: [PLATFORM_TEAM],
  [SECOND_PLATFORM_MEMBER]: [PLATFORM_TEAM],
};

/** A key-encryption secret for tests only. */
export const TEST_KEK = 'a-test-key-encryption-secret-of-enough-length';

export { RECONCILE_TASK };

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

/** The user-info service of a test backend: each user owns itself and its groups. */
export function userInfoWithGroups(groupsByUser: Record<string, string[]>) {
  return mockServices.userInfo.mock({
    getUserInfo: async (credentials: any) => {
      const userEntityRef = credentials.principal.userEntityRef;
      return {
        userEntityRef,
        ownershipEntityRefs: [
          userEntityRef,
          ...(groupsByUser[userEntityRef] ?? []),
        ],
      };
    },
  }).factory;
}

/** What the backend answered. */
export interface Answer {
  status: number;
  body: any;
  text: string;
  headers: Record<string, string>;
}

/** Calls the crossmesh API as one user. */
export interface Caller {
  /** The Authorization header this caller sends. */
  header: string;
  get(path: string): Promise<Answer>;
  post(path: string, body?: object): Promise<Answer>;
  put(path: string, body?: object): Promise<Answer>;
  delete(path: string): Promise<Answer>;
}

type Method = 'get' | 'post' | 'put' | 'delete';

/** What mockServices.scheduler() returns besides a SchedulerService; its class is not exported. */
type MockScheduler = SchedulerService & {
  factory(options?: { skipTaskRunOnStartup?: boolean }): ServiceFactory;
  triggerTask(id: string): Promise<void>;
};

export interface TestBackendOptions {
  /** The `kubernetes` config, as `bed.kubernetesConfig()` gives it. */
  kubernetes: object;
  /**
   * `crossmesh` config over the kit's: the platform team approves and runs the mesh, ECDSA
   * intermediates (fast), a 5 s cluster timeout, and passes only when the test asks for one
   * (no watches, no pass on change, an hour between timed passes). `trust` merges key by key.
   */
  crossmesh?: object;
  /** More top-level config beside `kubernetes` and `crossmesh`. */
  config?: object;
  /** Who belongs to which groups. Default: TEST_USERS. */
  users?: Readonly<Record<string, string[]>>;
  /** The catalog's entities. Default: none. */
  entities?: Entity[];
  /** A database to use (from TestDatabases). Default: the test backend's in-memory SQLite. */
  knex?: Knex;
  /**
   * The permission decisions: an AuthorizeResult for every permission, or `crossmesh-policy`
   * for the permission backend with crossmesh's policy module as packages/backend installs it.
   * Default: every permission allowed, as under a fresh app's allow-all policy.
   */
  permissions?:
    | AuthorizeResult.ALLOW
    | AuthorizeResult.DENY
    | 'crossmesh-policy';
  /** Receives what crossmesh sends to the notifications service. Default: none installed. */
  notifications?: (options: NotificationSendOptions) => Promise<void>;
  /** Runs scheduled tasks once at start, as a real scheduler would. Default: false. */
  runTasksOnStartup?: boolean;
  /** More features or service factories (a logger, other plugins). */
  features?: any[];
  /** Sees every answer of a `Caller`, e.g. to check that no answer carries a secret. */
  onAnswer?: (call: string, answer: Answer) => void;
}

/** Starts the crossmesh backend plugin for a test; stop it with `stop()`. */
export async function startCrossmeshTestBackend(options: TestBackendOptions) {
  const scheduler = mockServices.scheduler() as MockScheduler;
  const { trust, ...crossmesh } = (options.crossmesh ?? {}) as {
    trust?: object;
  };
  const policy = options.permissions;
  const backend = await startTestBackend({
    features: [
      crossmeshPlugin,
      scheduler.factory({
        skipTaskRunOnStartup: !options.runTasksOnStartup,
      }),
      mockServices.rootConfig.factory({
        data: {
          ...(policy === 'crossmesh-policy'
            ? { permission: { enabled: true } }
            : {}),
          ...options.config,
          kubernetes: options.kubernetes as any,
          crossmesh: {
            // The platform groups default to the approvers'.
            approvers: { groups: [PLATFORM_TEAM] },
            clusterTimeoutSeconds: 5,
            reconcileIntervalSeconds: 3600,
            watchClusters: false,
            reconcileOnChange: false,
            ...crossmesh,
            trust: {
              keyEncryptionSecret: TEST_KEK,
              intermediateKeyType: 'ecdsa-p256',
              ...trust,
            },
          },
        },
      }),
      catalogServiceMock.factory({ entities: options.entities ?? [] }),
      userInfoWithGroups({ ...(options.users ?? TEST_USERS) }),
      ...(options.knex
        ? [mockServices.database.factory({ knex: options.knex })]
        : []),
      ...(policy === 'crossmesh-policy'
        ? [
            import('@backstage/plugin-permission-backend'),
            import(
              '@crossmesh/backstage-plugin-permission-backend-module-crossmesh-policy'
            ),
            permissionsServiceFactory,
          ]
        : []),
      ...(policy === AuthorizeResult.ALLOW || policy === AuthorizeResult.DENY
        ? [mockServices.permissions.factory({ result: policy })]
        : []),
      ...(options.notifications
        ? [
            createServiceFactory({
              service: notificationService,
              deps: {},
              factory: () => ({ send: options.notifications! }),
            }),
          ]
        : []),
      ...(options.features ?? []),
    ],
  });

  const send = async (
    method: Method,
    path: string,
    header: string | undefined,
    label: string,
    body?: object,
  ): Promise<Answer> => {
    let req = request(backend.server)[method](`/api/crossmesh${path}`);
    if (header) req = req.set('Authorization', header);
    if (body !== undefined) req = req.send(body);
    const response = await req;
    const answer: Answer = {
      status: response.status,
      body: response.body,
      text: response.text ?? '',
      headers: response.headers as Record<string, string>,
    };
    options.onAnswer?.(`${method.toUpperCase()} ${path} as ${label}`, answer);
    return answer;
  };

  /** Calls as a user: `bob` or `user:default/bob`. */
  const as = (user: string): Caller => {
    const ref = user.includes(':') ? user : `user:default/${user}`;
    const header = mockCredentials.user.header(ref);
    return {
      header,
      get: path => send('get', path, header, ref),
      post: (path, body = {}) => send('post', path, header, ref, body),
      put: (path, body = {}) => send('put', path, header, ref, body),
      delete: path => send('delete', path, header, ref),
    };
  };

  return {
    backend,
    server: backend.server,
    baseUrl: `http://127.0.0.1:${backend.server.port()}/api/crossmesh`,
    as,
    /** Calls without a token, as the default mock user. */
    call: (method: Method, path: string, body?: object) =>
      send(method, path, undefined, DEFAULT_MOCK_USER, body),
    /** Runs a scheduled task (the reconciler, the renewal check) once, now. */
    runTask: (taskId: string) => scheduler.triggerTask(taskId),
    /** One reconcile pass, as the scheduler would run it. */
    reconcile: () => scheduler.triggerTask(RECONCILE_TASK),
    stop: () => backend.stop(),
  };
}

/** @see startCrossmeshTestBackend */
export type CrossmeshTestBackend = Awaited<
  ReturnType<typeof startCrossmeshTestBackend>
>;

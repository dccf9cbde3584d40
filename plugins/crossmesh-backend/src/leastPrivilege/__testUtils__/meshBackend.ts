import {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { crossmeshPlugin } from '../../plugin';

/** The test users and the groups they belong to. */
export const OWNERSHIP: Record<string, string[]> = {
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': ['group:default/platform-team'],
  // The second platform member that root rotations need (ADR 0026).
  'user:default/dave': ['group:default/platform-team'],
};
export const APPROVERS = 'group:default/platform-team';
const RECONCILE_TASK = 'crossmesh-reconcile-exposures';

/** A Component owned by team-b, with crossmesh's and the Kubernetes plugin's annotations. */
export function component(
  name: string,
  annotations: Record<string, string>,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/team-b', lifecycle: 'prod' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-b' }],
  };
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
  get(path: string): Promise<Answer>;
  post(path: string, body?: object): Promise<Answer>;
  put(path: string, body?: object): Promise<Answer>;
}

/**
 * The real crossmesh backend plugin over the given clusters: the catalog (in memory), who
 * users are, and the scheduler (passes run when the test triggers them) are stand-ins.
 * Every answer goes through `onAnswer`.
 */
export async function startMeshBackend(options: {
  kubernetes: object;
  crossmesh?: object;
  entities: Entity[];
  features?: any[];
  onAnswer?: (call: string, answer: Answer) => void;
}) {
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(o: { skipTaskRunOnStartup: boolean }): ServiceFactory;
    triggerTask(id: string): Promise<void>;
  };
  const backend = await startTestBackend({
    features: [
      crossmeshPlugin,
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({
        data: {
          kubernetes: options.kubernetes as any,
          crossmesh: {
            approvers: { groups: [APPROVERS] },
            clusterTimeoutSeconds: 5,
            reconcileIntervalSeconds: 3600,
            // Passes run when the test asks, or when a watch (on, under test) sees a change.
            reconcileOnChange: false,
            ...options.crossmesh,
          },
        },
      }),
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.userInfo.mock({
        getUserInfo: async (credentials: any) => {
          const userEntityRef = credentials.principal.userEntityRef;
          return {
            userEntityRef,
            ownershipEntityRefs: [
              userEntityRef,
              ...(OWNERSHIP[userEntityRef] ?? []),
            ],
          };
        },
      }).factory,
      ...(options.features ?? []),
    ],
  });

  const as = (user: string): Caller => {
    const send = async (
      method: 'get' | 'post' | 'put',
      path: string,
      body?: object,
    ): Promise<Answer> => {
      let req = request(backend.server)
        [method](`/api/crossmesh${path}`)
        .set('Authorization', mockCredentials.user.header(user));
      if (body !== undefined) req = req.send(body);
      const response = await req;
      const answer: Answer = {
        status: response.status,
        body: response.body,
        text: response.text ?? '',
        headers: response.headers as Record<string, string>,
      };
      options.onAnswer?.(`${method.toUpperCase()} ${path} as ${user}`, answer);
      return answer;
    };
    return {
      get: path => send('get', path),
      post: (path, body = {}) => send('post', path, body),
      put: (path, body = {}) => send('put', path, body),
    };
  };

  return {
    backend,
    as,
    /** One reconcile pass, as the scheduler would run it. */
    reconcile: () => scheduler.triggerTask(RECONCILE_TASK),
    stop: () => backend.stop(),
  };
}

/** @see startMeshBackend */
export type MeshBackend = Awaited<ReturnType<typeof startMeshBackend>>;

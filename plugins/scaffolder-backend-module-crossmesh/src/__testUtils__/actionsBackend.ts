import {
  createBackendPlugin,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  scaffolderActionsExtensionPoint,
  TemplateAction,
} from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
// The tests run the real crossmesh backend that the actions call.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import crossmeshBackend from '@crossmesh/backstage-plugin-crossmesh-backend';
import type { TestBed, TestCluster } from '@crossmesh/test-bed';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import scaffolderModule from '../module';

type Json = unknown;

/**
 * The platform team of these tests' backends, and Backstage's mock user (who runs tasks and
 * calls the API here unless a test says otherwise) made a member of it, so the routes that
 * change trust and clusters let it through.
 */
export const PLATFORM_TEAM = 'group:default/platform-team';
export const mockUserOnPlatformTeam = () =>
  mockServices.userInfo.mock({
    getUserInfo: async (credentials: any) => {
      const userEntityRef = credentials.principal.userEntityRef;
      return {
        userEntityRef,
        ownershipEntityRefs:
          userEntityRef === mockCredentials.user().principal.userEntityRef
            ? [userEntityRef, PLATFORM_TEAM]
            : [userEntityRef],
      };
    },
  }).factory;

/**
 * The real crossmesh backend and this module in one test backend. A stand-in scaffolder
 * plugin only collects the actions the module registers, so tests run them as the
 * scaffolder would, calling the backend through crossmeshServiceRef.
 */
export async function startActionsBackend(
  bed: TestBed,
  extra: { features?: any[]; crossmesh?: object } = {},
) {
  const actions = new Map<string, TemplateAction<any, any, any>>();
  const scaffolder = createBackendPlugin({
    pluginId: 'scaffolder',
    register(env) {
      env.registerExtensionPoint(scaffolderActionsExtensionPoint, {
        addActions(...added) {
          added.forEach(action => actions.set(action.id, action));
        },
      });
      env.registerInit({ deps: {}, async init() {} });
    },
  });
  const backend = await startTestBackend({
    features: [
      crossmeshBackend,
      scaffolder,
      scaffolderModule,
      mockServices.rootConfig.factory({
        data: {
          kubernetes: bed.kubernetesConfig() as any,
          crossmesh: {
            clusterTimeoutSeconds: 5,
            reconcileIntervalSeconds: 3600,
            platform: { groups: [PLATFORM_TEAM] },
            trust: {
              keyEncryptionSecret:
                'a-test-key-encryption-secret-of-enough-length',
              intermediateKeyType: 'ecdsa-p256',
            },
            ...extra.crossmesh,
          },
        },
      }),
      mockUserOnPlatformTeam(),
      ...(extra.features ?? []),
    ],
  });
  const { port } = backend.server.address() as AddressInfo;
  /** Calls the crossmesh backend's HTTP API as the mock user. */
  const call = async (
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: object,
  ) => {
    const response = await fetch(
      `http://localhost:${port}/api/crossmesh${path}`,
      {
        method,
        headers: body ? { 'Content-Type': 'application/json' } : {},
        body: body ? JSON.stringify(body) : undefined,
      },
    );
    return { status: response.status, body: await response.json() };
  };
  return { backend, actions, call };
}

/**
 * Checkpoints as the scaffolder keeps them for a task: a value is stored once its function
 * succeeded and returned on every later run; a failure stores nothing. `before` runs right
 * before a checkpoint's function.
 */
export function checkpointState(
  before?: (key: string) => Promise<void> | void,
) {
  const values = new Map<string, Json>();
  return {
    values,
    async checkpoint<T extends Json | void>(opts: {
      key: string;
      fn: () => Promise<T> | T;
    }): Promise<T> {
      if (values.has(opts.key)) {
        return values.get(opts.key) as T;
      }
      await before?.(opts.key);
      const value = await opts.fn();
      values.set(opts.key, (value ?? {}) as Json);
      return value;
    },
  };
}

/** Runs an action once as a task step would, collecting its log lines and outputs. */
export async function runAction(
  action: TemplateAction<any, any, any>,
  input: Record<string, Json>,
  options: {
    isDryRun?: boolean;
    checkpoints?: ReturnType<typeof checkpointState>;
    /** Who runs the task; the mock user by default. */
    user?: string;
  } = {},
) {
  const logger = mockServices.logger.mock();
  const base = createMockActionContext({
    input: input as any,
    logger: logger as unknown as LoggerService,
  });
  const checkpoints = options.checkpoints ?? checkpointState();
  const outputs: Record<string, Json> = {};
  const context = {
    ...base,
    isDryRun: options.isDryRun ?? false,
    checkpoint: checkpoints.checkpoint,
    ...(options.user
      ? {
          getInitiatorCredentials: async () =>
            mockCredentials.user(options.user),
        }
      : {}),
    output: (name: string, value: Json) => {
      outputs[name] = value;
    },
  };
  const lines = () =>
    (['info', 'warn', 'error'] as const).flatMap(level =>
      (logger[level] as jest.Mock).mock.calls.map(
        ([message]) => `${level}: ${message}`,
      ),
    );
  try {
    await action.handler(context as any);
    return { error: undefined, outputs, lines: lines() };
  } catch (error) {
    return { error: error as Error, outputs, lines: lines() };
  }
}

/**
 * Writes by user crossmesh the cluster's apiserver logged after `from` (a count of its
 * audit log's lines), leaving out the access and identity reviews preflight creates.
 */
export function crossmeshWrites(cluster: TestCluster, from = 0): string[] {
  return completeLines(cluster)
    .slice(from)
    .map(line => JSON.parse(line))
    .filter(
      event =>
        event.user?.username === 'crossmesh' &&
        !['authorization.k8s.io', 'authentication.k8s.io'].includes(
          event.objectRef?.apiGroup,
        ),
    )
    .map(
      event =>
        `${event.verb} ${event.objectRef?.resource} ${
          event.objectRef?.namespace ?? ''
        }/${event.objectRef?.name ?? ''}`,
    );
}

/** How many events the cluster's audit log holds now, to read only what comes after. */
export function auditLogOffset(cluster: TestCluster): number {
  return completeLines(cluster).length;
}

function completeLines(cluster: TestCluster): string[] {
  const lines = readFileSync(cluster.auditLogPath, 'utf8').split('\n');
  lines.pop(); // empty, or a line still being written
  return lines;
}

/** One request to the cluster's API server with its admin token, independent of crossmesh. */
export function adminRequest(
  cluster: TestCluster,
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, cluster.url),
      {
        method,
        ca: Buffer.from(cluster.caData, 'base64'),
        // Own connection: Backstage's jest setup swaps the global agent for one that refuses.
        agent: false,
        headers: {
          Authorization: `Bearer ${cluster.adminToken}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

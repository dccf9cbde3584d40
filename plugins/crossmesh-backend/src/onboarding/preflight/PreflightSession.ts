import type {
  AuthenticationV1Api,
  AuthorizationV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { retryWhileThrottled } from '../../clusters/retryWhileThrottled';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import {
  loadKubernetesModule,
  TimeoutError,
  withTimeout,
} from '../../clusters/kubernetesModule';
import {
  ClusterApis,
  KubernetesClients,
} from '../../clusters/KubernetesClients';

/**
 * The API clients one preflight uses.
 *
 * @internal
 */
export interface PreflightApis extends ClusterApis {
  version: VersionApi;
  authentication: AuthenticationV1Api;
  authorization: AuthorizationV1Api;
}

/**
 * One preflight run against one cluster: its clients, each request under a timeout, reads
 * shared between checks, and what earlier checks learnt.
 *
 * @internal
 */
export class PreflightSession {
  /** The user crossmesh signs in as, once the credentials check learnt it. */
  username?: string;
  /** Whether the API server answered a request with crossmesh's token. */
  tokenAccepted = false;
  private readonly reads = new Map<string, Promise<unknown>>();

  private constructor(
    readonly connection: ClusterConnection,
    readonly apis: PreflightApis,
    private readonly timeoutMs: number,
  ) {}

  static async open(
    clients: KubernetesClients,
    connection: ClusterConnection,
    timeoutMs: number,
  ): Promise<PreflightSession> {
    const k8s = await loadKubernetesModule();
    const apis = await clients.forCluster(connection);
    return new PreflightSession(
      connection,
      {
        ...apis,
        version: apis.kubeConfig.makeApiClient(k8s.VersionApi),
        authentication: apis.kubeConfig.makeApiClient(k8s.AuthenticationV1Api),
        authorization: apis.kubeConfig.makeApiClient(k8s.AuthorizationV1Api),
      },
      timeoutMs,
    );
  }

  /** Sends a request, giving up after the cluster timeout; asks again while the API server answers 429. */
  call<T>(request: () => Promise<T>): Promise<T> {
    return retryWhileThrottled(() =>
      withTimeout(
        request(),
        this.timeoutMs,
        `the API server at ${this.connection.url} did not answer within ${this.timeoutMs} ms`,
      ),
    );
  }

  /** Reads an object once per session; null when it does not exist. */
  read<T>(key: string, request: () => Promise<T>): Promise<T | null> {
    let read = this.reads.get(key) as Promise<T | null> | undefined;
    if (!read) {
      read = this.call(request).catch(error => {
        if (isNotFound(error)) return null;
        throw error;
      });
      this.reads.set(key, read);
    }
    return read;
  }

  describeError(error: unknown): string {
    if (error instanceof TimeoutError) {
      return error.message;
    }
    return describeKubernetesError(error, this.connection.url);
  }
}

import type { AppsV1Api, CoreV1Api, V1Secret } from '@kubernetes/client-node';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { CacertsFiles } from '../../pki';
import {
  CACERTS_SECRET_NAME,
  certificateFingerprint,
  CONTENT_DIGEST_ANNOTATION,
  contentDigest,
  encodeCacertsData,
  FIELD_MANAGER,
  INTERMEDIATE_FINGERPRINT_ANNOTATION,
  isManagedByCrossmesh,
  ISTIO_NAMESPACE,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  RESTART_PENDING_ANNOTATION,
  sameData,
} from './cacertsSecret';
import { checkCacertsFiles } from './checkCacertsFiles';
import {
  isConflict,
  loadKubernetesModule,
  TimeoutError,
  withTimeout,
} from '../../clusters/kubernetesModule';
import {
  CACERTS_CONSUMERS,
  restartDeployments,
  RestartError,
} from './restartDeployments';

/**
 * Optional context of {@link CacertsDistributor.distribute}.
 *
 * @internal
 */
export interface DistributeContext {
  /**
   * SHA-256 fingerprints of the mesh's roots; when given, files chaining to another
   * root are refused before the cluster is touched.
   */
  rootFingerprints?: string[];
  /** Time written to the pod templates' `restartedAt`; defaults to the current time. */
  now?: Date;
  /**
   * The Deployments to restart once the Secret changed; defaults to istiod and the ingress
   * gateway ({@link CACERTS_CONSUMERS}).
   */
  restart?: readonly string[];
}

/**
 * What {@link CacertsDistributor.distribute} did in one cluster.
 *
 * @internal
 */
export interface CacertsDistribution {
  cluster: string;
  /** The Secret's data (what Istio reads) differed from the files and was replaced. */
  changed: boolean;
  /** A write reached the API server: new data, or only crossmesh's labels and annotations. */
  secretWritten: boolean;
  /** Deployments in istio-system given a new `restartedAt`. */
  restarted: string[];
  /** Deployments that should have been restarted but do not exist. */
  missingDeployments: string[];
  /** Set when the distribution did not complete; the fields above say how far it got. */
  error?: string;
}

interface RestartPlan {
  now: Date;
  restart: readonly string[];
}

class ClearPendingError extends Error {
  constructor(override readonly cause: unknown) {
    super('clearing the restart-pending annotation failed');
  }
}

const LAST_APPLIED_ANNOTATION =
  'kubectl.kubernetes.io/last-applied-configuration';
const WRITE_ATTEMPTS = 3;

/**
 * Writes a cluster's `istio-system/cacerts` Secret and restarts what reads it onto it
 * (istiod, and the ingress gateway unless the caller says otherwise). Idempotent: when the Secret already holds exactly these files,
 * nothing is written and nothing restarted. Never throws; failures are in the result's
 * `error`, so one bad cluster does not hold back the others.
 *
 * @internal
 */
export class CacertsDistributor {
  constructor(
    private readonly clients: KubernetesClients,
    private readonly options: { timeoutMs?: number } = {},
  ) {}

  async distribute(
    connection: ClusterConnection,
    files: CacertsFiles,
    context: DistributeContext = {},
  ): Promise<CacertsDistribution> {
    const result: CacertsDistribution = {
      cluster: connection.name,
      changed: false,
      secretWritten: false,
      restarted: [],
      missingDeployments: [],
    };
    const now = context.now ?? new Date();

    const refusal = checkCacertsFiles(files, {
      rootFingerprints: context.rootFingerprints,
      now,
    });
    if (refusal) {
      return {
        ...result,
        error: `crossmesh did not touch cluster '${connection.name}': ${refusal}`,
      };
    }
    const authProblem = unsupportedAuthProblem(connection);
    if (authProblem) {
      return { ...result, error: authProblem };
    }

    const timeoutMs = this.options.timeoutMs ?? 30_000;
    const restart = context.restart ?? CACERTS_CONSUMERS;
    try {
      await withTimeout(
        this.apply(connection, files, { now, restart }, result),
        timeoutMs,
        `the API server at ${connection.url} did not finish within ${timeoutMs} ms; the next run checks and completes the distribution`,
      );
    } catch (error) {
      result.error = this.describe(error, connection, result);
    }
    // After a timeout the work may still go on; the caller gets what was known.
    return {
      ...result,
      restarted: [...result.restarted],
      missingDeployments: [...result.missingDeployments],
    };
  }

  /** Records progress in `result` as it goes, so a failure part-way reports what was done. */
  private async apply(
    connection: ClusterConnection,
    files: CacertsFiles,
    restarts: RestartPlan,
    result: CacertsDistribution,
  ): Promise<void> {
    const { core, apps } = await this.clients.forCluster(connection);
    const data = encodeCacertsData(files);
    const annotations = {
      [INTERMEDIATE_FINGERPRINT_ANNOTATION]:
        certificateFingerprint(files['ca-cert.pem']) ?? '',
      [CONTENT_DIGEST_ANNOTATION]: contentDigest(
        files as unknown as Record<string, string>,
      ),
    };

    let written: V1Secret | undefined;
    for (let attempt = 1; !written; attempt++) {
      const existing = await readSecret(core);
      const dataMatches = !!existing && sameData(existing.data, data);
      const restartPending =
        !!existing?.metadata?.annotations?.[RESTART_PENDING_ANNOTATION];
      if (
        existing &&
        dataMatches &&
        isManagedByCrossmesh(existing) &&
        (existing.type ?? 'Opaque') === 'Opaque' &&
        Object.entries(annotations).every(
          ([key, value]) => existing.metadata?.annotations?.[key] === value,
        )
      ) {
        if (restartPending) {
          // An earlier run wrote the Secret but did not get to restart.
          await this.restart(core, apps, existing, restarts, result);
        }
        return;
      }

      const desired = desiredSecret(existing, data, {
        ...annotations,
        ...(!dataMatches || restartPending
          ? { [RESTART_PENDING_ANNOTATION]: 'true' }
          : {}),
      });
      try {
        written = await writeSecret(core, existing, desired);
      } catch (error) {
        if (
          attempt < WRITE_ATTEMPTS &&
          (isConflict(error) || isNotFound(error))
        ) {
          continue; // someone else wrote or deleted it meanwhile; read again
        }
        throw error;
      }
      result.secretWritten = true;
      result.changed = !dataMatches;
    }

    if (written.metadata?.annotations?.[RESTART_PENDING_ANNOTATION]) {
      await this.restart(core, apps, written, restarts, result);
    }
  }

  private async restart(
    core: CoreV1Api,
    apps: AppsV1Api,
    secret: V1Secret,
    { now, restart }: RestartPlan,
    result: CacertsDistribution,
  ): Promise<void> {
    await restartDeployments(apps, restart, now, {
      restarted: result.restarted,
      missing: result.missingDeployments,
    });
    try {
      await clearRestartPending(core, secret);
    } catch (error) {
      throw new ClearPendingError(error);
    }
  }

  private describe(
    error: unknown,
    connection: ClusterConnection,
    result: CacertsDistribution,
  ): string {
    if (error instanceof TimeoutError) {
      return error.message;
    }
    if (error instanceof RestartError) {
      return `cacerts was written to cluster '${
        connection.name
      }' but restarting ${
        error.deployment
      } failed, so Istio still uses the old certificates: ${describeKubernetesError(
        error.cause,
        connection.url,
      )}; the next run retries the restart`;
    }
    if (error instanceof ClearPendingError) {
      return `cacerts was written to cluster '${
        connection.name
      }' and ${result.restarted.join(
        ' and ',
      )} restarted, but crossmesh could not clear its ${RESTART_PENDING_ANNOTATION} annotation, so the next run restarts them once more: ${describeKubernetesError(
        error.cause,
        connection.url,
      )}`;
    }
    const done = result.secretWritten
      ? `cacerts was written but nothing was restarted onto it`
      : `cacerts was not written`;
    return `${done} in cluster '${connection.name}': ${describeKubernetesError(
      error,
      connection.url,
    )}`;
  }
}

async function readSecret(core: CoreV1Api): Promise<V1Secret | undefined> {
  try {
    return await core.readNamespacedSecret({
      name: CACERTS_SECRET_NAME,
      namespace: ISTIO_NAMESPACE,
    });
  } catch (error) {
    if (isNotFound(error)) {
      return undefined;
    }
    throw error;
  }
}

/**
 * The whole Secret as crossmesh wants it. Other parties' labels and annotations are
 * kept, except kubectl's last-applied-configuration, which would hold a copy of the
 * replaced data, private key included.
 */
function desiredSecret(
  existing: V1Secret | undefined,
  data: Record<string, string>,
  annotations: Record<string, string>,
): V1Secret {
  const keptAnnotations = { ...existing?.metadata?.annotations };
  delete keptAnnotations[LAST_APPLIED_ANNOTATION];
  delete keptAnnotations[RESTART_PENDING_ANNOTATION];
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: CACERTS_SECRET_NAME,
      namespace: ISTIO_NAMESPACE,
      labels: {
        ...existing?.metadata?.labels,
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
      },
      annotations: { ...keptAnnotations, ...annotations },
    },
    type: 'Opaque',
    data,
  };
}

/**
 * Creates the Secret or replaces it whole (so keys other than the four do not survive,
 * which a server-side apply would leave to their owners), guarded by resourceVersion.
 */
async function writeSecret(
  core: CoreV1Api,
  existing: V1Secret | undefined,
  desired: V1Secret,
): Promise<V1Secret> {
  const namespace = ISTIO_NAMESPACE;
  const name = CACERTS_SECRET_NAME;
  const mustRecreate =
    !!existing &&
    ((existing.type ?? 'Opaque') !== 'Opaque' || !!existing.immutable);
  if (mustRecreate) {
    // A Secret's type cannot change and an immutable one cannot be updated, so it is
    // deleted and created again. istiod and the gateway are restarted right after;
    // only one of them starting in that instant would miss the Secret.
    await core.deleteNamespacedSecret({
      name,
      namespace,
      body: {
        preconditions: { resourceVersion: existing!.metadata?.resourceVersion },
      },
    });
  }
  if (!existing || mustRecreate) {
    return core.createNamespacedSecret({
      namespace,
      body: desired,
      fieldManager: FIELD_MANAGER,
    });
  }
  return core.replaceNamespacedSecret({
    name,
    namespace,
    fieldManager: FIELD_MANAGER,
    body: {
      ...desired,
      metadata: {
        ...desired.metadata,
        resourceVersion: existing.metadata?.resourceVersion,
      },
    },
  });
}

/**
 * A conflict means someone changed the Secret meanwhile; the next run looks at it
 * again anyway, so the mark may stay.
 */
async function clearRestartPending(
  core: CoreV1Api,
  secret: V1Secret,
): Promise<void> {
  const { PatchStrategy, setHeaderOptions } = await loadKubernetesModule();
  try {
    await core.patchNamespacedSecret(
      {
        name: CACERTS_SECRET_NAME,
        namespace: ISTIO_NAMESPACE,
        fieldManager: FIELD_MANAGER,
        body: {
          metadata: {
            resourceVersion: secret.metadata?.resourceVersion,
            annotations: { [RESTART_PENDING_ANNOTATION]: null },
          },
        },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
  } catch (error) {
    if (!isConflict(error) && !isNotFound(error)) {
      throw error;
    }
  }
}

import type { V1Secret } from '@kubernetes/client-node';
import { parse, stringify } from 'yaml';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../clusters/ownership';

/**
 * The ServiceAccount istiod of the other clusters reads a cluster as, from
 * `deploy/istio-reader.yaml`.
 *
 * @internal
 */
export const READER = {
  namespace: 'crossmesh-system',
  serviceAccount: 'crossmesh-istio-reader',
} as const;

/** Where istiod looks for remote secrets: its own namespace. @internal */
export const REMOTE_SECRET_NAMESPACE = 'istio-system';
/** The label istiod selects remote secrets by. @internal */
export const MULTICLUSTER_LABEL = 'istio/multiCluster';
/** istioctl's annotation naming the cluster a remote secret reads. @internal */
export const CLUSTER_ANNOTATION = 'networking.istio.io/cluster';
/** @internal */
export const EXPIRES_AT_ANNOTATION = 'crossmesh.io/token-expires-at';
/** @internal */
export const RENEWED_AT_ANNOTATION = 'crossmesh.io/renewed-at';

/**
 * `istio-remote-secret-<cluster>`, the name `istioctl create-remote-secret` gives it, so
 * that a hand-made secret for the same cluster is found instead of doubled.
 *
 * @internal
 */
export function remoteSecretName(remoteCluster: string): string {
  return `istio-remote-secret-${remoteCluster}`;
}

/** The cluster a remote secret lets istiod read, and how istiod reaches it. @internal */
export interface RemoteCluster {
  name: string;
  url: string;
  /** Base64 PEM of the API server's CA, as in the Kubernetes plugin's `caData`. */
  caData?: string;
  skipTLSVerify?: boolean;
}

/** A token of the reader, from a TokenRequest. @internal */
export interface ReaderToken {
  token: string;
  expiresAt: Date;
}

/**
 * The Secret istiod turns into a remote cluster of its registry: one kubeconfig, under the
 * remote cluster's name as its key, that reads the remote cluster as the reader.
 *
 * @internal
 */
export function renderRemoteSecret(
  remote: RemoteCluster,
  token: ReaderToken,
  renewedAt: Date,
): V1Secret {
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: remote.name,
        cluster: {
          server: remote.url,
          ...(remote.caData
            ? { 'certificate-authority-data': remote.caData }
            : {}),
          ...(remote.skipTLSVerify ? { 'insecure-skip-tls-verify': true } : {}),
        },
      },
    ],
    users: [{ name: remote.name, user: { token: token.token } }],
    contexts: [
      {
        name: remote.name,
        context: { cluster: remote.name, user: remote.name },
      },
    ],
    'current-context': remote.name,
  };
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'Opaque',
    metadata: {
      name: remoteSecretName(remote.name),
      namespace: REMOTE_SECRET_NAMESPACE,
      labels: {
        [MULTICLUSTER_LABEL]: 'true',
        [MANAGED_BY_LABEL]: MANAGED_BY_VALUE,
      },
      annotations: {
        [CLUSTER_ANNOTATION]: remote.name,
        [EXPIRES_AT_ANNOTATION]: token.expiresAt.toISOString(),
        [RENEWED_AT_ANNOTATION]: renewedAt.toISOString(),
      },
    },
    data: {
      [remote.name]: Buffer.from(stringify(kubeconfig), 'utf8').toString(
        'base64',
      ),
    },
  };
}

/**
 * What a pass does with the remote secret one cluster holds for another:
 *
 * - `write`: there is none, or crossmesh's is past half its token's life, or reads another
 *   address or CA than the remote cluster has now;
 * - `keep`: crossmesh's is fresh;
 * - `foreign`: one of that name that crossmesh did not write, left alone.
 *
 * @internal
 */
export type RemoteSecretAction =
  | { action: 'write'; reason: string }
  | { action: 'keep'; expiresAt: Date; renewedAt?: Date }
  | { action: 'foreign' };

/**
 * Decides {@link RemoteSecretAction} from the secret as read (`undefined` when absent).
 * Tokens are renewed once half their life has passed, so a renewal that fails has the
 * other half to be retried in.
 *
 * @internal
 */
export function remoteSecretAction(
  existing: V1Secret | undefined,
  remote: RemoteCluster,
  options: { now: Date; tokenLifetimeMs: number },
): RemoteSecretAction {
  if (!existing) {
    return { action: 'write', reason: 'none yet' };
  }
  const { labels = {}, annotations = {} } = existing.metadata ?? {};
  if (labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
    return { action: 'foreign' };
  }
  const expiresAt = new Date(annotations[EXPIRES_AT_ANNOTATION] ?? '');
  if (Number.isNaN(expiresAt.getTime())) {
    return { action: 'write', reason: 'its expiry is not recorded' };
  }
  const remaining = expiresAt.getTime() - options.now.getTime();
  if (remaining < options.tokenLifetimeMs / 2) {
    return {
      action: 'write',
      reason: `its token expires at ${expiresAt.toISOString()}`,
    };
  }
  const server = readKubeconfigCluster(existing, remote.name);
  if (server?.server !== remote.url) {
    return { action: 'write', reason: `the API server is now ${remote.url}` };
  }
  if ((server['certificate-authority-data'] ?? undefined) !== remote.caData) {
    return { action: 'write', reason: "the API server's CA changed" };
  }
  const renewedAt = new Date(annotations[RENEWED_AT_ANNOTATION] ?? '');
  return {
    action: 'keep',
    expiresAt,
    ...(Number.isNaN(renewedAt.getTime()) ? {} : { renewedAt }),
  };
}

function readKubeconfigCluster(
  secret: V1Secret,
  clusterName: string,
): Record<string, string | undefined> | undefined {
  const encoded = secret.data?.[clusterName];
  if (!encoded) return undefined;
  try {
    const parsed = parse(Buffer.from(encoded, 'base64').toString('utf8'));
    return parsed?.clusters?.find(
      (c: { name?: string }) => c?.name === clusterName,
    )?.cluster;
  } catch {
    return undefined;
  }
}

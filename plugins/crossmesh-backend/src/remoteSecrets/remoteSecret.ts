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
/** The anchor (see {@link tokenAnchorName}) the secret's token is bound to. @internal */
export const TOKEN_ANCHOR_ANNOTATION = 'crossmesh.io/token-anchor';
/** The anchor of the token this secret replaced, until crossmesh revokes it. @internal */
export const SUPERSEDED_ANCHOR_ANNOTATION =
  'crossmesh.io/superseded-token-anchor';

/**
 * How long a replaced token stays valid after its successor was written: istiod builds
 * the remote cluster anew from the renewed secret within seconds, and reads with the old
 * token until it has.
 *
 * @internal
 */
export const REVOKE_GRACE_MS = 5 * 60 * 1000;

/**
 * The Secret, in the remote cluster's `crossmesh-system`, that the reader's tokens held by
 * `holder` are bound to (TokenRequest's boundObjectRef): deleting it makes the API server
 * refuse them at once. Each pair alternates between two, so that the token in use and the
 * one it replaces are bound to different anchors.
 *
 * @internal
 */
export function tokenAnchorName(holder: string, generation: 'a' | 'b'): string {
  return `${READER.serviceAccount}-for-${holder}-${generation}`;
}

/** The anchor a renewed token of `holder`'s pair is bound to: not the current one. @internal */
export function nextTokenAnchor(holder: string, current?: string): string {
  return current === tokenAnchorName(holder, 'a')
    ? tokenAnchorName(holder, 'b')
    : tokenAnchorName(holder, 'a');
}

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

/** A token of the reader, from a TokenRequest bound to `anchor`. @internal */
export interface ReaderToken {
  token: string;
  expiresAt: Date;
  anchor: string;
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
  supersededAnchor?: string,
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
        [TOKEN_ANCHOR_ANNOTATION]: token.anchor,
        ...(supersededAnchor && supersededAnchor !== token.anchor
          ? { [SUPERSEDED_ANCHOR_ANNOTATION]: supersededAnchor }
          : {}),
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
 * - `keep`: crossmesh's is fresh; `revoke` names the anchor of the token it replaced, once
 *   {@link REVOKE_GRACE_MS} has passed since;
 * - `foreign`: one of that name that crossmesh did not write, left alone.
 *
 * @internal
 */
export type RemoteSecretAction =
  | { action: 'write'; reason: string }
  | { action: 'keep'; expiresAt: Date; renewedAt?: Date; revoke?: string }
  | { action: 'foreign' };

/**
 * Decides {@link RemoteSecretAction} from the secret as read (`undefined` when absent).
 * Tokens are renewed once half their life has passed, so a renewal that fails has the
 * other half to be retried in. The life is the one the API server granted (from the renewal
 * to the expiry), which may be shorter than the one asked for
 * (`--service-account-max-token-expiration`); `tokenLifetimeMs` stands in for it only where
 * the renewal time is not recorded.
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
  const renewedAt = new Date(annotations[RENEWED_AT_ANNOTATION] ?? '');
  const life = Number.isNaN(renewedAt.getTime())
    ? options.tokenLifetimeMs
    : expiresAt.getTime() - renewedAt.getTime();
  const remaining = expiresAt.getTime() - options.now.getTime();
  if (remaining < life / 2) {
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
  const superseded = annotations[SUPERSEDED_ANCHOR_ANNOTATION];
  const graceOver =
    Number.isNaN(renewedAt.getTime()) ||
    options.now.getTime() - renewedAt.getTime() >= REVOKE_GRACE_MS;
  return {
    action: 'keep',
    expiresAt,
    ...(Number.isNaN(renewedAt.getTime()) ? {} : { renewedAt }),
    ...(superseded && graceOver ? { revoke: superseded } : {}),
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

import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import fs from 'node:fs';
import type { AuditLog } from '../audit';
import type { ClusterConnection } from '../clusters/clusterConnections';
import type { KubernetesClients } from '../clusters/KubernetesClients';
import {
  describeKubernetesError,
  isNotFound,
} from '../clusters/kubernetesErrors';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE } from '../clusters/ownership';
import type { RemoteSecretState } from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  issueReaderToken,
  ReaderTokenError,
  revokeReaderTokens,
} from './readerTokens';
import {
  EXPIRES_AT_ANNOTATION,
  RemoteCluster,
  remoteSecretAction,
  remoteSecretName,
  REMOTE_SECRET_NAMESPACE,
  RENEWED_AT_ANNOTATION,
  renderRemoteSecret,
  SUPERSEDED_ANCHOR_ANNOTATION,
  TOKEN_ANCHOR_ANNOTATION,
  tokenAnchorName,
} from './remoteSecret';

function stateOf(
  existing: V1Secret | undefined,
  decision: ReturnType<typeof remoteSecretAction>,
): RemoteSecretState['state'] {
  if (!existing) return 'missing';
  if (decision.action === 'keep') return 'fresh';
  return decision.action === 'foreign' ? 'foreign' : 'due';
}

/**
 * What one pass did with the remote secret `cluster` holds for `remoteCluster`.
 *
 * @internal
 */
export interface RemoteSecretReport {
  /** Where the secret lives: its istiod reads `remoteCluster` with it. */
  cluster: string;
  remoteCluster: string;
  /** `revoked`: kept, and the token it replaced is refused from now on. */
  outcome: 'written' | 'kept' | 'revoked' | 'removed' | 'foreign' | 'failed';
  /** Why it was written, or what was wrong. */
  detail?: string;
  expiresAt?: string;
  renewedAt?: string;
}

/** @internal */
export interface RemoteSecretSyncOptions {
  clients: KubernetesClients;
  connections: ClusterConnection[];
  /** The clusters that are members of the mesh now. */
  members: () => Promise<string[]>;
  audit: AuditLog;
  tokenLifetimeSeconds: number;
  now?: () => Date;
}

/** The audit actions of remote-secret writes, removals and failures. @internal */
export const REMOTE_SECRET_ACTIONS = {
  written: 'remote-secret.written',
  revoked: 'remote-secret.token-revoked',
  removed: 'remote-secret.removed',
  failed: 'remote-secret.failed',
} as const;

/**
 * Keeps, in every member cluster's istio-system, a remote secret for every other member:
 * a kubeconfig with a short-lived token of the other cluster's reader (TokenRequest, one
 * per pair, bound to an anchor Secret), renewed once half its life has passed; the token it
 * replaced is revoked a grace period later. Secrets crossmesh wrote for clusters that are no
 * longer members are removed; secrets it did not write are left alone and reported.
 *
 * @internal
 */
export class RemoteSecretSync {
  private readonly now: () => Date;

  constructor(private readonly options: RemoteSecretSyncOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * One pass over every pair of configured clusters; each write is audited. Passes of this
   * instance run one after another (across replicas, the scheduler's task lock does that).
   */
  sync(actor: string): Promise<RemoteSecretReport[]> {
    const pass = this.previous.then(() => this.pass(actor));
    this.previous = pass.catch(() => undefined);
    return pass;
  }

  private previous: Promise<unknown> = Promise.resolve();

  /** Resolves once the passes asked for so far have ended. */
  async settled(): Promise<void> {
    await this.previous;
  }

  /**
   * What every member holds for every other member now, read and judged as a pass would,
   * writing nothing.
   */
  async inspect(): Promise<RemoteSecretState[]> {
    const memberNames = new Set(await this.options.members());
    const members = this.options.connections.filter(c =>
      memberNames.has(c.name),
    );
    const now = this.now();
    return Promise.all(
      members.flatMap(holder =>
        members
          .filter(remote => remote.name !== holder.name)
          .map(async (remote): Promise<RemoteSecretState> => {
            const pair = { cluster: holder.name, remoteCluster: remote.name };
            try {
              const { core } = await this.options.clients.forCluster(holder);
              const existing = await readSecret(
                core,
                remoteSecretName(remote.name),
              );
              const decision = remoteSecretAction(
                existing,
                remoteClusterOf(remote),
                {
                  now,
                  tokenLifetimeMs: this.options.tokenLifetimeSeconds * 1000,
                },
              );
              const annotations = existing?.metadata?.annotations ?? {};
              return {
                ...pair,
                state: stateOf(existing, decision),
                expiresAt: annotations[EXPIRES_AT_ANNOTATION] ?? null,
                renewedAt: annotations[RENEWED_AT_ANNOTATION] ?? null,
                detail: decision.action === 'write' ? decision.reason : null,
              };
            } catch (error) {
              return {
                ...pair,
                state: 'unreadable',
                expiresAt: null,
                renewedAt: null,
                detail: describeKubernetesError(error, holder.url),
              };
            }
          }),
      ),
    );
  }

  private async pass(actor: string): Promise<RemoteSecretReport[]> {
    const memberNames = new Set(await this.options.members());
    const { connections } = this.options;
    const members = connections.filter(c => memberNames.has(c.name));

    const reports = await Promise.all(
      members.flatMap(holder =>
        connections
          .filter(remote => remote.name !== holder.name)
          .map(remote =>
            memberNames.has(remote.name)
              ? this.keepFresh(holder, remote, actor)
              : this.removeFormer(holder, remote, actor),
          ),
      ),
    );
    return reports.filter((r): r is RemoteSecretReport => r !== undefined);
  }

  private async keepFresh(
    holder: ClusterConnection,
    remote: ClusterConnection,
    actor: string,
  ): Promise<RemoteSecretReport> {
    const pair = { cluster: holder.name, remoteCluster: remote.name };
    try {
      const { core } = await this.options.clients.forCluster(holder);
      const existing = await readSecret(core, remoteSecretName(remote.name));
      const target = remoteClusterOf(remote);
      const now = this.now();
      const decision = remoteSecretAction(existing, target, {
        now,
        tokenLifetimeMs: this.options.tokenLifetimeSeconds * 1000,
      });
      if (decision.action === 'foreign') {
        return {
          ...pair,
          outcome: 'foreign',
          detail: `istio-system/${remoteSecretName(remote.name)} in ${
            holder.name
          } was not written by crossmesh, which leaves it alone; delete it (kubectl -n istio-system delete secret ${remoteSecretName(
            remote.name,
          )}) for crossmesh to keep a short-lived one there instead`,
        };
      }
      if (decision.action === 'keep') {
        const kept = {
          ...pair,
          expiresAt: decision.expiresAt.toISOString(),
          renewedAt: decision.renewedAt?.toISOString(),
        };
        if (!decision.revoke) return { ...kept, outcome: 'kept' };
        await this.revokeSuperseded(holder, remote, existing!, actor);
        return { ...kept, outcome: 'revoked' };
      }
      const remoteCore = (await this.options.clients.forCluster(remote)).core;
      const currentAnchor = managedAnnotation(
        existing,
        TOKEN_ANCHOR_ANNOTATION,
      );
      const token = await issueReaderToken(
        remoteCore,
        remote,
        holder.name,
        currentAnchor,
        this.options.tokenLifetimeSeconds,
      );
      const secret = renderRemoteSecret(target, token, now, currentAnchor);
      try {
        if (existing) {
          secret.metadata!.resourceVersion = existing.metadata?.resourceVersion;
          await core.replaceNamespacedSecret({
            name: secret.metadata!.name!,
            namespace: REMOTE_SECRET_NAMESPACE,
            body: secret,
          });
        } else {
          await core.createNamespacedSecret({
            namespace: REMOTE_SECRET_NAMESPACE,
            body: secret,
          });
        }
      } catch (error) {
        // The new token reached no one: refuse it now rather than when it expires. The
        // token in use is bound to the other anchor and stays valid. Should this fail too,
        // the next run deletes the same anchor before it issues another token.
        await revokeReaderTokens(remoteCore, remote, token.anchor).catch(
          () => undefined,
        );
        throw error;
      }
      const expiresAt = token.expiresAt.toISOString();
      await this.options.audit.append({
        actor,
        action: REMOTE_SECRET_ACTIONS.written,
        clusterName: holder.name,
        details: {
          remoteCluster: remote.name,
          secret: `${REMOTE_SECRET_NAMESPACE}/${secret.metadata!.name}`,
          reason: decision.reason,
          tokenExpiresAt: expiresAt,
        },
      });
      return {
        ...pair,
        outcome: 'written',
        detail: decision.reason,
        expiresAt,
        renewedAt: now.toISOString(),
      };
    } catch (error) {
      return this.failed(pair, error, holder, actor);
    }
  }

  private async removeFormer(
    holder: ClusterConnection,
    former: ClusterConnection,
    actor: string,
  ): Promise<RemoteSecretReport | undefined> {
    const pair = { cluster: holder.name, remoteCluster: former.name };
    const name = remoteSecretName(former.name);
    try {
      const { core } = await this.options.clients.forCluster(holder);
      const existing = await readSecret(core, name);
      if (existing?.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) {
        return undefined;
      }
      await core.deleteNamespacedSecret({
        name,
        namespace: REMOTE_SECRET_NAMESPACE,
      });
      // The former member may still hold tokens of this cluster's reader: refuse them.
      for (const generation of ['a', 'b'] as const) {
        await revokeReaderTokens(
          core,
          holder,
          tokenAnchorName(former.name, generation),
        );
      }
      await this.options.audit.append({
        actor,
        action: REMOTE_SECRET_ACTIONS.removed,
        clusterName: holder.name,
        details: {
          remoteCluster: former.name,
          secret: `${REMOTE_SECRET_NAMESPACE}/${name}`,
          reason: `${former.name} is not a member of the mesh`,
        },
      });
      return { ...pair, outcome: 'removed' };
    } catch (error) {
      return this.failed(pair, error, holder, actor);
    }
  }

  /**
   * Revokes the token `existing` replaced, now that its grace has passed, and forgets it
   * in the secret (istiod ignores the change: the kubeconfig is the same).
   */
  private async revokeSuperseded(
    holder: ClusterConnection,
    remote: ClusterConnection,
    existing: V1Secret,
    actor: string,
  ): Promise<void> {
    const anchor =
      existing.metadata!.annotations![SUPERSEDED_ANCHOR_ANNOTATION];
    const remoteCore = (await this.options.clients.forCluster(remote)).core;
    await revokeReaderTokens(remoteCore, remote, anchor);
    const { core } = await this.options.clients.forCluster(holder);
    const annotations = { ...existing.metadata!.annotations };
    delete annotations[SUPERSEDED_ANCHOR_ANNOTATION];
    await core.replaceNamespacedSecret({
      name: existing.metadata!.name!,
      namespace: REMOTE_SECRET_NAMESPACE,
      body: { ...existing, metadata: { ...existing.metadata, annotations } },
    });
    await this.options.audit.append({
      actor,
      action: REMOTE_SECRET_ACTIONS.revoked,
      clusterName: holder.name,
      details: {
        remoteCluster: remote.name,
        anchor: `${remote.name}: ${anchor}`,
        reason: 'its successor has been in place for the grace period',
      },
    });
  }

  private async failed(
    pair: { cluster: string; remoteCluster: string },
    error: unknown,
    holder: ClusterConnection,
    actor: string,
  ): Promise<RemoteSecretReport> {
    const detail =
      error instanceof ReaderTokenError
        ? error.message
        : describeKubernetesError(error, holder.url);
    await this.options.audit
      .append({
        actor,
        action: REMOTE_SECRET_ACTIONS.failed,
        clusterName: pair.cluster,
        details: { remoteCluster: pair.remoteCluster, error: detail },
      })
      .catch(() => undefined);
    return { ...pair, outcome: 'failed', detail };
  }
}

async function readSecret(
  core: CoreV1Api,
  name: string,
): Promise<V1Secret | undefined> {
  try {
    return await core.readNamespacedSecret({
      name,
      namespace: REMOTE_SECRET_NAMESPACE,
    });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function managedAnnotation(
  secret: V1Secret | undefined,
  key: string,
): string | undefined {
  return secret?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY_VALUE
    ? secret.metadata.annotations?.[key]
    : undefined;
}

function remoteClusterOf(connection: ClusterConnection): RemoteCluster {
  const caData =
    connection.caData ??
    (connection.caFile
      ? fs.readFileSync(connection.caFile).toString('base64')
      : undefined);
  return {
    name: connection.name,
    url: connection.url,
    caData,
    skipTLSVerify: connection.skipTLSVerify,
  };
}

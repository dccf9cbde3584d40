import { createHash } from 'node:crypto';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { describeKubernetesError } from '../../clusters/kubernetesErrors';
import type { KubeObject, ObservedKubeObject } from '../render/types';
import { describeStop, send } from './apiRequests';
import {
  ClusterConvergence,
  emptyConvergence,
  PendingDelivery,
} from './ClusterExposureApplier';
import { checkDesired } from './istioObjects';
import { planClusterChanges } from './plan';
import { customObjectsApi, readManagedObjects } from './readManagedObjects';
import type { ClusterDelivery } from '../delivery/deliverySettings';
import type { FolderChange, PullRequest } from '../delivery/GiteaRepository';
import {
  AffectedRequests,
  describeDrift,
  describeNotLive,
  requestsOfFileChanges,
  requestsOfObjects,
} from '../delivery/gitProgress';
import { readGitTree, renderGitTree, treeChanges } from '../delivery/gitTree';
import { FluxKustomization, judgeFlux } from '../delivery/fluxStatus';
import { isForgeError } from '../delivery/forgeErrors';

type GitDelivery = Extract<ClusterDelivery, { mode: 'git' }>;

/**
 * The key of {@link ClusterConvergence.pending} for what holds back every request.
 *
 * @internal
 */
export const ALL_REQUESTS = '*';

/** What a Git delivery needs of a forge: Gitea today, GitHub and GitLab the same way. */
export interface GitForge {
  readFolder(
    branch: string,
    folder: string,
  ): Promise<Map<string, { content: string; sha: string }>>;
  propose(folder: string, change: FolderChange): Promise<PullRequest>;
  merge(number: number): Promise<PullRequest>;
  headCommit(branch: string): Promise<string>;
  closeSuperseded(
    base: string,
    headPrefix: string,
    keep: PullRequest,
  ): Promise<number[]>;
}

/**
 * The words of a pull request, made from the requests its change carries.
 *
 * @internal
 */
export type PullRequestText = (change: {
  cluster: string;
  path: string;
  requests: AffectedRequests;
  write: ReadonlyArray<{ file: string; content: string }>;
  remove: ReadonlyArray<string>;
}) => { title: string; body: string };

function shortHash(files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const [file, content] of [...files].sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    hash.update(`${file}\0${content}\0`);
  }
  return hash.digest('hex').slice(0, 12);
}

function branchPrefix(cluster: string): string {
  return `crossmesh/${cluster}/`;
}

/**
 * The branch of one change: the same change of the same folder always gets the same name,
 * so a replica proposing it again (or after a crash) finds what was made, and a folder that
 * moved on meanwhile gets a new one.
 *
 * @internal
 */
export function changeBranch(
  cluster: string,
  current: ReadonlyMap<string, string>,
  desired: ReadonlyMap<string, string>,
): string {
  return `${branchPrefix(cluster)}${shortHash(current)}-${shortHash(desired)}`;
}

/**
 * Delivers a cluster's objects through Git: it never writes them to the cluster. The
 * cluster's folder in the repository is compared with what crossmesh wants there; a
 * difference becomes a pull request (merged by crossmesh when so configured), and once Git
 * holds it, the cluster is read until Flux or Argo CD has made it live. What the cluster
 * holds apart from Git is reported, not repaired: Git is the truth in this mode.
 *
 * @internal
 */
export class GitClusterDelivery {
  constructor(
    private readonly options: {
      clients: KubernetesClients;
      forge: (delivery: GitDelivery) => GitForge;
      /** How long one request to the API server may take; default 30 s. */
      timeoutMs?: number;
    },
  ) {}

  async converge(
    connection: ClusterConnection,
    delivery: GitDelivery,
    desired: KubeObject[],
    observed: ObservedKubeObject[] | undefined,
    text: PullRequestText,
  ): Promise<ClusterConvergence> {
    const result: ClusterConvergence = {
      ...emptyConvergence(connection.name),
      pending: new Map(),
    };
    const problems: string[] = [];
    const { objects } = checkDesired(desired, problems);
    try {
      const { step, held } = await this.throughGit(
        connection.name,
        delivery,
        objects,
        text,
      );
      result.pending = step ?? new Map();
      const authProblem = unsupportedAuthProblem(connection);
      if (authProblem && !step) return { ...result, error: authProblem };
      if (!authProblem) {
        // Requests outside Git's change on its way may still be syncing, or have drifted.
        const live = await this.live(
          connection,
          delivery,
          { objects: held, observed },
          result,
        );
        result.pending = new Map([...live, ...(step ?? [])]);
      }
    } catch (error) {
      problems.unshift(
        isForgeError(error) ? error.message : describeStop(error, connection),
      );
    }
    if (problems.length > 0) {
      result.error = `cluster '${connection.name}': ${problems.join('; ')}`;
    }
    return result;
  }

  /**
   * Proposes what Git lacks, and says which requests wait on it (no `step` when the folder
   * already holds what crossmesh wants); `held` is what Git holds, for the cluster to be
   * compared with.
   */
  private async throughGit(
    cluster: string,
    delivery: GitDelivery,
    objects: KubeObject[],
    text: PullRequestText,
  ): Promise<{ step?: Map<string, PendingDelivery>; held: KubeObject[] }> {
    const forge = this.options.forge(delivery);
    const desired = renderGitTree(objects);
    const current = new Map(
      [...(await forge.readFolder(delivery.branch, delivery.path))].map(
        ([file, { content }]) => [file, content],
      ),
    );
    const { write, remove } = treeChanges(current, desired);
    if (write.length === 0 && remove.length === 0) return { held: objects };
    // Nothing wanted and no folder yet: an empty kustomization is no change worth a review.
    if (current.size === 0 && objects.length === 0) return { held: objects };
    const held = readGitTree(current);

    const requests = requestsOfFileChanges(current, desired);
    const { title, body } = text({
      cluster,
      path: delivery.path,
      requests,
      write,
      remove,
    });
    let pullRequest = await forge.propose(delivery.path, {
      base: delivery.branch,
      head: changeBranch(cluster, current, desired),
      write,
      remove,
      title,
      body,
    });
    if (pullRequest.state === 'open') {
      await forge.closeSuperseded(
        delivery.branch,
        branchPrefix(cluster),
        pullRequest,
      );
    }
    if (pullRequest.state === 'closed') {
      // The reviewers refused these requests' change: theirs alone, not the cluster's.
      const step = byRequest(requests, {
        step: 'refused',
        pullRequest,
        detail: `pull request #${pullRequest.number} (${pullRequest.url}) was closed without being merged, so its change is not in Git; reopen and merge it, or revoke the request`,
      });
      return { step, held };
    }
    if (pullRequest.state === 'open' && delivery.merge === 'auto') {
      pullRequest = await forge.merge(pullRequest.number);
    }
    const pending: PendingDelivery =
      pullRequest.state === 'open'
        ? {
            step: 'waiting-for-merge',
            pullRequest,
            detail: `waiting for pull request #${pullRequest.number} to be merged`,
          }
        : {
            step: 'syncing',
            pullRequest,
            detail: `pull request #${pullRequest.number} is merged; waiting for the cluster to apply it`,
          };
    return { step: byRequest(requests, pending), held };
  }

  /**
   * Requests whose objects Git holds but the cluster does not show as Git has them: still
   * syncing, not applied by Flux (its Kustomization failed), or changed in the cluster
   * after Flux applied Git's commit (drifted). Without Flux's status, a request that was
   * applied before is the one that drifted.
   */
  private async live(
    connection: ClusterConnection,
    delivery: GitDelivery,
    wanted: { objects: KubeObject[]; observed?: ObservedKubeObject[] },
    result: ClusterConvergence,
  ): Promise<Map<string, PendingDelivery>> {
    const tally = {
      result,
      timeoutMs: this.options.timeoutMs ?? 30_000,
      url: connection.url,
    };
    const api = await customObjectsApi(this.options.clients, connection);
    const actual = wanted.observed ?? (await readManagedObjects(api, tally));
    const plan = planClusterChanges(wanted.objects, actual);
    result.unchanged = plan.unchanged;
    if (plan.apply.length === 0 && plan.delete.length === 0) return new Map();
    const notLive = requestsOfObjects([...plan.apply, ...plan.delete]);
    const difference = describeNotLive(plan.apply, plan.delete);
    const drift = describeDrift(plan.apply, plan.delete, actual);
    const syncing = (more = ''): PendingDelivery => ({
      step: 'syncing',
      detail: `Git holds the change; ${difference}${more}`,
      ifApplied: {
        drifted: `${drift}, which was live before: the cluster changed, not Git; the controller that applies Git may restore it, otherwise restore it by hand; crossmesh does not write it${more}`,
      },
    });
    const { kustomization } = delivery;
    if (!kustomization) return byRequest(notLive, syncing());
    let flux: FluxKustomization;
    try {
      flux = await send(tally, 'reads', () =>
        api.getNamespacedCustomObject({
          group: 'kustomize.toolkit.fluxcd.io',
          version: 'v1',
          plural: 'kustomizations',
          ...kustomization,
        }),
      );
    } catch (error) {
      return byRequest(
        notLive,
        syncing(
          `; Flux's Kustomization ${kustomization.namespace}/${
            kustomization.name
          } (crossmesh.delivery) could not be read: ${describeKubernetesError(
            error,
            connection.url,
          )}`,
        ),
      );
    }
    const head = await this.options.forge(delivery).headCommit(delivery.branch);
    const verdict = judgeFlux(flux, head);
    if (verdict.kind === 'failed') {
      return byRequest(notLive, {
        step: 'flux-failed',
        detail: verdict.detail,
      });
    }
    if (verdict.kind === 'at-head') {
      return byRequest(notLive, {
        step: 'drifted',
        detail: `${drift}: ${verdict.detail}; crossmesh does not write it`,
      });
    }
    return byRequest(notLive, {
      step: 'syncing',
      detail: `Git holds the change; ${difference}; ${verdict.detail}`,
    });
  }
}

/** Shared objects hold back every request of the cluster: the key `*` says so. */
function byRequest(
  requests: AffectedRequests,
  pending: PendingDelivery,
): Map<string, PendingDelivery> {
  const map = new Map<string, PendingDelivery>();
  for (const label of requests.labels) map.set(label, pending);
  if (requests.shared) map.set(ALL_REQUESTS, pending);
  return map;
}

import { InputError, NotFoundError } from '@backstage/errors';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { TimeoutError, withTimeout } from '../../clusters/kubernetesModule';
import type { ClusterDelivery } from './deliverySettings';
import type { GiteaRepository } from './GiteaRepository';
import { isForgeError } from './forgeErrors';
import { editCorednsData, GlobalForwarding } from '../dns/corednsData';
import { istiocorednsIp } from '../dns/cluster/dnsFacts';
import { dnsBranchPrefix, planDnsFileChange } from './dnsProposal';

/**
 * A DNS edit through Git that is not in the cluster yet: its pull request waits for a
 * merge, or Git holds it and the cluster does not yet.
 *
 * @internal
 */
export interface DnsPending {
  state: 'waiting-for-merge' | 'syncing';
  detail: string;
}

type GitDelivery = Extract<ClusterDelivery, { mode: 'git' }> & {
  dnsFile: string;
};

/** What DNS through Git needs of a forge. */
export type GitDnsForge = Pick<
  GiteaRepository,
  'readFile' | 'propose' | 'merge' | 'closeSuperseded'
>;

/**
 * What {@link GitDnsWiring} did in one cluster. `changed` is always false: crossmesh
 * wrote nothing to the cluster. `pending` says what the edit waits for; neither it nor
 * `error` when the cluster's DNS is as crossmesh wants it.
 *
 * @internal
 */
export interface GitDnsResult {
  cluster: string;
  changed: false;
  pending?: DnsPending;
  error?: string;
}

/**
 * `.global` DNS wiring of a cluster whose ConfigMap kube-system/coredns is in Git
 * (`dnsFile`, ADR 0037): crossmesh never writes the ConfigMap. It reads the file from the
 * branch Flux applies, makes the same Corefile edit as the direct wiring, and proposes the
 * whole file by pull request (merged by crossmesh under `merge: auto`); once Git holds the
 * edit, it reads the live ConfigMap until the cluster has it. Never throws.
 *
 * @internal
 */
export class GitDnsWiring {
  constructor(
    private readonly options: {
      clients: KubernetesClients;
      forge: (delivery: GitDelivery) => GitDnsForge;
      /** Per call to `wire` or `unwire`; default 30 s. */
      timeoutMs?: number;
    },
  ) {}

  wire(connection: ClusterConnection, delivery: GitDelivery) {
    return this.run(connection, delivery, true);
  }

  unwire(connection: ClusterConnection, delivery: GitDelivery) {
    return this.run(connection, delivery, false);
  }

  private async run(
    connection: ClusterConnection,
    delivery: GitDelivery,
    forward: boolean,
  ): Promise<GitDnsResult> {
    const result: GitDnsResult = { cluster: connection.name, changed: false };
    const done = forward
      ? `crossmesh did not wire .global DNS in cluster '${connection.name}' through Git`
      : `crossmesh did not remove its .global DNS wiring from cluster '${connection.name}' through Git`;
    const refusal = unsupportedAuthProblem(connection);
    if (refusal) return { ...result, error: refusal };
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    try {
      const pending = await withTimeout(
        this.converge(connection, delivery, forward),
        timeoutMs,
        `the API server at ${connection.url} or the repository ${delivery.repository.url} of cluster '${connection.name}' did not finish within ${timeoutMs} ms; the next run checks the DNS wiring again`,
      );
      return pending ? { ...result, pending } : result;
    } catch (error) {
      if (error instanceof TimeoutError) {
        return { ...result, error: error.message };
      }
      const why =
        isForgeError(error) ||
        error instanceof InputError ||
        error instanceof NotFoundError
          ? error.message
          : describeKubernetesError(error, connection.url);
      return { ...result, error: `${done}: ${why}` };
    }
  }

  private async converge(
    connection: ClusterConnection,
    delivery: GitDelivery,
    forward: boolean,
  ): Promise<DnsPending | undefined> {
    const { core } = await this.options.clients.forCluster(connection);
    let want: GlobalForwarding = 'none';
    if (forward) {
      const ip = await istiocorednsIp(core, connection.name);
      if (ip === undefined) {
        throw new NotFoundError(
          `the legacy-global DNS strategy needs the istiocoredns Service in namespace istio-system, and cluster '${connection.name}' has none; install Istio's istiocoredns addon there, or mesh this cluster with the dns-proxy strategy (Istio 1.8 and later)`,
        );
      }
      want = { forwardTo: ip };
    }
    const forge = this.options.forge(delivery);
    const { dnsFile: file, branch } = delivery;
    const found = await forge.readFile(branch, file);
    if (!found) {
      throw new InputError(
        `${file} is not on branch ${branch} of ${delivery.repository.url}; point crossmesh.delivery.clusters[].dnsFile at the file that holds the cluster's ConfigMap kube-system/coredns, or remove dnsFile so that crossmesh edits the ConfigMap directly`,
      );
    }
    const change = planDnsFileChange({
      cluster: connection.name,
      file,
      text: found.content,
      want,
    });
    if (change.kind === 'in-git') {
      return this.live(core, want, file);
    }
    const slash = file.lastIndexOf('/');
    let pullRequest = await forge.propose(file.slice(0, slash), {
      base: branch,
      head: change.head,
      write: [{ file: file.slice(slash + 1), content: change.content }],
      remove: [],
      title: change.title,
      body: change.body,
    });
    const named = `pull request #${pullRequest.number} (${pullRequest.url})`;
    if (pullRequest.state === 'closed') {
      throw new InputError(
        `${named}, which edits ${file}, was closed without being merged, so the cluster's DNS is not as crossmesh wants it; reopen and merge it (crossmesh does not propose the same edit again)`,
      );
    }
    await forge.closeSuperseded(
      branch,
      dnsBranchPrefix(connection.name),
      pullRequest,
    );
    if (pullRequest.state === 'open' && delivery.merge === 'auto') {
      pullRequest = await forge.merge(pullRequest.number);
    }
    return pullRequest.state === 'open'
      ? {
          state: 'waiting-for-merge',
          detail: `waiting for ${named}, which edits ${file}, to be merged`,
        }
      : {
          state: 'syncing',
          detail: `${named} is merged; waiting for the cluster to apply ${file}`,
        };
  }

  /** Git holds the edit; the cluster may not yet. */
  private async live(
    core: Awaited<ReturnType<KubernetesClients['forCluster']>>['core'],
    want: GlobalForwarding,
    file: string,
  ): Promise<DnsPending | undefined> {
    const configMap = await core
      .readNamespacedConfigMap({ name: 'coredns', namespace: 'kube-system' })
      .catch(error => {
        if (isNotFound(error)) return undefined;
        throw error;
      });
    const edited = editCorednsData(configMap?.data, want);
    if (edited ? !edited.changed : want === 'none') return undefined;
    return {
      state: 'syncing',
      detail: `Git holds the DNS edit in ${file}; waiting for the cluster to apply it (ConfigMap kube-system/coredns ${
        configMap ? 'does not have it yet' : 'is not there'
      })`,
    };
  }
}

import type { V1ConfigMap } from '@kubernetes/client-node';
import type { ClusterDelivery } from '../../exposure/delivery/deliverySettings';
import type { GiteaRepository } from '../../exposure/delivery/GiteaRepository';
import { readCorednsFile } from '../../exposure/delivery/corednsFile';
import { API_REACHABLE } from './connectionChecks';
import { CheckDefinition, CheckOutcome } from './runChecks';

type GitDelivery = Extract<ClusterDelivery, { mode: 'git' }>;

/** What crossmesh keeps writing itself in a cluster delivered through Git, and why. */
const DIRECT_ALL_THE_SAME =
  'Written directly all the same: the cacerts Secret and the remote secrets (key material never goes to Git), and the mesh config.';

/** The label Flux's kustomize-controller puts on every object it applies. */
const FLUX_NAME = 'kustomize.toolkit.fluxcd.io/name';
const FLUX_NAMESPACE = 'kustomize.toolkit.fluxcd.io/namespace';

const messageOf = (error: unknown) =>
  error instanceof Error ? error.message : String(error);

/**
 * Says how crossmesh delivers the cluster's Istio objects and, for a cluster delivered
 * through Git, that the repository answers crossmesh's token (the folder is read as the
 * reconciler reads it), and how `.global` DNS edits go: through Git when `dnsFile` names
 * the file holding ConfigMap kube-system/coredns (checked on the branch), else directly,
 * with a warning when Flux owns that ConfigMap and would revert the edit.
 *
 * @internal
 */
export function deliveryCheck(
  delivery: ClusterDelivery,
  forge: (
    delivery: GitDelivery,
  ) => Pick<GiteaRepository, 'readFolder' | 'readFile'>,
  /** The live ConfigMap kube-system/coredns; undefined when absent or unreadable. */
  liveCoredns: () => Promise<V1ConfigMap | undefined> = async () => undefined,
): CheckDefinition {
  return {
    id: 'delivery',
    title: "How crossmesh delivers the cluster's Istio objects",
    // Like every check, none for a cluster that cannot be reached at all.
    dependsOn: [API_REACHABLE],
    run: async () => {
      if (delivery.mode === 'direct') {
        return {
          status: 'pass',
          detail:
            'Directly: crossmesh applies them itself (server-side apply, field manager crossmesh).',
        };
      }
      const where = `${delivery.repository.url}, branch ${delivery.branch}, folder ${delivery.path}`;
      const merged =
        delivery.merge === 'auto'
          ? 'crossmesh merges them'
          : 'reviewers merge them';
      let files: number;
      try {
        files = (
          await forge(delivery).readFolder(delivery.branch, delivery.path)
        ).size;
      } catch (error) {
        return {
          status: 'fail',
          detail: `Through Git (${where}), but crossmesh cannot read the folder: ${messageOf(
            error,
          )}`,
          remedy:
            'Fix the repository address in crossmesh.delivery or the token in integrations.gitea, as the error says; until then approvals for this cluster wait.',
        };
      }
      const objects = `Through Git: pull requests on ${where} (${merged}; the folder holds ${files} files now), applied by the cluster's Flux or Argo CD.`;
      const dns = await dnsThrough(delivery, forge, liveCoredns);
      return {
        ...dns,
        detail: `${objects} ${dns.detail} ${DIRECT_ALL_THE_SAME}`,
      };
    },
  };
}

/** How `.global` DNS edits reach the cluster, and whether that works. */
async function dnsThrough(
  delivery: GitDelivery,
  forge: (delivery: GitDelivery) => Pick<GiteaRepository, 'readFile'>,
  liveCoredns: () => Promise<V1ConfigMap | undefined>,
): Promise<CheckOutcome> {
  const { dnsFile, branch } = delivery;
  if (dnsFile) {
    const fix = `Point crossmesh.delivery.clusters[].dnsFile at the file of ${delivery.repository.url} (branch ${branch}) that holds ConfigMap kube-system/coredns, or remove dnsFile to have crossmesh edit the ConfigMap directly.`;
    try {
      const found = await forge(delivery).readFile(branch, dnsFile);
      if (!found) {
        return {
          status: 'fail',
          detail: `.global DNS edits are to go through Git, but ${dnsFile} is not on branch ${branch}.`,
          remedy: fix,
        };
      }
      readCorednsFile(dnsFile, found.content);
    } catch (error) {
      return {
        status: 'fail',
        detail: `.global DNS edits are to go through Git, but ${messageOf(
          error,
        )}.`,
        remedy: fix,
      };
    }
    return {
      status: 'pass',
      detail: `.global DNS edits go through Git as well: pull requests change ${dnsFile}, which holds ConfigMap kube-system/coredns.`,
    };
  }
  const labels = (await liveCoredns().catch(() => undefined))?.metadata?.labels;
  const kustomization = labels?.[FLUX_NAME];
  if (kustomization) {
    const owner = `${
      labels?.[FLUX_NAMESPACE] ?? 'flux-system'
    }/${kustomization}`;
    return {
      status: 'warn',
      detail: `.global DNS edits stay a direct write of ConfigMap kube-system/coredns, but Flux's Kustomization ${owner} applies that ConfigMap and would revert crossmesh's edit.`,
      remedy: `Set crossmesh.delivery.clusters[].dnsFile to the file of ${delivery.repository.url} that holds ConfigMap kube-system/coredns, so that crossmesh proposes its edit there by pull request.`,
    };
  }
  return {
    status: 'pass',
    detail:
      '.global DNS edits stay a direct write of ConfigMap kube-system/coredns (no dnsFile names a file of the repository holding it).',
  };
}

import {
  ensureGlobalServerBlock,
  GlobalServerBlockAction,
  removeGlobalServerBlock,
} from './corefile';

/**
 * What crossmesh wants of the `.global` names in a CoreDNS ConfigMap: forwarded to
 * istiocoredns at `forwardTo`, or not forwarded by crossmesh (`none`).
 *
 * @internal
 */
export type GlobalForwarding = { forwardTo: string } | 'none';

/**
 * The data of ConfigMap kube-system/coredns with crossmesh's `.global` block made as
 * `want` says, every other key and byte as it was: the one mapping the direct write and
 * the pull request both use. Undefined when the data has no `Corefile` key.
 *
 * @internal
 */
export function editCorednsData(
  data: Record<string, string> | undefined,
  want: GlobalForwarding,
):
  | {
      data: Record<string, string>;
      changed: boolean;
      /** What wiring did; undefined when unwiring. */
      action?: GlobalServerBlockAction;
    }
  | undefined {
  const corefile = data?.Corefile;
  if (corefile === undefined) return undefined;
  if (want === 'none') {
    const edited = removeGlobalServerBlock(corefile);
    return {
      data: { ...data, Corefile: edited.corefile },
      changed: edited.changed,
    };
  }
  const edited = ensureGlobalServerBlock(corefile, want.forwardTo);
  return {
    data: { ...data, Corefile: edited.corefile },
    changed: edited.changed,
    action: edited.action,
  };
}

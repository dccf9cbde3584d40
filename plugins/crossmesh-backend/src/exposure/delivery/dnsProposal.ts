import { createHash } from 'node:crypto';
import { readCorednsFile } from './corednsFile';
import { editCorednsData, GlobalForwarding } from '../dns/corednsData';

/**
 * What a cluster's CoreDNS file in Git needs: nothing (`in-git`, the file already says what
 * crossmesh wants), or a pull request writing `content` to it from branch `head`.
 *
 * @internal
 */
export type DnsFileChange =
  | { kind: 'in-git'; corefile: string }
  | {
      kind: 'propose';
      corefile: string;
      content: string;
      head: string;
      title: string;
      body: string;
    };

const hash = (text: string) =>
  createHash('sha256').update(text).digest('hex').slice(0, 12);

/**
 * The branches of a cluster's DNS proposals. Apart from `crossmesh/<cluster>/`, the
 * objects' branches, whose newest proposal closes the others as superseded.
 *
 * @internal
 */
export function dnsBranchPrefix(cluster: string): string {
  return `crossmesh-dns/${cluster}/`;
}

/**
 * Plans the DNS edit of `file` (its content `text`) for `cluster`: the same Corefile edit
 * the direct write makes ({@link editCorednsData}), as the whole file. The same edit of the
 * same file always gets the same branch, so a second pass or replica finds its pull
 * request. Throws the Corefile editor's errors (a hand-written `global` block forwarding
 * elsewhere is a ConflictError) and the file's (not the ConfigMap: InputError).
 *
 * @internal
 */
export function planDnsFileChange(options: {
  cluster: string;
  file: string;
  text: string;
  want: GlobalForwarding;
}): DnsFileChange {
  const { cluster, file, text, want } = options;
  const current = readCorednsFile(file, text);
  const edited = editCorednsData(current.data, want)!;
  if (!edited.changed) {
    return { kind: 'in-git', corefile: edited.data.Corefile };
  }
  const content = current.withData(edited.data);
  const what =
    want === 'none'
      ? `stop forwarding .global names in ${cluster}`
      : `forward .global names to istiocoredns in ${cluster}`;
  return {
    kind: 'propose',
    corefile: edited.data.Corefile,
    content,
    head: `${dnsBranchPrefix(cluster)}${hash(text)}-${hash(content)}`,
    title: `crossmesh: ${what}`,
    body: [
      `crossmesh's .global DNS wiring of cluster ${cluster} (legacy-global strategy): ${
        want === 'none'
          ? 'no exposure is consumed there any more, so the server block crossmesh added to the Corefile goes'
          : `Istio 1.6–1.8 resolve <service>.<namespace>.global through istiocoredns at ${want.forwardTo}, so the Corefile gets crossmesh's server block for them`
      }.`,
      '',
      `Only crossmesh's block changes in ConfigMap kube-system/coredns (${file}); every other line stays as it is. Once this is merged and applied, crossmesh reads the ConfigMap in the cluster to see it live.`,
    ].join('\n'),
  };
}

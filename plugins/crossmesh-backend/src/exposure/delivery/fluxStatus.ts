/** What crossmesh reads of a Flux Kustomization (`kustomize.toolkit.fluxcd.io/v1`). */
export interface FluxKustomization {
  metadata?: { name?: string; namespace?: string };
  spec?: { suspend?: boolean };
  status?: {
    lastAppliedRevision?: string;
    lastAttemptedRevision?: string;
    conditions?: Array<{
      type: string;
      status: string;
      reason?: string;
      message?: string;
    }>;
  };
}

/**
 * What Flux's Kustomization says of a folder whose live objects differ from Git:
 * `failed`, Flux tried and could not apply it; `at-head`, Flux applied the commit Git's
 * branch is at, so the difference was made in the cluster after; `behind`, Flux has not
 * applied that commit yet.
 *
 * @internal
 */
export type FluxVerdict =
  | { kind: 'failed'; detail: string }
  | { kind: 'at-head'; detail: string }
  | { kind: 'behind'; detail: string };

/**
 * The commit of a Flux revision: `main@sha1:<hex>` (Flux v2.1 and later) or `main/<hex>`.
 *
 * @internal
 */
export function commitOfRevision(revision: string | undefined): string {
  const match = revision?.match(/(?:@sha1:|@sha256:|\/)([0-9a-f]{7,64})$/);
  return match?.[1] ?? '';
}

/**
 * Judges Flux's Kustomization `flux` against the commit `head` that Git's branch is at.
 *
 * @internal
 */
export function judgeFlux(flux: FluxKustomization, head: string): FluxVerdict {
  const name = `Flux's Kustomization ${flux.metadata?.namespace}/${flux.metadata?.name}`;
  const applied = commitOfRevision(flux.status?.lastAppliedRevision);
  const attempted = commitOfRevision(flux.status?.lastAttemptedRevision);
  const ready = flux.status?.conditions?.find(c => c.type === 'Ready');
  const short = (commit: string) => commit.slice(0, 7) || 'nothing';

  if (ready?.status === 'False' && ready.reason?.endsWith('Failed')) {
    return {
      kind: 'failed',
      detail: `${name} could not apply commit ${short(attempted)} (${
        ready.reason
      }): ${
        ready.message ?? 'no message'
      }; fix the cause (the folder in Git, or Flux's access to the cluster) and Flux applies it at its next attempt`,
    };
  }
  const resume = `flux resume kustomization ${flux.metadata?.name} -n ${flux.metadata?.namespace}`;
  if (applied && applied === head) {
    return {
      kind: 'at-head',
      detail: `${name} applied Git's commit ${short(
        head,
      )} and the cluster changed since; ${
        flux.spec?.suspend
          ? `it is suspended, so nothing restores Git's state until it is resumed (${resume})`
          : 'Flux restores what it applied at its next sync (a field it never set stays until someone restores it)'
      }`,
    };
  }
  const suspended = flux.spec?.suspend
    ? `; it is suspended, so Flux applies nothing until it is resumed (${resume})`
    : '';
  return {
    kind: 'behind',
    detail: `${name} has applied commit ${short(
      applied,
    )}; Git's branch is at ${short(head)}${suspended}`,
  };
}

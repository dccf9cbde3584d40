import { commitOfRevision, FluxKustomization, judgeFlux } from './fluxStatus';

const HEAD = 'a'.repeat(40);
const OLDER = 'b'.repeat(40);

function kustomization(
  status: FluxKustomization['status'],
  suspend = false,
): FluxKustomization {
  return {
    metadata: { namespace: 'flux-system', name: 'mesh' },
    spec: { suspend },
    status,
  };
}

const ready = (status: string, reason: string, message = '') => ({
  type: 'Ready',
  status,
  reason,
  message,
});

describe('commitOfRevision', () => {
  it.each([
    [`main@sha1:${HEAD}`, HEAD],
    [`main/${HEAD}`, HEAD],
    [`release/mesh@sha1:${HEAD}`, HEAD],
    [undefined, ''],
    ['main', ''],
  ])('reads %s as %s', (revision, commit) => {
    expect(commitOfRevision(revision)).toBe(commit);
  });
});

describe('judgeFlux', () => {
  it("fails with Flux's reason and message when it could not apply, naming the commit it tried", () => {
    const verdict = judgeFlux(
      kustomization({
        lastAppliedRevision: `main@sha1:${OLDER}`,
        lastAttemptedRevision: `main@sha1:${HEAD}`,
        conditions: [
          ready(
            'False',
            'ReconciliationFailed',
            'ServiceEntry/istio-system/x dry-run failed: forbidden',
          ),
        ],
      }),
      HEAD,
    );
    expect(verdict).toEqual({
      kind: 'failed',
      detail:
        "Flux's Kustomization flux-system/mesh could not apply commit aaaaaaa (ReconciliationFailed): ServiceEntry/istio-system/x dry-run failed: forbidden; fix the cause (the folder in Git, or Flux's access to the cluster) and Flux applies it at its next attempt",
    });
  });

  it('is still syncing while Flux works on it (not ready, not failed)', () => {
    expect(
      judgeFlux(
        kustomization({
          lastAppliedRevision: `main@sha1:${OLDER}`,
          conditions: [ready('Unknown', 'Progressing')],
        }),
        HEAD,
      ),
    ).toEqual({
      kind: 'behind',
      detail:
        "Flux's Kustomization flux-system/mesh has applied commit bbbbbbb; Git's branch is at aaaaaaa",
    });
  });

  it("calls a difference after Flux applied Git's commit drift, and says when nothing will restore it", () => {
    const atHead = {
      lastAppliedRevision: `main@sha1:${HEAD}`,
      conditions: [ready('True', 'ReconciliationSucceeded')],
    };
    expect(judgeFlux(kustomization(atHead), HEAD)).toMatchObject({
      kind: 'at-head',
      detail: expect.stringContaining(
        "applied Git's commit aaaaaaa and the cluster changed since; Flux restores what it applied at its next sync",
      ),
    });
    expect(judgeFlux(kustomization(atHead, true), HEAD)).toMatchObject({
      kind: 'at-head',
      detail: expect.stringContaining('it is suspended, so nothing restores'),
    });
  });

  it('says a suspended Kustomization behind Git applies nothing, and how to resume it', () => {
    expect(judgeFlux(kustomization({}, true), HEAD).detail).toContain(
      'it is suspended, so Flux applies nothing until it is resumed (flux resume kustomization mesh -n flux-system)',
    );
  });
});

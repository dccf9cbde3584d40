import {
  bothRootsBlocker,
  nextRotation,
  renewedWorkloadsBlocker,
} from './rotationChecks';
import { RootRotation } from './store/TrustStore';

const HOUR = 3_600_000;

const trustingBoth: RootRotation = {
  phase: 'trusting-both',
  oldRootId: 'old',
  newRootId: 'new',
  updatedAt: '2026-12-01T10:00:00.000Z',
  updatedBy: 'user:default/alice',
};

describe('rotationChecks', () => {
  it('names the clusters that do not trust both roots yet', () => {
    expect(
      bothRootsBlocker([
        { cluster: 'cluster-1', drift: false, replacedBySomeoneElse: false },
        {
          cluster: 'cluster-2',
          drift: false,
          replacedBySomeoneElse: false,
          error: 'forbidden',
        },
      ]),
    ).toBe(
      'Not every cluster trusts both roots yet (cluster-2); fix them and distribute again before moving intermediates',
    );
  });

  it('holds the next phase back one workload-certificate lifetime, naming the cluster and time', () => {
    const restarts = [
      { cluster: 'cluster-1', restartedAt: '2026-12-01T10:30:00Z' },
    ];
    const options = {
      rotation: trustingBoth,
      workloadCertificateTtlMs: HOUR,
      restarts,
    };
    expect(
      renewedWorkloadsBlocker({
        ...options,
        now: new Date('2026-12-01T11:00:00Z'),
      }),
    ).toBe(
      'Workloads may still trust only the old root: istiod in cluster-1 serves both roots since 2026-12-01T10:30:00.000Z, and a workload takes new roots when it renews its certificate, within one workload-certificate lifetime (crossmesh.trust.workloadCertificateTtl: 1 h). The intermediates may move to the new root at 2026-12-01T11:30:00.000Z; ask again then',
    );
    expect(
      renewedWorkloadsBlocker({
        ...options,
        now: new Date('2026-12-01T11:30:00Z'),
      }),
    ).toBeUndefined();
  });

  it('refuses to guess when an istiod restart cannot be read', () => {
    expect(
      renewedWorkloadsBlocker({
        rotation: trustingBoth,
        workloadCertificateTtlMs: HOUR,
        restarts: [{ cluster: 'cluster-2', error: 'forbidden' }],
        now: new Date('2027-01-01T00:00:00Z'),
      }),
    ).toBe(
      'crossmesh cannot tell when istiod took the current phase in cluster-2 (forbidden); crossmesh needs get on Deployment istio-system/istiod (deploy/rbac.yaml)',
    );
  });

  it('forgets both roots when the rotation is back at idle', () => {
    expect(
      nextRotation(
        trustingBoth,
        'idle',
        'user:default/bob',
        new Date('2026-12-02T00:00:00Z'),
      ),
    ).toEqual({
      phase: 'idle',
      oldRootId: null,
      newRootId: null,
      updatedAt: '2026-12-02T00:00:00.000Z',
      updatedBy: 'user:default/bob',
    });
  });
});

import { rotationWait } from './rotationWait';

const MINUTE = 60_000;

describe('rotationWait', () => {
  const phaseStartedAt = '2026-12-01T10:00:00.500Z';

  it('waits one workload-certificate lifetime from the phase, where every istiod restarted with it', () => {
    expect(
      rotationWait({
        phaseStartedAt,
        workloadCertificateTtlMs: 60 * MINUTE,
        // Written by kubectl (whole seconds), a restart with the phase can read earlier than it.
        restarts: [
          { cluster: 'cluster-1', restartedAt: '2026-12-01T10:00:00Z' },
          { cluster: 'cluster-2', restartedAt: '2026-12-01T10:00:00Z' },
        ],
      }),
    ).toEqual({
      mayAdvanceAt: '2026-12-01T11:00:00.500Z',
      heldBackBy: ['cluster-1', 'cluster-2'],
      tookEffectAt: phaseStartedAt,
    });
  });

  it('counts from the last restart of istiod since, and names that cluster', () => {
    expect(
      rotationWait({
        phaseStartedAt,
        workloadCertificateTtlMs: 60 * MINUTE,
        restarts: [
          { cluster: 'cluster-1', restartedAt: '2026-12-01T10:00:00Z' },
          // Its distribution failed at first and was retried (POST /trust/distribute).
          { cluster: 'cluster-2', restartedAt: '2026-12-01T10:20:00Z' },
          // An istiod restarted long ago, or not by a Deployment: the phase's start counts.
          { cluster: 'cluster-3', restartedAt: '2026-11-01T08:00:00Z' },
          { cluster: 'cluster-4', restartedAt: null },
        ],
      }),
    ).toEqual({
      mayAdvanceAt: '2026-12-01T11:20:00.000Z',
      heldBackBy: ['cluster-2'],
      tookEffectAt: '2026-12-01T10:20:00.000Z',
    });
  });

  it('leaves a cluster it cannot read to the caller, and reads nonsense as the phase start', () => {
    expect(
      rotationWait({
        phaseStartedAt,
        workloadCertificateTtlMs: 0,
        restarts: [
          { cluster: 'cluster-1', error: 'cannot read Deployment' },
          { cluster: 'cluster-2', restartedAt: 'yesterday' },
        ],
      }),
    ).toEqual({
      mayAdvanceAt: phaseStartedAt,
      heldBackBy: ['cluster-2'],
      tookEffectAt: phaseStartedAt,
    });
  });
});

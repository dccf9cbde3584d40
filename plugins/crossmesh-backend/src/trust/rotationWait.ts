import type { IstiodRestart } from './cluster/readIstiodRestart';

/**
 * How long a rotation phase still waits for the workloads to renew their certificates.
 *
 * @internal
 */
export interface RotationWait {
  /** One workload-certificate lifetime after the phase took effect in its last cluster. */
  mayAdvanceAt: string;
  /** The clusters where the phase took effect last, which hold the rotation until then. */
  heldBackBy: string[];
  /** When the phase took effect in those clusters. */
  tookEffectAt: string;
}

/**
 * When a rotation phase may be followed by the next: every workload renews its certificate
 * (and with it the roots it trusts and the intermediate its leaf chains to) within one
 * workload-certificate lifetime of istiod serving the phase. A phase takes effect in a cluster
 * when crossmesh's distribution restarted istiod onto it, or later if istiod was restarted
 * again since (its pod template's `restartedAt`); never before the phase began. A cluster whose
 * restart cannot be read does not move the time; the caller refuses it on its own. Pure.
 *
 * @internal
 */
export function rotationWait(options: {
  /** When the phase began and its distribution ran (the rotation's `updatedAt`). */
  phaseStartedAt: string;
  workloadCertificateTtlMs: number;
  restarts: IstiodRestart[];
}): RotationWait {
  const phaseStart = Date.parse(options.phaseStartedAt);
  const effective = options.restarts
    .filter(r => !r.error)
    .map(r => {
      const restarted = r.restartedAt ? Date.parse(r.restartedAt) : NaN;
      return {
        cluster: r.cluster,
        at: Number.isNaN(restarted)
          ? phaseStart
          : Math.max(phaseStart, restarted),
      };
    });
  const latest = Math.max(phaseStart, ...effective.map(e => e.at));
  return {
    mayAdvanceAt: new Date(
      latest + options.workloadCertificateTtlMs,
    ).toISOString(),
    heldBackBy: effective.filter(e => e.at === latest).map(e => e.cluster),
    tookEffectAt: new Date(latest).toISOString(),
  };
}

/**
 * The outcome of one preflight check.
 *
 * `pass`: fine. `warn`: works, but worth a look. `fail`: crossmesh cannot use the cluster
 * until it is fixed. `skipped`: not checked, because a check it depends on failed.
 *
 * @public
 */
export type PreflightCheckStatus = 'pass' | 'warn' | 'fail' | 'skipped';

/**
 * One check of a cluster's readiness for the mesh.
 *
 * @public
 */
export interface PreflightCheck {
  /** Stable id, e.g. `api-reachable`, `access:create:serviceentries.networking.istio.io`. */
  id: string;
  /** What was checked, in words. */
  title: string;
  status: PreflightCheckStatus;
  /** What was found. */
  detail: string;
  /** On `fail` or `warn`: what to do about it. */
  remedy?: string;
  /**
   * True when onboarding the cluster (the "Add a cluster to the mesh" template) fixes this
   * check by itself, such as a missing `cacerts` or `.global` DNS wiring.
   */
  fixedByOnboarding?: boolean;
}

/**
 * Response of `GET /clusters/{clusterName}/preflight`.
 *
 * @public
 */
export interface PreflightReport {
  cluster: string;
  checkedAt: string;
  /** True when no check failed. */
  ok: boolean;
  checks: PreflightCheck[];
}

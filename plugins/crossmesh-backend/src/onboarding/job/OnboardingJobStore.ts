import { OnboardingJob } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Onboarding jobs as every replica reads them.
 *
 * @internal
 */
export interface OnboardingJobStore {
  /**
   * Stores a new running job. Resolves to the job already running for the same cluster,
   * storing nothing, when there is one: at most one job per cluster runs at a time.
   */
  create(job: OnboardingJob): Promise<{ running?: OnboardingJob }>;
  get(id: string): Promise<OnboardingJob | undefined>;
  /** The job running for the cluster, if any. */
  runningFor(cluster: string): Promise<OnboardingJob | undefined>;
  /**
   * Writes the job's progress while the stored job still runs; resolves to false, writing
   * nothing, once it was finished (by its runner, or marked interrupted by another replica).
   */
  update(job: OnboardingJob): Promise<boolean>;
}

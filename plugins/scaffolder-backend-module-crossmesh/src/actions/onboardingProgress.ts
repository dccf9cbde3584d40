import { LoggerService } from '@backstage/backend-plugin-api';
import {
  OnboardingJob,
  OnboardingStepId,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { logPreflight } from './logPreflight';

const HEADINGS: Record<OnboardingStepId, (cluster: string) => string> = {
  preflight: cluster => `preflight of cluster ${cluster}`,
  'issue-intermediate': cluster => `the intermediate CA of ${cluster}`,
  'distribute-cacerts': cluster =>
    `cacerts in ${cluster}, and restarts of istiod and the gateway`,
  'wire-dns': cluster => `.global DNS in ${cluster}`,
  'register-membership': cluster => `registering ${cluster} in the mesh`,
  'final-preflight': cluster => `preflight of cluster ${cluster} again`,
};

/**
 * Writes an onboarding job's progress to the task log as it is read again and again:
 * each step's heading once it started, its preflight report, and each of its messages
 * once. A dry run's plan (the skipped steps' messages) comes last.
 *
 * @internal
 */
export class OnboardingProgressLog {
  private readonly logged = new Map<
    OnboardingStepId,
    { messages: number; preflight: boolean }
  >();
  private planLogged = false;

  constructor(private readonly logger: LoggerService) {}

  write(job: OnboardingJob): void {
    job.steps.forEach((step, index) => {
      if (step.state === 'pending' || step.state === 'skipped') {
        return;
      }
      let seen = this.logged.get(step.id);
      if (!seen) {
        seen = { messages: 0, preflight: false };
        this.logged.set(step.id, seen);
        this.logger.info(
          `Step ${index + 1}: ${HEADINGS[step.id](job.cluster)}`,
        );
      }
      if (step.preflight && !seen.preflight) {
        seen.preflight = true;
        logPreflight(this.logger, step.preflight);
      }
      for (const { level, message } of step.messages.slice(seen.messages)) {
        this.logger[level](message);
      }
      seen.messages = step.messages.length;
    });
    if (job.input.dryRun && job.state !== 'running' && !this.planLogged) {
      this.planLogged = true;
      this.logger.info('Dry run: nothing was changed. A real run would:');
      for (const step of job.steps.filter(s => s.state === 'skipped')) {
        step.messages.forEach(m => this.logger.info(`- ${m.message}`));
      }
    }
  }
}

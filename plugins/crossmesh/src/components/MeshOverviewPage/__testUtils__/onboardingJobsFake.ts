import {
  ONBOARDING_ERROR_CODES,
  ONBOARDING_STEPS,
  OnboardingFailure,
  OnboardingJob,
  OnboardingJobInput,
  OnboardingStepId,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { backendError } from '../../../__testUtils__/overviewFixtures';

const AT = '2026-12-02T10:00:00.000Z';

/**
 * Onboarding jobs as the backend runs them, one step further on each read: the running
 * step is done with its message and the next one runs; `failAt` fails that step with the
 * backend's failure and resume advice, skipping the rest. A start is refused as the backend
 * refuses it when `refuse` is set.
 */
export class OnboardingJobsFake {
  readonly started: OnboardingJobInput[] = [];
  reads = 0;
  private job?: OnboardingJob;

  constructor(
    private readonly options: {
      failAt?: { step: OnboardingStepId; failure: OnboardingFailure };
      refuse?: { status: number; name: string; message: string; code: string };
    } = {},
  ) {}

  startOnboarding = async (input: OnboardingJobInput) => {
    this.started.push(input);
    const { refuse } = this.options;
    if (refuse) {
      throw await backendError(
        refuse.status,
        refuse.name,
        refuse.message,
        refuse.code,
      );
    }
    this.job = {
      id: 'job-1',
      cluster: input.cluster,
      input,
      state: 'running',
      startedBy: 'user:default/carol',
      startedAt: AT,
      updatedAt: AT,
      finishedAt: null,
      steps: ONBOARDING_STEPS.map(({ id, title }, index) => ({
        id,
        title,
        state: index === 0 ? 'running' : 'pending',
        startedAt: null,
        finishedAt: null,
        messages: [],
      })),
      result: {},
    };
    return this.job;
  };

  getOnboardingJob = async (jobId: string) => {
    this.reads++;
    if (!this.job || jobId !== this.job.id) {
      throw await backendError(404, 'NotFoundError', `no job ${jobId}`);
    }
    this.job = this.advance(this.job);
    return this.job;
  };

  private advance(job: OnboardingJob): OnboardingJob {
    const steps = job.steps.map(s => ({ ...s }));
    const running = steps.find(s => s.state === 'running');
    if (!running) {
      return job;
    }
    const { failAt } = this.options;
    if (failAt?.step === running.id) {
      running.state = 'failed';
      running.failure = failAt.failure;
      steps
        .filter(s => s.state === 'pending')
        .forEach(s => {
          s.state = 'skipped';
        });
      return {
        ...job,
        state: 'failed',
        finishedAt: AT,
        steps,
        failure: failAt.failure,
        resume: `Done before the failure, and kept: Writing cacerts. Fix the cause above, then start onboarding of ${job.cluster} again with the same input.`,
      };
    }
    running.state = 'done';
    running.messages = [{ level: 'info', message: `${running.title} done` }];
    const next = steps.find(s => s.state === 'pending');
    if (next) {
      next.state = 'running';
      return { ...job, steps };
    }
    return {
      ...job,
      state: 'succeeded',
      finishedAt: AT,
      steps,
      result: { preflightOk: true, intermediateSerial: '0a' },
    };
  }
}

/** The failure of a step the backend could not finish. */
export const DNS_REFUSED: OnboardingFailure = {
  code: ONBOARDING_ERROR_CODES.stepFailed,
  name: 'ConflictError',
  message: 'Wiring DNS failed: the API server refused the Corefile',
};

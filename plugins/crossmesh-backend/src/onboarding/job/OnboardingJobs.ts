import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  ONBOARDING_ERROR_CODES,
  ONBOARDING_STEPS,
  OnboardingJob,
  OnboardingJobInput,
  OnboardingStep,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { randomUUID } from 'node:crypto';
import { MembershipService } from '../membership/MembershipService';
import { failureOf, onboardingFailure } from './onboardingFailure';
import {
  dryRunPlan,
  ONBOARDING_STEP_RUNNERS,
  OnboardingStepServices,
  StepContext,
} from './onboardingSteps';
import { OnboardingJobStore } from './OnboardingJobStore';
import { resumeAdvice } from './resumeAdvice';

/** A running job not updated for this long lost its replica (steps report far more often). */
const STALE_AFTER_MS = 10 * 60_000;

/**
 * Onboarding a cluster as a job: the input is checked when it starts (400 for a malformed
 * field, 409 for a gateway address config overrides or a job already running), then the
 * steps run in the background on the replica that started it, each step's progress
 * written to the store so that any replica can read it.
 *
 * @internal
 */
export class OnboardingJobs {
  private readonly runs = new Set<Promise<void>>();

  constructor(
    private readonly options: {
      store: OnboardingJobStore;
      memberships: Pick<MembershipService, 'checkRegistration'>;
      services: OnboardingStepServices;
      logger: LoggerService;
      now?: () => Date;
    },
  ) {}

  private now(): string {
    return (this.options.now?.() ?? new Date()).toISOString();
  }

  /** Checks the input, stores the job and starts its steps; resolves to the stored job. */
  async start(
    input: OnboardingJobInput,
    actor: string,
  ): Promise<OnboardingJob> {
    const normalized = checkInput(input, this.options.memberships);
    const job = newJob(normalized, actor, this.now());
    let { running } = await this.options.store.create(job);
    if (running && this.isStale(running)) {
      await this.interrupt(running);
      ({ running } = await this.options.store.create(job));
    }
    if (running) {
      throw onboardingFailure(
        ONBOARDING_ERROR_CODES.alreadyRunning,
        new ConflictError(
          `Onboarding of cluster ${job.cluster} is already running as job ${running.id} (started by ${running.startedBy} at ${running.startedAt}); follow that job, or start again once it finished`,
        ),
      );
    }
    const run = this.run(job, actor).finally(() => this.runs.delete(run));
    this.runs.add(run);
    return job;
  }

  async get(id: string): Promise<OnboardingJob> {
    const job = await this.options.store.get(id);
    if (!job) {
      throw new NotFoundError(`There is no onboarding job ${id}`);
    }
    if (this.isStale(job)) {
      return (await this.interrupt(job)) ?? this.get(id);
    }
    return job;
  }

  /** Resolves once the jobs this replica runs have finished, for a clean shutdown. */
  async settled(): Promise<void> {
    await Promise.all([...this.runs]);
  }

  private isStale(job: OnboardingJob): boolean {
    return (
      job.state === 'running' &&
      Date.parse(this.now()) - Date.parse(job.updatedAt) > STALE_AFTER_MS
    );
  }

  private async interrupt(
    job: OnboardingJob,
  ): Promise<OnboardingJob | undefined> {
    const failure = {
      code: ONBOARDING_ERROR_CODES.interrupted,
      name: 'ServiceUnavailableError',
      message: `The backend replica running onboarding job ${job.id} stopped before it finished (last progress at ${job.updatedAt})`,
    };
    const interrupted = finish(job, this.now(), failure);
    return (await this.options.store.update(interrupted))
      ? interrupted
      : undefined;
  }

  private async run(job: OnboardingJob, actor: string): Promise<void> {
    // The job as last saved; each step reads and extends it through its context.
    const progress = { job };
    const save = async (next: OnboardingJob) => {
      progress.job = { ...next, updatedAt: this.now() };
      if (!(await this.options.store.update(progress.job))) {
        throw new Error(`onboarding job ${job.id} was finished elsewhere`);
      }
    };
    try {
      for (const [index, step] of job.steps.entries()) {
        await save(
          withStep(progress.job, index, {
            state: 'running',
            startedAt: this.now(),
          }),
        );
        try {
          await ONBOARDING_STEP_RUNNERS[step.id](
            stepContext(progress, index, actor, save),
            this.options.services,
          );
        } catch (error) {
          await save(
            finish(progress.job, this.now(), failureOf(error, step.title)),
          );
          return;
        }
        await save(
          withStep(progress.job, index, {
            state: 'done',
            finishedAt: this.now(),
          }),
        );
        if (step.id === 'preflight' && job.input.dryRun) {
          await save(finishDryRun(progress.job, this.now()));
          return;
        }
      }
      await save({
        ...progress.job,
        state: 'succeeded',
        finishedAt: this.now(),
      });
    } catch (error) {
      this.options.logger.error(
        `crossmesh onboarding job ${job.id} of ${job.cluster} could not record its progress: ${error}`,
      );
    }
  }
}

function checkInput(
  input: OnboardingJobInput,
  memberships: Pick<MembershipService, 'checkRegistration'>,
): OnboardingJobInput {
  const cluster =
    typeof input?.cluster === 'string' ? input.cluster.trim() : '';
  if (!cluster) {
    throw onboardingFailure(
      ONBOARDING_ERROR_CODES.invalidInput,
      new InputError(
        "Onboarding was not started: cluster is required: the cluster's name in the Kubernetes plugin's configuration",
      ),
    );
  }
  const gatewayAddress =
    typeof input.gatewayAddress === 'string'
      ? input.gatewayAddress.trim() || null
      : input.gatewayAddress ?? null;
  const membership = {
    network:
      typeof input.network === 'string' ? input.network.trim() : input.network,
    gatewayAddress,
    gatewayPort: input.gatewayPort ?? null,
    keyType: input.keyType ?? null,
  };
  try {
    memberships.checkRegistration(
      cluster,
      membership,
      'Onboarding was not started',
    );
  } catch (error) {
    const e = error as Error;
    if (e.name === 'InputError') {
      throw onboardingFailure(ONBOARDING_ERROR_CODES.invalidInput, e);
    }
    if (e.name === 'ConflictError') {
      throw onboardingFailure(
        ONBOARDING_ERROR_CODES.gatewayConflict,
        new ConflictError(`Onboarding was not started: ${e.message}`),
      );
    }
    throw error;
  }
  return { cluster, ...membership, dryRun: input.dryRun ?? false };
}

function newJob(
  input: OnboardingJobInput,
  actor: string,
  now: string,
): OnboardingJob {
  return {
    id: randomUUID(),
    cluster: input.cluster,
    input,
    state: 'running',
    startedBy: actor,
    startedAt: now,
    updatedAt: now,
    finishedAt: null,
    steps: ONBOARDING_STEPS.map(({ id, title }) => ({
      id,
      title,
      state: 'pending',
      startedAt: null,
      finishedAt: null,
      messages: [],
    })),
    result: {},
  };
}

function withStep(
  job: OnboardingJob,
  index: number,
  change: Partial<OnboardingStep>,
): OnboardingJob {
  return {
    ...job,
    steps: job.steps.map((s, i) => (i === index ? { ...s, ...change } : s)),
  };
}

function stepContext(
  progress: { readonly job: OnboardingJob },
  index: number,
  actor: string,
  save: (job: OnboardingJob) => Promise<void>,
): StepContext {
  const step = () => progress.job.steps[index];
  return {
    get job() {
      return progress.job;
    },
    actor,
    log: (level, message) =>
      save(
        withStep(progress.job, index, {
          messages: [...step().messages, { level, message }],
        }),
      ),
    attachPreflight: report =>
      save(withStep(progress.job, index, { preflight: report })),
    addResult: result =>
      save({ ...progress.job, result: { ...progress.job.result, ...result } }),
  };
}

/** Fails the running step, skips the ones after it, and says how to carry on. */
function finish(
  job: OnboardingJob,
  now: string,
  failure: OnboardingJob['failure'] & object,
): OnboardingJob {
  const steps = job.steps.map(s => {
    if (s.state === 'running') {
      return { ...s, state: 'failed' as const, finishedAt: now, failure };
    }
    return s.state === 'pending' ? { ...s, state: 'skipped' as const } : s;
  });
  const failed = { ...job, steps };
  return {
    ...failed,
    state: 'failed',
    finishedAt: now,
    failure,
    resume: resumeAdvice(failed),
  };
}

function finishDryRun(job: OnboardingJob, now: string): OnboardingJob {
  const plan = dryRunPlan(job);
  const preflightOk = job.steps[0].preflight?.ok ?? false;
  return {
    ...job,
    state: 'succeeded',
    finishedAt: now,
    result: { preflightOk },
    steps: job.steps.map(s => {
      if (s.state !== 'pending') {
        return s;
      }
      const planned = plan[s.id];
      return {
        ...s,
        state: 'skipped' as const,
        messages: planned ? [{ level: 'info' as const, message: planned }] : [],
      };
    }),
  };
}

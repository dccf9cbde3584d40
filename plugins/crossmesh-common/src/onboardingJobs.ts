import { IntermediateKeyType } from './onboarding';
import { PreflightCheck, PreflightReport } from './preflight';

/**
 * The steps of onboarding a cluster, in the order the backend runs them, with the words
 * the task log and the "Add cluster" dialog show for each.
 *
 * @public
 */
export const ONBOARDING_STEPS = [
  { id: 'preflight', title: 'Preflight' },
  { id: 'issue-intermediate', title: 'Issuing the intermediate CA' },
  { id: 'distribute-cacerts', title: 'Writing cacerts' },
  { id: 'wire-dns', title: 'Wiring DNS' },
  { id: 'register-membership', title: 'Registering the cluster' },
  { id: 'final-preflight', title: 'The final preflight' },
] as const;

/**
 * One step of {@link ONBOARDING_STEPS}.
 *
 * @public
 */
export type OnboardingStepId = (typeof ONBOARDING_STEPS)[number]['id'];

/**
 * Where a step is: `skipped` in a dry run, or after a step before it failed.
 *
 * @public
 */
export type OnboardingStepState =
  | 'pending'
  | 'running'
  | 'done'
  | 'skipped'
  | 'failed';

/**
 * Where a job is; `running` until its last step finished or one failed.
 *
 * @public
 */
export type OnboardingJobState = 'running' | 'succeeded' | 'failed';

/**
 * The `error.code` of a failed onboarding job, or of a refused start (`POST /onboarding-jobs`).
 * Clients branch on these, never on message text.
 *
 * @public
 */
export const ONBOARDING_ERROR_CODES = {
  /** The input is malformed (400); the message says which field and how to fix it. */
  invalidInput: 'crossmesh.onboarding.invalid-input',
  /** The app config sets another gateway address for the cluster (409); nothing was changed. */
  gatewayConflict: 'crossmesh.onboarding.gateway-conflict',
  /** Another onboarding job of the cluster is running (409). */
  alreadyRunning: 'crossmesh.onboarding.already-running',
  /** The preflight found failures onboarding does not fix; nothing was changed. */
  notReady: 'crossmesh.onboarding.not-ready',
  /** A step that changes the cluster or the database failed; `resume` says what was done. */
  stepFailed: 'crossmesh.onboarding.step-failed',
  /** Every step ran, but the final preflight still fails. */
  stillFailing: 'crossmesh.onboarding.still-failing',
  /** The replica running the job stopped before it finished. */
  interrupted: 'crossmesh.onboarding.interrupted',
} as const;

/**
 * One of {@link ONBOARDING_ERROR_CODES}.
 *
 * @public
 */
export type OnboardingErrorCode =
  (typeof ONBOARDING_ERROR_CODES)[keyof typeof ONBOARDING_ERROR_CODES];

/**
 * Why a step or a job failed: the error's type name as `@backstage/errors` names it
 * (`ConflictError`, `NotAllowedError`, ...), a code, and the message to show.
 *
 * @public
 */
export interface OnboardingFailure {
  code: OnboardingErrorCode;
  name: string;
  message: string;
}

/**
 * A line a step reported while it ran.
 *
 * @public
 */
export interface OnboardingMessage {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/**
 * One step of an {@link OnboardingJob}.
 *
 * @public
 */
export interface OnboardingStep {
  id: OnboardingStepId;
  title: string;
  state: OnboardingStepState;
  startedAt: string | null;
  finishedAt: string | null;
  messages: OnboardingMessage[];
  /** The report, on the two preflight steps once they ran. */
  preflight?: PreflightReport;
  failure?: OnboardingFailure;
}

/**
 * Body of `POST /onboarding-jobs`.
 *
 * @public
 */
export interface OnboardingJobInput {
  /** The cluster's name in the Kubernetes plugin's configuration. */
  cluster: string;
  network: string;
  gatewayAddress?: string | null;
  gatewayPort?: number | null;
  keyType?: IntermediateKeyType | null;
  /** Run the preflight and say what a real run would do, changing nothing. */
  dryRun?: boolean;
}

/**
 * What a job produced so far: the intermediate once it was issued or kept, and whether the
 * last preflight passed once one ran.
 *
 * @public
 */
export interface OnboardingJobResult {
  intermediateSerial?: string;
  intermediateFingerprint?: string;
  preflightOk?: boolean;
}

/**
 * An onboarding job as `GET /onboarding-jobs/{jobId}` returns it.
 *
 * @public
 */
export interface OnboardingJob {
  id: string;
  cluster: string;
  input: OnboardingJobInput;
  state: OnboardingJobState;
  startedBy: string;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  steps: OnboardingStep[];
  result: OnboardingJobResult;
  failure?: OnboardingFailure;
  /** After a failure: what was done, and how to carry on. */
  resume?: string;
}

const CHECK_MARK: Record<PreflightCheck['status'], string> = {
  pass: 'pass',
  warn: 'WARN',
  fail: 'FAIL',
  skipped: 'skip',
};

/**
 * One line for a preflight check: status, title, what was found and, when not passed, the
 * remedy.
 *
 * @public
 */
export function describePreflightCheck(check: PreflightCheck): string {
  return `[${CHECK_MARK[check.status]}] ${check.title}: ${check.detail}${
    check.remedy && check.status !== 'pass' ? ` Fix: ${check.remedy}` : ''
  }`;
}

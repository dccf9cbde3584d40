import {
  OnboardingJob,
  OnboardingStep,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/** Steps that change the cluster or the database when they do something. */
const CHANGING_STEPS = new Set([
  'issue-intermediate',
  'distribute-cacerts',
  'wire-dns',
  'register-membership',
]);

/**
 * What a failed job did before it failed and how to carry on: every step is safe to run
 * again, so starting the same onboarding again resumes it.
 *
 * @internal
 */
export function resumeAdvice(job: OnboardingJob): string {
  const done = job.steps.filter(
    s => s.state === 'done' && CHANGING_STEPS.has(s.id),
  );
  const unfinished = job.steps.find(
    s => s.state === 'failed' && CHANGING_STEPS.has(s.id),
  );
  const said = [];
  if (done.length) {
    said.push(
      `Done before the failure, and kept: ${done
        .map(withMessages)
        .join('; ')}.`,
    );
  }
  if (unfinished) {
    said.push(
      `${unfinished.title} did not finish; what it did is in its messages, and running it again completes it.`,
    );
  }
  const again = `Fix the cause above, then start onboarding of ${job.cluster} again with the same input`;
  if (!said.length) {
    return `Nothing was changed. ${again}.`;
  }
  return `${said.join(
    ' ',
  )} ${again}: the steps already done change nothing the second time (the intermediate is kept while cacerts chains to the mesh root), and the rest runs.`;
}

function withMessages(step: OnboardingStep): string {
  return step.messages.length
    ? `${step.title} (${step.messages.map(m => m.message).join('; ')})`
    : step.title;
}

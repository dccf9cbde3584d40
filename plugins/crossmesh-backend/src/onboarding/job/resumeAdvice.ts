import { OnboardingJob } from '@crossmesh/backstage-plugin-crossmesh-common';

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
  const again = `start onboarding of ${job.cluster} again with the same input`;
  const done = job.steps.filter(
    s => s.state === 'done' && CHANGING_STEPS.has(s.id),
  );
  if (!done.length) {
    return `Nothing was changed. Fix the cause above, then ${again}.`;
  }
  const what = done
    .map(
      s =>
        `${s.title}${
          s.messages.length
            ? ` (${s.messages.map(m => m.message).join('; ')})`
            : ''
        }`,
    )
    .join('; ');
  return `Done before the failure, and kept: ${what}. Fix the cause above, then ${again}: the steps already done change nothing the second time (the intermediate is kept while cacerts chains to the mesh root), and the rest runs.`;
}

import {
  OnboardingJob,
  OnboardingStep,
  OnboardingStepState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { StatusKind, StatusLabel, Words } from '../shared';

const stepStates: Record<
  OnboardingStepState,
  { words: string; status: StatusKind }
> = {
  pending: { words: 'Waiting', status: 'pending' },
  running: { words: 'Running', status: 'running' },
  done: { words: 'Done', status: 'ok' },
  skipped: { words: 'Skipped', status: 'aborted' },
  failed: { words: 'Failed', status: 'error' },
};

function preflightSummary(step: OnboardingStep): string | undefined {
  const report = step.preflight;
  if (!report) {
    return undefined;
  }
  const failed = report.checks.filter(c => c.status === 'fail').length;
  return report.ok
    ? `No check failed (${report.checks.length} checks).`
    : `${failed} of ${report.checks.length} checks failed.`;
}

function Step({ step, dryRun }: { step: OnboardingStep; dryRun: boolean }) {
  const { words, status } = stepStates[step.state];
  const summary = preflightSummary(step);
  return (
    <ListItem
      aria-label={`${step.title}: ${words}`}
      divider
      style={{ display: 'block' }}
    >
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <StatusLabel status={status}>{words}</StatusLabel>
        <Typography variant="subtitle2" component="span">
          {step.title}
        </Typography>
      </Box>
      {summary && (
        <Typography variant="body2">
          <Words>{summary}</Words>
        </Typography>
      )}
      {step.messages.map((m, i) => (
        <Typography
          key={i}
          variant="body2"
          color={m.level === 'info' ? 'textPrimary' : 'error'}
        >
          <Words>
            {dryRun && step.state === 'skipped'
              ? `Would ${m.message}`
              : m.message}
          </Words>
        </Typography>
      ))}
    </ListItem>
  );
}

/** An onboarding job's steps in order, each with its state and what it reported. */
export function OnboardingProgress({ job }: { job: OnboardingJob }) {
  const dryRun = job.input.dryRun ?? false;
  return (
    <>
      <List aria-label={`Onboarding steps of ${job.cluster}`}>
        {job.steps.map(step => (
          <Step key={step.id} step={step} dryRun={dryRun} />
        ))}
      </List>
      {job.state === 'succeeded' && (
        <Alert severity="success">
          <Words>
            {dryRun
              ? `Dry run of ${job.cluster}: nothing was changed.`
              : `${job.cluster} is in the mesh.`}
          </Words>
        </Alert>
      )}
      {job.failure && (
        <Alert severity="error">
          <Typography variant="body2" style={{ whiteSpace: 'pre-line' }}>
            {job.failure.message}
          </Typography>
          {job.resume && (
            <Typography variant="body2">
              <Words>{job.resume}</Words>
            </Typography>
          )}
        </Alert>
      )}
    </>
  );
}

import {
  IntermediateKeyType,
  ONBOARDING_ERROR_CODES,
  OnboardingJobInput,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { FormEvent, useId, useState } from 'react';
import { errorCode, errorMessage } from '../errorMessage';
import { Words } from '../shared';
import { OnboardingProgress } from './OnboardingProgress';
import { ONBOARDING_POLL_MS, useOnboardingJob } from './useOnboardingJob';

const KEY_TYPES: Array<{ value: IntermediateKeyType | ''; label: string }> = [
  { value: '', label: 'The configured key type' },
  { value: 'ecdsa-p256', label: 'ECDSA P-256' },
  { value: 'rsa-2048', label: 'RSA 2048' },
  { value: 'rsa-4096', label: 'RSA 4096' },
];

interface FormValues {
  cluster: string;
  network: string;
  gatewayAddress: string;
  gatewayPort: string;
  keyType: IntermediateKeyType | '';
}

function jobInput(values: FormValues, dryRun: boolean): OnboardingJobInput {
  const port = values.gatewayPort.trim();
  return {
    cluster: values.cluster.trim(),
    network: values.network.trim(),
    gatewayAddress: values.gatewayAddress.trim() || null,
    // A port that is not a number goes to the backend as it is, which says what is wrong.
    gatewayPort: port ? (Number(port) as number) : null,
    keyType: values.keyType || null,
    dryRun,
  };
}

/**
 * Onboards a cluster through the backend's onboarding job: a form with what the
 * membership needs, then the job's steps and their progress as the backend reports them.
 * A refused start shows the backend's words; the form stays filled so it can be fixed.
 */
export function AddClusterDialog(props: {
  /** Names of configured clusters not in the mesh yet, offered in the cluster field. */
  candidates: string[];
  onClose: (changed: boolean) => void;
  /** How often the job is read while it runs. */
  pollMs?: number;
}) {
  const { candidates, onClose } = props;
  const titleId = useId();
  const { job, error, starting, start } = useOnboardingJob(
    props.pollMs ?? ONBOARDING_POLL_MS,
  );
  const [values, setValues] = useState<FormValues>({
    cluster: candidates[0] ?? '',
    network: '',
    gatewayAddress: '',
    gatewayPort: '',
    keyType: '',
  });
  /** The props every field of the form shares: its id, value and change. */
  const field = (name: keyof FormValues) => ({
    id: `${titleId}-${name}`,
    fullWidth: true,
    margin: 'dense' as const,
    value: values[name],
    onChange: (e: { target: { value: string } }) =>
      setValues(v => ({ ...v, [name]: e.target.value })),
  });

  const running = job?.state === 'running';
  const refused =
    !job && error
      ? {
          message: errorMessage(error),
          gateway: errorCode(error) === ONBOARDING_ERROR_CODES.gatewayConflict,
        }
      : undefined;
  const submit = (dryRun: boolean) => (e?: FormEvent) => {
    e?.preventDefault();
    start(jobInput(values, dryRun));
  };

  return (
    <Dialog
      open
      onClose={() => !running && onClose(!!job && !job.input.dryRun)}
      aria-labelledby={titleId}
      maxWidth="md"
      fullWidth
      scroll="body"
    >
      <DialogTitle id={titleId}>Add a cluster to the mesh</DialogTitle>
      <DialogContent>
        {!job && (
          <form aria-label="Cluster to onboard" onSubmit={submit(false)}>
            <Typography paragraph variant="body2">
              crossmesh checks the cluster, issues its intermediate CA from the
              mesh root and writes cacerts, wires the DNS its strategy needs
              (the .global forwarding of legacy-global meshes; none where
              sidecars resolve names) and registers it; each step is made once,
              so starting again after a failure resumes.
            </Typography>
            <TextField
              label="Cluster"
              required
              {...field('cluster')}
              helperText={
                candidates.length
                  ? `Not in the mesh yet: ${candidates.join(', ')}`
                  : "Its name in the Kubernetes plugin's configuration"
              }
            />
            <TextField
              label="Network"
              required
              {...field('network')}
              helperText="The cluster's Istio network name, e.g. network-1"
            />
            <TextField
              label="Gateway address"
              {...field('gatewayAddress')}
              error={refused?.gateway}
              helperText="Where other clusters reach its gateway, instead of the address discovered (optional)"
            />
            <TextField
              label="Gateway port"
              {...field('gatewayPort')}
              inputProps={{ inputMode: 'numeric' }}
              helperText="15443 when left empty"
            />
            <TextField
              select
              label="Key type of its intermediate CA"
              {...field('keyType')}
            >
              {KEY_TYPES.map(k => (
                <MenuItem key={k.value} value={k.value}>
                  {k.label}
                </MenuItem>
              ))}
            </TextField>
            {/* Submitting with Enter starts the real run, as the button does. */}
            <button type="submit" hidden aria-hidden tabIndex={-1} />
          </form>
        )}
        {refused && (
          <Alert severity="error" role="alert">
            <Words>Onboarding did not start: {refused.message}</Words>
          </Alert>
        )}
        {job && <OnboardingProgress job={job} />}
        {job && error && (
          <Alert severity="warning">
            <Words>
              Could not read the job's progress; trying again:{' '}
              {errorMessage(error)}
            </Words>
          </Alert>
        )}
      </DialogContent>
      <DialogActions>
        {!job && (
          <>
            <Button onClick={() => onClose(false)}>Cancel</Button>
            <Button disabled={starting} onClick={submit(true)}>
              Check only
            </Button>
            <Button
              color="primary"
              variant="contained"
              disabled={starting}
              onClick={submit(false)}
            >
              Start onboarding
            </Button>
          </>
        )}
        {job && (
          <Button
            color="primary"
            disabled={running}
            onClick={() => onClose(!job.input.dryRun)}
          >
            {running ? 'Running…' : 'Close'}
          </Button>
        )}
      </DialogActions>
    </Dialog>
  );
}

import { CacertsDistribution } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import { StatusKind, StatusLabel, Words } from '../shared';

/** What one step did, and what writing each cluster's `cacerts` did. */
export interface TrustOutcome {
  summary: string;
  distribution: CacertsDistribution[];
}

function distributionWords(d: CacertsDistribution): string {
  if (d.error) return d.error;
  const restarted = d.restarted.length
    ? `; restarted ${d.restarted.join(', ')}`
    : '';
  const missing = d.missingDeployments.length
    ? `; not found to restart: ${d.missingDeployments.join(', ')}`
    : '';
  return d.changed || d.secretWritten
    ? `cacerts written${restarted}${missing}`
    : `cacerts already up to date${restarted}${missing}`;
}

function distributionStatus(d: CacertsDistribution): StatusKind {
  if (d.error) return 'error';
  return d.missingDeployments.length ? 'warning' : 'ok';
}

/** The result of the last trust step, cluster by cluster, until dismissed. */
export function DistributionResults(props: {
  outcome: TrustOutcome;
  onDismiss: () => void;
}) {
  const { outcome, onDismiss } = props;
  return (
    <Box
      role="status"
      aria-label="Result of the last trust step"
      border={1}
      borderColor="divider"
      borderRadius={4}
      px={2}
      py={1}
      mb={2}
      display="flex"
      alignItems="flex-start"
    >
      <Box flexGrow={1}>
        <Typography variant="subtitle2" component="p">
          <Words>{outcome.summary}</Words>
        </Typography>
        {outcome.distribution.length > 0 && (
          <ul style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}>
            {outcome.distribution.map(d => (
              <Typography component="li" variant="body2" key={d.cluster}>
                <StatusLabel status={distributionStatus(d)}>
                  <Words>{`${d.cluster}: ${distributionWords(d)}`}</Words>
                </StatusLabel>
              </Typography>
            ))}
          </ul>
        )}
      </Box>
      <IconButton
        size="small"
        aria-label="Dismiss the result"
        onClick={onDismiss}
      >
        <CloseIcon fontSize="small" />
      </IconButton>
    </Box>
  );
}

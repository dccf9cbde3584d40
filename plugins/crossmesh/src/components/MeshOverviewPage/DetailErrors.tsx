import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../errorMessage';
import { Words } from '../shared';
import { ClusterDetails } from './useClusterDetails';

const what: Record<keyof ClusterDetails, string> = {
  trust: 'The root and intermediate CAs',
  drift: "The clusters' cacerts",
  reconcile: 'The last reconcile pass',
};

/** Says which details could not be loaded and why; the table shows the rest. */
export function DetailErrors({ details }: { details: ClusterDetails }) {
  const failed = (Object.keys(what) as Array<keyof ClusterDetails>).filter(
    key => details[key].error,
  );
  if (failed.length === 0) return null;
  return (
    <Box px={2} py={1}>
      {failed.map(key => (
        <Alert severity="warning" key={key}>
          <Words>
            {`${what[key]} could not be loaded: ${errorMessage(
              details[key].error!,
            )}`}
          </Words>
        </Alert>
      ))}
    </Box>
  );
}

import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { errorMessage } from '../errorMessage';

/** A failed load in the backend's own words, with a way to try again. */
export function LoadErrorPanel(props: {
  what: string;
  error: Error;
  onRetry: () => void;
}) {
  const { what, error, onRetry } = props;
  return (
    <>
      <ResponseErrorPanel
        title={`Could not load ${what}: ${errorMessage(error)}`}
        error={error}
      />
      <Box mt={2}>
        <Button variant="outlined" color="primary" onClick={onRetry}>
          Try again
        </Button>
      </Box>
    </>
  );
}

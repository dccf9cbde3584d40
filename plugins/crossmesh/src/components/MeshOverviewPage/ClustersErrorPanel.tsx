import { ResponseErrorPanel } from '@backstage/core-components';
import Button from '@material-ui/core/Button';
import { errorMessage } from '../errorMessage';

export function ClustersErrorPanel(props: {
  error: Error;
  onRetry: () => void;
}) {
  const { error, onRetry } = props;
  return (
    <>
      <ResponseErrorPanel
        title={`Could not load the mesh's clusters: ${errorMessage(error)}`}
        error={error}
      />
      <Button variant="outlined" color="primary" onClick={onRetry}>
        Try again
      </Button>
    </>
  );
}

import { TrustKeyEncryption } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import { useId } from 'react';
import { Words } from '../shared';

/**
 * Says that the backend cannot use the private keys it holds (its key-encryption secret is
 * missing or wrong), what the backend said, and that trust steps wait for the fix.
 * Nothing when the keys work.
 */
export function KeyEncryptionAlert(props: { state: TrustKeyEncryption }) {
  const titleId = useId();
  if (props.state.ok) {
    return null;
  }
  return (
    <Box mb={2}>
      <Alert severity="error" aria-labelledby={titleId}>
        <AlertTitle id={titleId}>
          The mesh's private keys are out of reach
        </AlertTitle>
        <Words>
          {`${
            props.state.message ?? 'The key-encryption secret does not work.'
          } Until an operator fixes the backend's configuration, every trust step that needs a key is refused.`}
        </Words>
      </Alert>
    </Box>
  );
}

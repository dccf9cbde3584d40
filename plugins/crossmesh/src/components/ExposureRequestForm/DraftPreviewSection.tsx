import { Progress } from '@backstage/core-components';
import { NewExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { errorMessage } from '../errorMessage';
import { ManifestPreview, Words } from '../shared';
import { useDraftPreview } from './useDraftPreview';

/** The manifests approval would apply, for the draft as it stands. */
export function DraftPreviewSection(props: {
  draft: NewExposureRequest | undefined;
}) {
  const { loading, preview, error } = useDraftPreview(props.draft);
  let body;
  if (!props.draft) {
    body = (
      <Typography variant="body2" color="textSecondary">
        The manifests appear here once every field is valid.
      </Typography>
    );
  } else if (loading) {
    body = <Progress aria-label="Loading the manifests" />;
  } else if (error) {
    // An Alert rather than Backstage's WarningPanel, whose title is an h6 that would
    // skip heading levels under this section's heading.
    body = (
      <Alert severity="error">
        <Words>{`No preview: ${errorMessage(error)}`}</Words>
      </Alert>
    );
  } else if (preview) {
    body = <ManifestPreview preview={preview} />;
  }
  return (
    <Box
      component="section"
      aria-labelledby="crossmesh-draft-preview-title"
      mt={2}
    >
      <Typography
        variant="h6"
        component="h3"
        id="crossmesh-draft-preview-title"
      >
        What approval would apply
      </Typography>
      {body}
    </Box>
  );
}

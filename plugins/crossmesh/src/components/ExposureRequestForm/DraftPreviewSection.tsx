import { Progress, WarningPanel } from '@backstage/core-components';
import { NewExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import { errorMessage } from '../errorMessage';
import { ManifestPreview } from '../shared';
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
    body = (
      <WarningPanel
        severity="error"
        title={`No preview: ${errorMessage(error)}`}
      />
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

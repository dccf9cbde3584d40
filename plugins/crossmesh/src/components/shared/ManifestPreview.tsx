import { CodeSnippet } from '@backstage/core-components';
import { ExposurePreview } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Words } from './Words';

/** The exact YAML approval would apply, one block per cluster. */
export function ManifestPreview(props: { preview: ExposurePreview }) {
  const { preview } = props;
  return (
    <Box>
      <Typography variant="body2" paragraph>
        Host <code>{preview.host}</code>, VIP <code>{preview.vip}</code>
        {preview.vipIsProvisional
          ? ' (provisional: the VIP is allocated at approval)'
          : ''}
      </Typography>
      {preview.clusters.map(cluster => (
        <Box
          key={`${cluster.role}-${cluster.cluster}`}
          mb={2}
          component="section"
          aria-label={`Manifests for ${cluster.cluster}`}
        >
          <Typography variant="subtitle2" component="h4">
            {cluster.cluster} ({cluster.role})
          </Typography>
          {cluster.error ? (
            <Alert severity="error">
              <Words>{cluster.error}</Words>
            </Alert>
          ) : (
            // Plain text: the highlighter's YAML colours fall below WCAG's contrast
            // ratio on both of Backstage's themes.
            <CodeSnippet
              text={cluster.yaml}
              language="text"
              showCopyCodeButton
            />
          )}
        </Box>
      ))}
    </Box>
  );
}

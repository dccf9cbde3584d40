import { CodeSnippet } from '@backstage/core-components';
import { ExposurePreview } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { Words } from './Words';

/**
 * The exact YAML approval would apply, one block per cluster; under multi-primary, the
 * mesh-config entry each consumer cluster gains, and what that grants.
 */
export function ManifestPreview(props: { preview: ExposurePreview }) {
  const { preview } = props;
  const multiPrimary = preview.clusters.some(c => c.meshConfig !== undefined);
  return (
    <Box>
      {multiPrimary ? (
        <Typography variant="body2" paragraph>
          Multi-primary mesh: approval writes no Istio object. Each consumer
          cluster's mesh config stops keeping the Service cluster-local, so
          every workload in that cluster can reach it by its own name, in any
          namespace: the grant is the clusters, not the namespaces. Other
          clusters keep receiving none of its endpoints.
        </Typography>
      ) : (
        <Typography variant="body2" paragraph>
          Host <code>{preview.host}</code>, VIP <code>{preview.vip}</code>
          {preview.vipIsProvisional
            ? ' (provisional: the VIP is allocated at approval)'
            : ''}
        </Typography>
      )}
      {preview.clusters.map(cluster => (
        <Box
          key={`${cluster.role}-${cluster.cluster}`}
          mb={2}
          component="section"
          aria-label={`Manifests for ${cluster.cluster}`}
        >
          <Typography variant="subtitle2" component="h4">
            {cluster.cluster} ({cluster.role})
            {cluster.meshConfig !== undefined &&
              ': serviceSettings added to the mesh config (ConfigMap istio-system/istio)'}
          </Typography>
          {cluster.error ? (
            <Alert severity="error">
              <Words>{cluster.error}</Words>
            </Alert>
          ) : (
            // Plain text: the highlighter's YAML colours fall below WCAG's contrast
            // ratio on both of Backstage's themes.
            <CodeSnippet
              text={cluster.meshConfig ?? cluster.yaml}
              language="text"
              showCopyCodeButton
            />
          )}
        </Box>
      ))}
    </Box>
  );
}

import { TrustState } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { useReadableStyles, Words } from '../shared';
import { RootSource } from './rootForm';

/**
 * The mesh has no root yet: what the root is for, and the buttons that make one. Without
 * the permission to manage trust, who can.
 */
export function RootSetup(props: {
  mode: TrustState['mode'];
  canManage: boolean;
  onCreate: (source: RootSource) => void;
}) {
  const { mode, canManage, onCreate } = props;
  const classes = useReadableStyles();
  return (
    <Box component="section" aria-label="Create the mesh's root CA" mb={2}>
      <Typography variant="h6" component="h3" gutterBottom>
        Create the mesh's root CA
      </Typography>
      <Typography variant="body2" paragraph>
        <Words>
          One root CA signs an intermediate CA for each cluster, so that
          workloads in one cluster trust those in another. Until it exists, each
          istiod signs with its own self-signed root and the clusters do not
          trust each other.{' '}
          {mode === 'offline-root'
            ? 'This mesh keeps its root key offline: import the root certificate, then sign each cluster’s CSR with the root key.'
            : 'Generate one here, or import the root you already use (for example one made with cfssl or Istio’s tools/certs).'}
        </Words>
      </Typography>
      {canManage ? (
        <div className={classes.actions}>
          {mode === 'managed' && (
            <Button
              variant="contained"
              color="primary"
              onClick={() => onCreate('generate')}
            >
              Generate root
            </Button>
          )}
          <Button
            variant={mode === 'managed' ? 'outlined' : 'contained'}
            color="primary"
            onClick={() => onCreate('import')}
          >
            {mode === 'managed' ? 'Import root' : 'Import root certificate'}
          </Button>
        </div>
      ) : (
        <Typography variant="body2" color="textSecondary">
          Creating it needs the crossmesh.trust.manage permission.
        </Typography>
      )}
    </Box>
  );
}

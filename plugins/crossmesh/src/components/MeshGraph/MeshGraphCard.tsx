import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { MeshGraph, MeshGraphProps } from './MeshGraph';
import { GRAPH_REQUEST_STATES, meshEdgesOf } from './meshGraphModel';
import { CARD_TITLE } from '../shared';

const LIMIT = 500;

/**
 * Props of {@link MeshGraphCard}.
 *
 * @internal
 */
export interface MeshGraphCardProps {
  /** The mesh's clusters when loaded; clusters named by exposures are drawn anyway. */
  clusters?: MeshCluster[];
}

/**
 * The exposures between the mesh's clusters as a graph, with loading, empty and error
 * states of its own.
 *
 * @internal
 */
export function MeshGraphCard({ clusters }: MeshGraphCardProps) {
  const api = useApi(crossmeshApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () =>
      api.listExposures({ state: GRAPH_REQUEST_STATES, limit: LIMIT }),
    [api],
  );

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <>
        <Alert severity="error">
          Could not load the exposures: {errorMessage(error)}
        </Alert>
        <Box mt={1}>
          <Button variant="outlined" color="primary" onClick={retry}>
            Reload exposures
          </Button>
        </Box>
      </>
    );
  } else {
    const edges = meshEdgesOf(value?.items ?? []);
    const nodes: MeshGraphProps['clusters'] = (clusters ?? []).map(c => ({
      name: c.name,
      reachable: c.reachable,
    }));
    for (const name of edges.flatMap(e => [e.source, e.consumer])) {
      if (!nodes.some(n => n.name === name)) nodes.push({ name });
    }
    body = (
      <>
        {edges.length === 0 && (
          <Typography paragraph>
            No active or in-flight exposures: service owners request them from
            their component's Mesh tab.
          </Typography>
        )}
        {value && value.totalCount > value.items.length && (
          <Typography paragraph>
            Showing the newest {value.items.length} of {value.totalCount}{' '}
            exposures.
          </Typography>
        )}
        {nodes.length > 0 && <MeshGraph clusters={nodes} edges={edges} />}
      </>
    );
  }

  return (
    <Box component="section" aria-label="Exposures between clusters">
      <InfoCard
        titleTypographyProps={CARD_TITLE}
        title="Exposures between clusters"
        subheader="Active exposures and those under way, from the cluster a service runs in to each cluster that may call it"
      >
        {body}
      </InfoCard>
    </Box>
  );
}

import { InfoCard, Progress } from '@backstage/core-components';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useMeshClusters } from '../../hooks';
import { ClustersErrorPanel } from './ClustersErrorPanel';
import { ClustersTable } from './ClustersTable';
import { NoClustersState } from './NoClustersState';

/**
 * The clusters of the mesh, with loading, empty and error states, without a
 * page around them.
 *
 * @public
 */
export function MeshOverviewContent() {
  const { clusters, loading, error, retry } = useMeshClusters();

  if (loading) {
    return <Progress />;
  }
  if (error) {
    return <ClustersErrorPanel error={error} onRetry={retry} />;
  }
  if (!clusters?.length) {
    return <NoClustersState />;
  }
  return (
    <InfoCard
      title="Clusters"
      subheader="Each cluster as crossmesh read it from its API"
      action={
        <Tooltip title="Reload clusters">
          <IconButton aria-label="Reload clusters" onClick={retry}>
            <RefreshIcon />
          </IconButton>
        </Tooltip>
      }
      noPadding
    >
      <ClustersTable clusters={clusters} />
    </InfoCard>
  );
}

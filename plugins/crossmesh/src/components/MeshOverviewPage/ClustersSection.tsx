import { InfoCard, Progress } from '@backstage/core-components';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useState } from 'react';
import { ClustersErrorPanel } from './ClustersErrorPanel';
import { ClustersTable } from './ClustersTable';
import { DetailErrors } from './DetailErrors';
import { NoClustersState } from './NoClustersState';
import { PreflightDialog } from './PreflightDialog';
import { TrustSummary } from './TrustSummary';
import { useClusterDetails } from './useClusterDetails';

function ClustersCard(props: {
  clusters: MeshCluster[];
  onReload: () => void;
}) {
  const { clusters, onReload } = props;
  const { retry, ...details } = useClusterDetails();
  const [preflightOf, setPreflightOf] = useState<string>();
  return (
    <InfoCard
      title="Clusters"
      subheader="Each cluster as crossmesh read it from its API, its trust and the last reconcile pass"
      action={
        <Tooltip title="Reload clusters">
          <IconButton
            aria-label="Reload clusters"
            onClick={() => {
              onReload();
              retry();
            }}
          >
            <RefreshIcon />
          </IconButton>
        </Tooltip>
      }
      noPadding
    >
      <TrustSummary trust={details.trust} />
      <DetailErrors details={details} />
      <Box overflow="auto">
        <ClustersTable
          clusters={clusters}
          details={details}
          onRunPreflight={setPreflightOf}
        />
      </Box>
      {preflightOf && (
        <PreflightDialog
          clusterName={preflightOf}
          onClose={() => setPreflightOf(undefined)}
        />
      )}
    </InfoCard>
  );
}

/** The clusters of the mesh, with loading, empty and error states. */
export function ClustersSection(props: {
  clusters?: MeshCluster[];
  loading: boolean;
  error?: Error;
  retry: () => void;
}) {
  const { clusters, loading, error, retry } = props;
  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ClustersErrorPanel error={error} onRetry={retry} />;
  } else if (!clusters?.length) {
    body = <NoClustersState />;
  } else {
    body = <ClustersCard clusters={clusters} onReload={retry} />;
  }
  return (
    <Box component="section" aria-label="Clusters">
      {body}
    </Box>
  );
}

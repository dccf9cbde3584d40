import { InfoCard, Progress } from '@backstage/core-components';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';
import { useState } from 'react';
import { useReadableStyles, CARD_TITLE, ScrollArea } from '../shared';
import { AddClusterButton } from './AddClusterButton';
import { ClustersErrorPanel } from './ClustersErrorPanel';
import { ClustersTable } from './ClustersTable';
import { DetailErrors } from './DetailErrors';
import { NoClustersState } from './NoClustersState';
import { PreflightDialog } from './PreflightDialog';
import { ClusterDetailsLoader } from './useClusterDetails';

function ClustersCard(props: {
  clusters: MeshCluster[];
  details: ClusterDetailsLoader;
  onReload: () => void;
}) {
  const { clusters, details, onReload } = props;
  const classes = useReadableStyles();
  const [preflightOf, setPreflightOf] = useState<string>();
  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title="Clusters"
      subheader="Each cluster as crossmesh read it from its API; open a row for its gateway, DNS wiring and trust"
      action={
        <Box className={classes.actions} mt={1}>
          <AddClusterButton
            variant="outlined"
            clusters={clusters}
            onAdded={() => {
              onReload();
              details.retry();
            }}
          />
          <Tooltip title="Reload clusters">
            <IconButton
              aria-label="Reload clusters"
              onClick={() => {
                onReload();
                details.retry();
              }}
            >
              <RefreshIcon />
            </IconButton>
          </Tooltip>
        </Box>
      }
      noPadding
    >
      <DetailErrors details={details} />
      <ScrollArea label="Clusters table">
        <ClustersTable
          clusters={clusters}
          details={details}
          onRunPreflight={setPreflightOf}
        />
      </ScrollArea>
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
  details: ClusterDetailsLoader;
}) {
  const { clusters, loading, error, retry, details } = props;
  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = <ClustersErrorPanel error={error} onRetry={retry} />;
  } else if (!clusters?.length) {
    body = <NoClustersState />;
  } else {
    body = (
      <ClustersCard clusters={clusters} details={details} onReload={retry} />
    );
  }
  return (
    <Box component="section" aria-label="Clusters">
      {body}
    </Box>
  );
}

import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import Box from '@material-ui/core/Box';
import TablePagination from '@material-ui/core/TablePagination';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useMemo, useState } from 'react';
import { useMeshClusters } from '../../hooks';
import { LoadErrorPanel } from './LoadErrorPanel';
import { PendingRequestsTable } from './PendingRequestsTable';
import { RequestFilterValues, RequestFilters } from './RequestFilters';
import { ReviewDialog } from './ReviewDialog';
import { involvesCluster } from './requestWords';
import { useDecisionRights } from './useDecisionRights';
import { ownerOfRequest, useEntityOwners } from './useEntityOwners';
import { usePendingRequests } from './usePendingRequests';
import { CARD_TITLE } from '../shared';

const PAGE_SIZES = [10, 25, 50];

function DecisionNotice(props: { text?: string; onDismiss: () => void }) {
  if (!props.text) {
    return null;
  }
  return (
    <Box mb={2}>
      <Alert severity="success" onClose={props.onDismiss}>
        {props.text}
      </Alert>
    </Box>
  );
}

/** The inbox: pending requests, filtered by cluster and team, each opening for review. */
export function PendingRequestsTab() {
  const { requests, error, reload } = usePendingRequests();
  const { clusters: meshClusters } = useMeshClusters();
  const rights = useDecisionRights();
  const { owners } = useEntityOwners(requests?.map(r => r.entityRef) ?? []);
  const [filters, setFilters] = useState<RequestFilterValues>({
    cluster: '',
    team: '',
  });
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);
  const [reviewing, setReviewing] = useState<ExposureRequest>();
  const [notice, setNotice] = useState<string>();

  const clusters = useMemo(() => {
    const names = new Set(meshClusters?.map(c => c.name));
    if (filters.cluster) {
      names.add(filters.cluster);
    }
    for (const request of requests ?? []) {
      names.add(request.sourceCluster);
      request.consumerClusters.forEach(c => names.add(c));
    }
    return [...names].sort();
  }, [meshClusters, requests, filters.cluster]);
  const teams = useMemo(() => {
    const refs = new Set(owners.values());
    if (filters.team) {
      refs.add(filters.team);
    }
    return [...refs].sort();
  }, [owners, filters.team]);
  const matching = useMemo(
    () =>
      (requests ?? []).filter(
        request =>
          (!filters.cluster || involvesCluster(request, filters.cluster)) &&
          (!filters.team ||
            ownerOfRequest(owners, request.entityRef) === filters.team),
      ),
    [requests, owners, filters],
  );

  const lastPage = Math.max(0, Math.ceil(matching.length / pageSize) - 1);
  const shownPage = Math.min(page, lastPage);
  const shown = matching.slice(
    shownPage * pageSize,
    (shownPage + 1) * pageSize,
  );

  const notices = (
    <DecisionNotice text={notice} onDismiss={() => setNotice(undefined)} />
  );

  if (!requests) {
    if (error) {
      return (
        <>
          {notices}
          <LoadErrorPanel
            what="the pending requests"
            error={error}
            onRetry={reload}
          />
        </>
      );
    }
    return <Progress />;
  }

  return (
    <>
      {notices}
      {!rights.loading && !rights.canDecide && (
        <Box mb={2}>
          <Alert severity="info">
            You can read these requests but not approve or reject them: that
            needs the crossmesh.exposure.decide permission.
          </Alert>
        </Box>
      )}
      {requests.length === 0 ? (
        <EmptyState
          missing="data"
          title="No requests are waiting for a decision"
          description="When a service owner asks to expose a component to other clusters, the request appears here."
        />
      ) : (
        <InfoCard
          titleTypographyProps={CARD_TITLE}
          title="Pending requests"
          subheader={`${requests.length} waiting for a decision${
            matching.length === requests.length
              ? ''
              : `, ${matching.length} match the filters`
          }`}
          noPadding
        >
          <Box px={2} pt={2}>
            <RequestFilters
              clusters={clusters}
              teams={teams}
              values={filters}
              onChange={values => {
                setFilters(values);
                setPage(0);
              }}
            />
          </Box>
          {matching.length === 0 ? (
            <Box px={2} pb={2}>
              <Typography>No pending request matches these filters.</Typography>
            </Box>
          ) : (
            <>
              <PendingRequestsTable
                requests={shown}
                owners={owners}
                userEntityRef={rights.userEntityRef}
                onReview={setReviewing}
              />
              <TablePagination
                component="div"
                count={matching.length}
                page={shownPage}
                rowsPerPage={pageSize}
                rowsPerPageOptions={PAGE_SIZES}
                onPageChange={(_event, next) => setPage(next)}
                onRowsPerPageChange={event => {
                  setPageSize(Number(event.target.value));
                  setPage(0);
                }}
              />
            </>
          )}
        </InfoCard>
      )}
      {reviewing && (
        <ReviewDialog
          request={reviewing}
          owner={ownerOfRequest(owners, reviewing.entityRef)}
          rights={rights}
          onClose={() => setReviewing(undefined)}
          onDecided={(decided, decision) => {
            setReviewing(undefined);
            setNotice(
              decision === 'approve'
                ? `Approved ${decided.host}. It is under Decided, where each cluster's progress shows.`
                : `Rejected ${decided.host}. It is under Decided.`,
            );
            reload();
          }}
          onDecisionFailed={reload}
        />
      )}
    </>
  );
}

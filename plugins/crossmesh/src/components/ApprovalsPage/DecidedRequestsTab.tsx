import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import TablePagination from '@material-ui/core/TablePagination';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { useMeshClusters } from '../../hooks';
import { DecidedRequestsTable } from './DecidedRequestsTable';
import { LoadErrorPanel } from './LoadErrorPanel';
import { RequestFilterValues, RequestFilters } from './RequestFilters';
import { useDecidedRequests } from './useDecidedRequests';
import { useEntityOwners } from './useEntityOwners';
import { CARD_TITLE } from '../shared';

const PAGE_SIZES = [10, 25, 50];

/**
 * The history: every decided request, newest first, paged and filtered by cluster in the
 * backend because it only grows.
 */
export function DecidedRequestsTab() {
  const [filters, setFilters] = useState<RequestFilterValues>({
    cluster: '',
    team: '',
  });
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(PAGE_SIZES[0]);
  const { list, error, reload } = useDecidedRequests({
    cluster: filters.cluster || undefined,
    page,
    pageSize,
  });
  const { clusters: meshClusters } = useMeshClusters();
  const { owners } = useEntityOwners(list?.items.map(r => r.entityRef) ?? []);

  const clusters = useMemo(() => {
    const names = new Set(meshClusters?.map(c => c.name));
    if (filters.cluster) {
      names.add(filters.cluster);
    }
    return [...names].sort();
  }, [meshClusters, filters.cluster]);

  if (error) {
    return (
      <LoadErrorPanel
        what="the decided requests"
        error={error}
        onRetry={reload}
      />
    );
  }
  if (!list) {
    return <Progress />;
  }
  if (list.totalCount === 0 && !filters.cluster) {
    return (
      <EmptyState
        missing="data"
        title="No request has been decided yet"
        description="Approved, rejected, cancelled and revoked requests stay here with their history."
      />
    );
  }

  return (
    <InfoCard
      titleTypographyProps={CARD_TITLE}
      title="Decided requests"
      subheader="Who decided, when and why, and how far each cluster got"
      noPadding
    >
      <Box px={2} pt={2}>
        <RequestFilters
          clusters={clusters}
          values={filters}
          onChange={values => {
            setFilters(values);
            setPage(0);
          }}
        />
      </Box>
      {list.totalCount === 0 ? (
        <Box px={2} pb={2}>
          <Typography>
            No decided request involves cluster {filters.cluster}.
          </Typography>
        </Box>
      ) : (
        <>
          <DecidedRequestsTable requests={list.items} owners={owners} />
          <TablePagination
            component="div"
            count={list.totalCount}
            page={page}
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
  );
}

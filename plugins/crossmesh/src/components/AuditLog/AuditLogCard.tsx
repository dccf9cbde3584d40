import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TablePagination from '@material-ui/core/TablePagination';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { AuditLogFilters, AuditLogFilterValues } from './AuditLogFilters';
import { AuditLogTable } from './AuditLogTable';
import { CARD_TITLE, ScrollArea } from '../shared';

/**
 * crossmesh's audit log, newest first: filtered by cluster, action and actor, a page at
 * a time, with loading, empty and error states of its own.
 *
 * @internal
 */
export function AuditLogCard(props: {
  /** Changes when something the log records happened elsewhere on the page. */
  reloadKey?: number;
}) {
  const { reloadKey } = props;
  const api = useApi(crossmeshApiRef);
  const [filters, setFilters] = useState<AuditLogFilterValues>({});
  const [page, setPage] = useState(0);
  const [rowsPerPage, setRowsPerPage] = useState(25);
  const { value, loading, error, retry } = useAsyncRetry(
    async () =>
      api.listAuditEvents({
        ...filters,
        limit: rowsPerPage,
        offset: page * rowsPerPage,
      }),
    [api, filters, page, rowsPerPage, reloadKey],
  );
  const filtered = Object.values(filters).some(Boolean);

  let body;
  if (loading) {
    body = <Progress />;
  } else if (error) {
    body = (
      <>
        <Alert severity="error">
          Could not load the audit log: {errorMessage(error)}
        </Alert>
        <Box mt={1}>
          <Button variant="outlined" color="primary" onClick={retry}>
            Reload the audit log
          </Button>
        </Box>
      </>
    );
  } else if (!value?.items.length) {
    body = (
      <Typography>
        {filtered
          ? 'No audit events match these filters.'
          : 'No audit events yet: they appear as people request, approve and sign, and as crossmesh writes to the clusters.'}
      </Typography>
    );
  } else {
    body = (
      <>
        <ScrollArea label="Audit log table">
          <AuditLogTable events={value.items} />
        </ScrollArea>
        <TablePagination
          component="div"
          count={value.totalCount}
          page={page}
          rowsPerPage={rowsPerPage}
          rowsPerPageOptions={[10, 25, 50, 100]}
          onPageChange={(_, next) => setPage(next)}
          onRowsPerPageChange={e => {
            setRowsPerPage(Number(e.target.value));
            setPage(0);
          }}
        />
      </>
    );
  }

  return (
    <Box component="section" aria-label="Audit log">
      <InfoCard
        title="Audit log"
        subheader="Newest first"
        titleTypographyProps={CARD_TITLE}
      >
        <AuditLogFilters
          onApply={next => {
            setFilters(next);
            setPage(0);
          }}
        />
        {body}
      </InfoCard>
    </Box>
  );
}

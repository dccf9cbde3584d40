import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  PreflightCheckStatus,
  PreflightReport,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useId } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { crossmeshApiRef } from '../../api';
import { errorMessage } from '../errorMessage';
import { StatusKind, StatusLabel, useReadableStyles, Words } from '../shared';

const checkStatuses: Record<
  PreflightCheckStatus,
  { words: string; status: StatusKind }
> = {
  pass: { words: 'Pass', status: 'ok' },
  warn: { words: 'Warning', status: 'warning' },
  fail: { words: 'Fail', status: 'error' },
  skipped: { words: 'Skipped', status: 'aborted' },
};

function CheckStatus({ status }: { status: PreflightCheckStatus }) {
  const { words, status: kind } = checkStatuses[status];
  return <StatusLabel status={kind}>{words}</StatusLabel>;
}

function PreflightResult({ report }: { report: PreflightReport }) {
  const classes = useReadableStyles();
  const failed = report.checks.filter(c => c.status === 'fail').length;
  return (
    <>
      <Typography paragraph>
        {report.ok
          ? 'No check failed: crossmesh can use this cluster.'
          : `${failed} of ${report.checks.length} checks failed: fix them before crossmesh uses this cluster.`}{' '}
        Checked at {report.checkedAt}.
      </Typography>
      <Table
        aria-label="Preflight checks"
        size="small"
        className={classes.table}
      >
        <TableHead>
          <TableRow>
            <TableCell>Check</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Detail</TableCell>
            <TableCell>Remedy</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {report.checks.map(check => (
            <TableRow key={check.id}>
              <TableCell component="th" scope="row" role="rowheader">
                <Words>{check.title}</Words>
              </TableCell>
              <TableCell>
                <CheckStatus status={check.status} />
              </TableCell>
              <TableCell>
                <Words>{check.detail}</Words>
              </TableCell>
              <TableCell>
                <Words>{check.remedy ?? 'None needed'}</Words>
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </>
  );
}

/**
 * Runs the preflight checks of one cluster when opened and lists each check with its
 * status, what was found and what to do about it.
 */
export function PreflightDialog(props: {
  clusterName: string;
  onClose: () => void;
}) {
  const { clusterName, onClose } = props;
  const titleId = useId();
  const api = useApi(crossmeshApiRef);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => api.getPreflight(clusterName),
    [api, clusterName],
  );
  return (
    <Dialog
      open
      onClose={onClose}
      aria-labelledby={titleId}
      maxWidth="lg"
      fullWidth
      // The report can be long: the page scrolls, not a box inside the dialog.
      scroll="body"
    >
      <DialogTitle id={titleId}>Preflight of {clusterName}</DialogTitle>
      <DialogContent>
        {loading && <Progress />}
        {error && !loading && (
          <Alert severity="error">
            <Words>
              Could not run the preflight of {clusterName}:{' '}
              {errorMessage(error)}
            </Words>
          </Alert>
        )}
        {value && !loading && <PreflightResult report={value} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={retry} disabled={loading}>
          Run again
        </Button>
        <Button onClick={onClose} color="primary">
          Close
        </Button>
      </DialogActions>
    </Dialog>
  );
}

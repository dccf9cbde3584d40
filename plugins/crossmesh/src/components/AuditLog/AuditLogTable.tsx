import { AuditEvent } from '@crossmesh/backstage-plugin-crossmesh-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { Fragment } from 'react';
import { Identifier, useReadableStyles, Words } from '../shared';

function when(iso: string) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function detailsOf(event: AuditEvent): Array<[string, string]> {
  const parts = Object.entries(event.details).map(
    ([key, value]): [string, string] => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ],
  );
  if (event.serial) parts.push(['serial', event.serial]);
  return parts;
}

/** Each detail as `key: value`, the value kept whole (cut with an ellipsis when long). */
function Details({ event }: { event: AuditEvent }) {
  const details = detailsOf(event);
  if (!details.length) return <>None</>;
  return (
    <>
      {details.map(([key, value], index) => (
        <Fragment key={key}>
          {index > 0 && ' '}
          <span style={{ whiteSpace: 'nowrap' }}>
            {key}: <Identifier value={value} maxWidth="18ch" />
            {index < details.length - 1 && ','}
          </span>
        </Fragment>
      ))}
    </>
  );
}

/** One page of audit events, newest first as the backend returns them. */
export function AuditLogTable({ events }: { events: AuditEvent[] }) {
  const classes = useReadableStyles();
  return (
    <Table aria-label="Audit log" size="small" className={classes.table}>
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Actor</TableCell>
          <TableCell>Action</TableCell>
          <TableCell>Cluster</TableCell>
          <TableCell>Details</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {events.map(event => (
          <TableRow key={event.id}>
            <TableCell>
              <Words>{when(event.occurredAt)}</Words>
            </TableCell>
            <TableCell>
              <Identifier value={event.actor} maxWidth="20ch" />
            </TableCell>
            <TableCell>
              <Identifier value={event.action} />
            </TableCell>
            <TableCell>
              {event.clusterName ? (
                <Identifier value={event.clusterName} />
              ) : (
                'None'
              )}
            </TableCell>
            <TableCell>
              <Details event={event} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

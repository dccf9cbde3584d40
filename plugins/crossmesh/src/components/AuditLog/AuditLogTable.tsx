import { AuditEvent } from '@crossmesh/backstage-plugin-crossmesh-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';

function when(iso: string) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function detailsOf(event: AuditEvent): string {
  const parts = Object.entries(event.details).map(
    ([key, value]) =>
      `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`,
  );
  if (event.serial) parts.push(`serial: ${event.serial}`);
  return parts.join(', ') || 'None';
}

/** One page of audit events, newest first as the backend returns them. */
export function AuditLogTable({ events }: { events: AuditEvent[] }) {
  return (
    <Table aria-label="Audit log" size="small">
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
            <TableCell>{when(event.occurredAt)}</TableCell>
            <TableCell>{event.actor}</TableCell>
            <TableCell>{event.action}</TableCell>
            <TableCell>{event.clusterName ?? 'None'}</TableCell>
            <TableCell style={{ wordBreak: 'break-word' }}>
              {detailsOf(event)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

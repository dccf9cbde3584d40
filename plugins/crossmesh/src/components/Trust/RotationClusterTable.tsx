import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { ReactNode } from 'react';
import { Identifier, useReadableStyles } from '../shared';
import { RotationClusterRow } from './rotationModel';
import { TrustLevelLabel } from './TrustLevelLabel';

/** The columns of the rotation's cluster table; a new per-cluster fact is one more entry. */
const COLUMNS: Array<{
  title: string;
  cell: (row: RotationClusterRow) => ReactNode;
}> = [
  {
    title: 'What cacerts holds',
    cell: row => (
      <TrustLevelLabel level={row.cacerts.level} words={row.cacerts.words} />
    ),
  },
  { title: 'Intermediate signed by', cell: row => row.intermediateFrom },
];

/** Each cluster while a rotation is under way: what it trusts and who signed its CA. */
export function RotationClusterTable({ rows }: { rows: RotationClusterRow[] }) {
  const classes = useReadableStyles();
  return (
    <Table
      aria-label="Clusters during the rotation"
      size="small"
      className={classes.table}
    >
      <TableHead>
        <TableRow>
          <TableCell>Cluster</TableCell>
          {COLUMNS.map(column => (
            <TableCell key={column.title}>{column.title}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map(row => (
          <TableRow key={row.cluster}>
            <TableCell component="th" scope="row" role="rowheader">
              <Identifier value={row.cluster} />
            </TableCell>
            {COLUMNS.map(column => (
              <TableCell key={column.title}>{column.cell(row)}</TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

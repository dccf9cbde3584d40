import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import TableCell from '@material-ui/core/TableCell';
import { EntityName, Identifier } from '../shared';

/**
 * The first cells of a request's row in either inbox table: its host (the row header), its
 * Component and the team that owns it, both as links to the catalog.
 */
export function RequestCells(props: {
  request: ExposureRequest;
  owner?: string;
  /** Lets other cells name the row, e.g. the Review button. */
  rowHeaderId?: string;
}) {
  const { request, owner, rowHeaderId } = props;
  return (
    <>
      <TableCell component="th" scope="row" role="rowheader" id={rowHeaderId}>
        <Identifier value={request.host} code />
      </TableCell>
      <TableCell>
        <EntityName entityRef={request.entityRef} defaultKind="component" />
      </TableCell>
      <TableCell>
        {owner ? <EntityName entityRef={owner} defaultKind="group" /> : '—'}
      </TableCell>
    </>
  );
}

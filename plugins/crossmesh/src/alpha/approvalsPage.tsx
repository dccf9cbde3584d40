import { PageBlueprint } from '@backstage/frontend-plugin-api';
import AssignmentTurnedInIcon from '@material-ui/icons/AssignmentTurnedIn';
import { approvalsRouteRef } from '../routes';

/**
 * The approvals inbox at `/crossmesh/approvals`; its title and icon make the
 * "Approvals" nav item.
 */
export const approvalsPage = PageBlueprint.make({
  name: 'approvals',
  params: {
    path: '/crossmesh/approvals',
    title: 'Approvals',
    icon: <AssignmentTurnedInIcon />,
    routeRef: approvalsRouteRef,
    noHeader: true,
    loader: () =>
      import('../components/ApprovalsPage').then(m => <m.ApprovalsPage />),
  },
});

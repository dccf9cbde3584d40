import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import Typography from '@material-ui/core/Typography';
import AddIcon from '@material-ui/icons/Add';
import { scaffolderTemplateRouteRef } from '../../routes';

/** The scaffolder template that onboards a cluster (examples/templates/add-cluster-to-mesh). */
export const ADD_CLUSTER_TEMPLATE = {
  namespace: 'default',
  templateName: 'add-cluster-to-mesh',
};

/**
 * Starts onboarding a cluster: for now it opens the scaffolder template "Add a cluster to
 * the mesh", which checks the cluster, issues its intermediate and registers it. Everything
 * about how onboarding starts lives here, so the overview does not change when it does.
 */
export function AddClusterButton(props: {
  variant?: 'contained' | 'outlined';
}) {
  const templatePage = useRouteRef(scaffolderTemplateRouteRef);
  if (!templatePage) {
    return (
      <Typography variant="body2" color="textSecondary">
        Add clusters with the scaffolder template "Add a cluster to the mesh"
        once the scaffolder is installed.
      </Typography>
    );
  }
  return (
    <LinkButton
      to={templatePage(ADD_CLUSTER_TEMPLATE)}
      variant={props.variant ?? 'contained'}
      color="primary"
      startIcon={<AddIcon />}
    >
      Add cluster
    </LinkButton>
  );
}

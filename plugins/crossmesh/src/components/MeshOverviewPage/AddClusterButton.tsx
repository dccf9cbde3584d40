import { LinkButton } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { MeshCluster } from '@crossmesh/backstage-plugin-crossmesh-common';
import Button from '@material-ui/core/Button';
import AddIcon from '@material-ui/icons/Add';
import { useState } from 'react';
import { scaffolderTemplateRouteRef } from '../../routes';
import { AddClusterDialog } from './AddClusterDialog';

/** The scaffolder template that onboards a cluster (examples/templates/add-cluster-to-mesh). */
export const ADD_CLUSTER_TEMPLATE = {
  namespace: 'default',
  templateName: 'add-cluster-to-mesh',
};

/**
 * Starts onboarding a cluster: "Add cluster" opens a dialog that runs the backend's
 * onboarding job and shows its steps; where the scaffolder is installed, the template
 * "Add a cluster to the mesh" (the same job, from a task) stays one click away. Everything
 * about how onboarding starts lives here, so the overview does not change when it does.
 */
export function AddClusterButton(props: {
  variant?: 'contained' | 'outlined';
  /** The clusters as listed; those not in the mesh yet are offered in the dialog. */
  clusters?: MeshCluster[];
  /** Called after a job ran, so the overview reads the clusters again. */
  onAdded?: () => void;
}) {
  const { clusters = [], onAdded } = props;
  const templatePage = useRouteRef(scaffolderTemplateRouteRef);
  const [open, setOpen] = useState(false);
  const variant = props.variant ?? 'contained';
  return (
    <>
      <Button
        variant={variant}
        color="primary"
        startIcon={<AddIcon />}
        onClick={() => setOpen(true)}
      >
        Add cluster
      </Button>
      {templatePage && (
        <LinkButton to={templatePage(ADD_CLUSTER_TEMPLATE)} variant="text">
          Use the template
        </LinkButton>
      )}
      {open && (
        <AddClusterDialog
          candidates={clusters.filter(c => !c.membership).map(c => c.name)}
          onClose={changed => {
            setOpen(false);
            if (changed) {
              onAdded?.();
            }
          }}
        />
      )}
    </>
  );
}

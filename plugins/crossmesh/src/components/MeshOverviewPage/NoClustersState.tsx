import { EmptyState } from '@backstage/core-components';
import { Words } from '../shared';
import { AddClusterButton } from './AddClusterButton';

/** No cluster yet: what a cluster of the mesh is, and the button that adds one. */
export function NoClustersState() {
  return (
    <EmptyState
      missing="info"
      title="No clusters in the mesh yet"
      description={
        <Words>
          crossmesh reads the clusters of the Kubernetes plugin
          (kubernetes.clusterLocatorMethods in app-config.yaml). Add one to the
          mesh: onboarding checks its prerequisites, issues its intermediate CA
          and wires its DNS.
        </Words>
      }
      action={<AddClusterButton />}
    />
  );
}

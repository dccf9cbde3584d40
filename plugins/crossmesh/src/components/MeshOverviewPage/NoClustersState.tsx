import { EmptyState } from '@backstage/core-components';

export function NoClustersState() {
  return (
    <EmptyState
      missing="info"
      title="No clusters configured"
      description="crossmesh reads the clusters of the Kubernetes plugin. Configure them under kubernetes.clusterLocatorMethods in app-config.yaml, then reload this page."
    />
  );
}

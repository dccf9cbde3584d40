import type {
  ExposurePullRequest,
  MeshClusterDelivery,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import type { ClusterDelivery } from './deliverySettings';

/**
 * A cluster's delivery as the API shows it: the settings without crossmesh's token, the
 * pull requests crossmesh has open for the cluster, and the hosts drifted from Git there.
 *
 * @internal
 */
export function deliveryView(
  delivery: ClusterDelivery,
  progress: { openPullRequests: ExposurePullRequest[]; drifted: string[] },
): MeshClusterDelivery {
  if (delivery.mode === 'direct') return { mode: 'direct' };
  const { repository, branch, path, merge } = delivery;
  return {
    mode: 'git',
    repository: repository.url,
    branch,
    path,
    merge,
    folderUrl: folderUrl(delivery),
    ...progress,
  };
}

/** The web page of the cluster's folder on its branch, in Gitea's layout. */
function folderUrl(delivery: Extract<ClusterDelivery, { mode: 'git' }>) {
  const { repository, branch, path } = delivery;
  return `${repository.url}/src/branch/${urlPath(branch)}/${urlPath(path)}`;
}

/** Each segment of a slash-separated name escaped, the slashes kept. */
function urlPath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

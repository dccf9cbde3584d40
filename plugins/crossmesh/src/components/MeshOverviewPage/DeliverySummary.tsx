import { Link } from '@backstage/core-components';
import { MeshClusterDelivery } from '@crossmesh/backstage-plugin-crossmesh-common';
import { StatusLabel } from '../shared/StatusLabel';

const whoMerges: Record<
  Extract<MeshClusterDelivery, { mode: 'git' }>['merge'],
  string
> = {
  reviewers: 'reviewers merge',
  auto: 'crossmesh merges',
};

/**
 * How a cluster's objects reach it, in one or two short lines: written directly, or
 * through the cluster's folder in Git (linked), its branch, who merges, crossmesh's pull
 * requests that wait for their merge, and the hosts whose objects drifted from Git there.
 */
export function DeliverySummary(props: { delivery: MeshClusterDelivery }) {
  const { delivery } = props;
  if (delivery.mode === 'direct') return <>Direct delivery</>;
  const { folderUrl, branch, merge, repository, path } = delivery;
  return (
    <>
      <Link
        to={folderUrl}
        target="_blank"
        rel="noopener"
        title={`${repository}, folder ${path}`}
      >
        Git: {branch}
      </Link>
      , {whoMerges[merge]}
      {delivery.openPullRequests.length > 0 && (
        <div>
          Waiting for merge:
          {delivery.openPullRequests.map(pullRequest => (
            <span key={pullRequest.number}>
              {' '}
              <Link
                to={pullRequest.url}
                target="_blank"
                rel="noopener"
                aria-label={`Pull request #${pullRequest.number}`}
              >
                #{pullRequest.number}
              </Link>
            </span>
          ))}
        </div>
      )}
      {delivery.drifted.length > 0 && (
        <div>
          <StatusLabel status="warning">
            Drifted from Git: {delivery.drifted.join(', ')}
          </StatusLabel>
        </div>
      )}
    </>
  );
}

import { ConflictError } from '@backstage/errors';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * Which open requests for the same host (sharing a consumer cluster) stand in a request's
 * way. A pending request of another component never blocks a new one: with ownership proved
 * from the cluster, the owner of a Service can always ask for its host, and the approvers
 * see both. Only approving can clash with a request that already holds the host.
 */

/**
 * Throws 409 when the same component already has an open request for the host and one of
 * the consumer clusters.
 *
 * @internal
 */
export function refuseDuplicateRequest(
  request: { entityRef: string; host: string },
  open: ExposureRequest[],
): void {
  const duplicate = open.find(r => r.entityRef === request.entityRef);
  if (duplicate) {
    throw new ConflictError(
      `Request ${duplicate.id} (${duplicate.state}) already exposes ${
        request.host
      } to ${duplicate.consumerClusters.join(
        ', ',
      )}; cancel or revoke it first, or ask only for other clusters`,
    );
  }
}

/**
 * Throws 409 when another request holds the host (approved, applying, active or revoking) in
 * one of the consumer clusters, so approving this one would put two sources behind one host.
 *
 * @internal
 */
export function refuseHostHeldByAnother(
  request: ExposureRequest,
  open: ExposureRequest[],
): void {
  const holder = open.find(r => r.id !== request.id && r.state !== 'pending');
  if (holder) {
    throw new ConflictError(
      `${request.host} is held by request ${holder.id} (${holder.state}, ${
        holder.entityRef
      } from ${holder.sourceCluster}) in ${holder.consumerClusters
        .filter(c => request.consumerClusters.includes(c))
        .join(', ')}; revoke that one first, or reject this one`,
    );
  }
}

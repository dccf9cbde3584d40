import type { AuthorizationV1Api } from '@kubernetes/client-node';
import { RequiredAccess } from './requiredAccess';

/**
 * What the API server said about one {@link RequiredAccess}.
 *
 * @internal
 */
export interface AccessReview {
  allowed: boolean;
  /** The names refused, or `['*']` when the access is not limited to names. */
  denied: string[];
  /** The authorizer's reason, when it gave one. */
  reason?: string;
}

/**
 * Asks the API server with SelfSubjectAccessReviews whether crossmesh's own credentials
 * may do `access`: one review per object name, or one for the whole resource.
 *
 * @internal
 */
export async function reviewAccess(
  authorization: AuthorizationV1Api,
  access: RequiredAccess,
): Promise<AccessReview> {
  const names = access.names?.length ? access.names : [undefined];
  // `serviceaccounts/token`: RBAC writes a subresource after a slash, a review apart.
  const [resource, subresource] = access.resource.split('/');
  const reviews = await Promise.all(
    names.map(async name => {
      const review = await authorization.createSelfSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SelfSubjectAccessReview',
          spec: {
            resourceAttributes: {
              verb: access.verb,
              group: access.group,
              resource,
              ...(subresource ? { subresource } : {}),
              ...(access.namespace ? { namespace: access.namespace } : {}),
              ...(name ? { name } : {}),
            },
          },
        },
      });
      return { name: name ?? '*', status: review.status };
    }),
  );
  const denied = reviews.filter(r => !r.status?.allowed);
  const reason = denied
    .map(r => r.status?.reason || r.status?.evaluationError)
    .find(Boolean);
  return {
    allowed: denied.length === 0,
    denied: denied.map(r => r.name),
    ...(reason ? { reason } : {}),
  };
}

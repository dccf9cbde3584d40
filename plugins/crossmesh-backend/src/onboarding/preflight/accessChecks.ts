import {
  accessCheckId,
  describeAccess,
  qualifiedResource,
  REQUIRED_ACCESS,
  RequiredAccess,
} from './requiredAccess';
import { CREDENTIALS } from './connectionChecks';
import { PreflightSession } from './PreflightSession';
import { reviewAccess } from './reviewAccess';
import { CheckDefinition } from './runChecks';

/**
 * One check per entry of {@link REQUIRED_ACCESS}, each a SelfSubjectAccessReview.
 *
 * @internal
 */
export function accessChecks(session: PreflightSession): CheckDefinition[] {
  return REQUIRED_ACCESS.map(access => ({
    id: accessCheckId(access),
    title: `May ${describeAccess(access)}`,
    dependsOn: [CREDENTIALS],
    run: async () => {
      const review = await session.call(() =>
        reviewAccess(session.apis.authorization, access),
      );
      if (review.allowed) {
        return {
          status: 'pass' as const,
          detail: `Allowed; crossmesh ${access.purpose}`,
        };
      }
      const which =
        access.names?.length && review.denied[0] !== '*'
          ? ` for ${review.denied.join(', ')}`
          : '';
      return {
        status: 'fail' as const,
        detail: `Denied${which}${
          review.reason ? ` (${review.reason})` : ''
        }; crossmesh ${access.purpose}`,
        remedy: grantRemedy(access, session.username),
      };
    },
  }));
}

function grantRemedy(access: RequiredAccess, username?: string): string {
  const who = username ? `user '${username}'` : "crossmesh's user";
  const rule = `apiGroups: ["${access.group}"], resources: ["${
    access.resource
  }"]${
    access.names?.length
      ? `, resourceNames: [${access.names.map(n => `"${n}"`).join(', ')}]`
      : ''
  }, verbs: ["${access.verb}"]`;
  const binding = access.namespace
    ? `a Role in namespace ${access.namespace} with the rule {${rule}} and a RoleBinding of it to ${who}`
    : `a ClusterRole with the rule {${rule}} and a ClusterRoleBinding of it to ${who}`;
  return `Grant ${who} "${access.verb}" on ${qualifiedResource(access)}${
    access.namespace ? ` in namespace ${access.namespace}` : ''
  }: ${binding}`;
}

/**
 * The id of the access check for a verb on a resource, for `dependsOn`.
 *
 * @internal
 */
export function accessDependency(
  verb: RequiredAccess['verb'],
  resource: string,
  namespace?: string,
): string {
  const access = REQUIRED_ACCESS.find(
    a =>
      a.verb === verb &&
      qualifiedResource(a) === resource &&
      a.namespace === namespace,
  );
  if (!access) {
    throw new Error(
      `REQUIRED_ACCESS has no ${verb} on ${resource}${
        namespace ? ` in ${namespace}` : ''
      }`,
    );
  }
  return accessCheckId(access);
}

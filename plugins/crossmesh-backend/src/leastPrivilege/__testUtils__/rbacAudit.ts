import { RequiredAccess } from '../../onboarding/preflight/requiredAccess';
import { describeRule, RbacFile, RuleRef } from '../../__testUtils__/rbacFile';

/** Who a binding names. */
export interface RbacSubject {
  kind: 'ServiceAccount' | 'User' | 'Group';
  name: string;
  /** ServiceAccounts only. */
  namespace?: string;
}

/** The ServiceAccount `deploy/rbac.yaml` makes for crossmesh. */
export const CROSSMESH_SERVICE_ACCOUNT: RbacSubject = {
  kind: 'ServiceAccount',
  name: 'crossmesh',
  namespace: 'crossmesh-system',
};

/** A rule as a binding puts it in force: in every namespace, or in one. */
export interface BoundRule {
  ref: RuleRef;
  /** Undefined: everywhere (a ClusterRole bound by a ClusterRoleBinding). */
  namespace?: string;
}

/** What is wrong with an RBAC file measured against what crossmesh needs. */
export interface RbacAudit {
  /** Needed and not granted. */
  ungranted: RequiredAccess[];
  /** Grants nobody needs, one sentence each. */
  superfluous: string[];
  /** Rules whose removal leaves every need granted. */
  redundant: RuleRef[];
  /** Rules no binding of the subject puts in force. */
  unbound: RuleRef[];
}

interface Binding {
  kind: string;
  metadata: { namespace?: string };
  roleRef?: { kind?: string; name?: string };
  subjects?: Array<{ kind?: string; name?: string; namespace?: string }>;
}

const matches = (values: string[] | undefined, value: string) =>
  !!values && (values.includes('*') || values.includes(value));

function names(subject: RbacSubject, s: NonNullable<Binding['subjects']>[0]) {
  return (
    s.kind === subject.kind &&
    s.name === subject.name &&
    (subject.kind !== 'ServiceAccount' || s.namespace === subject.namespace)
  );
}

/** The rules of `rules` in force for `subject`, through the bindings of `file`. */
export function boundRules(
  file: RbacFile,
  subject: RbacSubject,
  rules: RuleRef[] = file.rules,
): BoundRule[] {
  const bound: BoundRule[] = [];
  for (const manifest of file.manifests) {
    if (
      manifest.kind !== 'ClusterRoleBinding' &&
      manifest.kind !== 'RoleBinding'
    ) {
      continue;
    }
    const binding = manifest as unknown as Binding;
    if (!(binding.subjects ?? []).some(s => names(subject, s))) continue;
    const namespace =
      manifest.kind === 'RoleBinding' ? binding.metadata.namespace : undefined;
    for (const ref of rules) {
      const roleMatches =
        ref.roleKind === binding.roleRef?.kind &&
        ref.roleName === binding.roleRef?.name &&
        // A RoleBinding binds a Role of its own namespace, or a ClusterRole.
        (ref.roleKind === 'ClusterRole' || ref.namespace === namespace);
      // A ClusterRoleBinding cannot bind a Role.
      if (
        roleMatches &&
        !(manifest.kind === 'ClusterRoleBinding' && ref.namespace)
      ) {
        bound.push({ ref, ...(namespace ? { namespace } : {}) });
      }
    }
  }
  return bound;
}

/** Whether a bound rule lets its subject do `access`, as Kubernetes' RBAC authorizer decides. */
export function grants(bound: BoundRule, access: RequiredAccess): boolean {
  const { rule } = bound.ref;
  if (
    !matches(rule.verbs, access.verb) ||
    !matches(rule.apiGroups, access.group) ||
    !matches(rule.resources, access.resource)
  ) {
    return false;
  }
  // A namespaced grant covers one namespace, never every namespace nor the cluster scope.
  if (bound.namespace !== undefined && access.namespace !== bound.namespace) {
    return false;
  }
  if (rule.resourceNames?.length) {
    // A request for no particular name (list, create) is refused by a named rule.
    return (
      !!access.names?.length &&
      access.names.every(n => rule.resourceNames!.includes(n))
    );
  }
  return true;
}

/** The grants of a bound rule that no required access asks for, in sentences. */
function superfluousGrants(
  bound: BoundRule,
  required: readonly RequiredAccess[],
): string[] {
  const { rule } = bound.ref;
  const where = bound.namespace
    ? `in namespace ${bound.namespace}`
    : 'in every namespace and at cluster scope';
  const found: string[] = [];
  if (rule.nonResourceURLs?.length) {
    found.push(
      `${describeRule(
        bound.ref,
      )} grants non-resource URLs ${rule.nonResourceURLs.join(', ')}`,
    );
  }
  for (const list of [rule.verbs, rule.apiGroups, rule.resources]) {
    if (list?.includes('*')) {
      found.push(`${describeRule(bound.ref)} uses the wildcard '*'`);
    }
  }
  for (const verb of rule.verbs) {
    for (const group of rule.apiGroups ?? []) {
      for (const resource of rule.resources ?? []) {
        const needed = required.some(
          a =>
            a.verb === verb &&
            a.group === group &&
            a.resource === resource &&
            (bound.namespace === undefined
              ? a.namespace === undefined
              : a.namespace === undefined || a.namespace === bound.namespace) &&
            (!a.names?.length ||
              (!!rule.resourceNames?.length &&
                rule.resourceNames.every(n => a.names!.includes(n)))),
        );
        if (!needed) {
          const named = rule.resourceNames?.length
            ? ` named ${rule.resourceNames.join(', ')}`
            : '';
          found.push(
            `${describeRule(bound.ref)} grants ${verb} ${
              group ? `${resource}.${group}` : resource
            }${named} ${where}, which crossmesh does not need`,
          );
        }
      }
    }
  }
  return found;
}

function ungranted(
  bound: BoundRule[],
  required: readonly RequiredAccess[],
): RequiredAccess[] {
  return required.filter(access => !bound.some(b => grants(b, access)));
}

/**
 * Measures an RBAC file against `required` for `subject`: what is missing, what is granted
 * beyond need, which rules could go, and which are bound to nobody.
 */
export function auditRbac(
  file: RbacFile,
  required: readonly RequiredAccess[],
  subject: RbacSubject = CROSSMESH_SERVICE_ACCOUNT,
): RbacAudit {
  const bound = boundRules(file, subject);
  return {
    ungranted: ungranted(bound, required),
    superfluous: bound.flatMap(b => superfluousGrants(b, required)),
    redundant: file.rules.filter(
      ref =>
        bound.some(b => b.ref === ref) &&
        ungranted(
          bound.filter(b => b.ref !== ref),
          required,
        ).length === 0,
    ),
    unbound: file.rules.filter(ref => !bound.some(b => b.ref === ref)),
  };
}

/** The required accesses nothing but `ref` grants: what fails when it is taken out. */
export function grantedOnlyBy(
  file: RbacFile,
  ref: RuleRef,
  required: readonly RequiredAccess[],
  subject: RbacSubject = CROSSMESH_SERVICE_ACCOUNT,
): RequiredAccess[] {
  const others = boundRules(file, subject).filter(b => b.ref !== ref);
  return ungranted(others, required);
}

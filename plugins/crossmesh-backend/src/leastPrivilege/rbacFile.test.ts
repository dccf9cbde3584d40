import fs from 'node:fs';
import {
  describeAccess,
  REQUIRED_ACCESS,
} from '../onboarding/preflight/requiredAccess';
import {
  auditRbac,
  CROSSMESH_SERVICE_ACCOUNT,
  grantedOnlyBy,
} from './__testUtils__/rbacAudit';
import {
  describeRule,
  loadRbacFile,
  parseRbacFile,
  RBAC_FILE,
  withoutRule,
} from '../__testUtils__/rbacFile';

const file = loadRbacFile();
const text = fs.readFileSync(RBAC_FILE, 'utf8');

/** The file with `search` replaced, parsed; fails if `search` is not in it. */
function edited(search: string, replacement: string) {
  expect(text).toContain(search);
  return parseRbacFile(text.replace(search, replacement));
}

describe('deploy/rbac.yaml', () => {
  it('grants every access crossmesh needs, to its ServiceAccount', () => {
    expect(
      auditRbac(file, REQUIRED_ACCESS).ungranted.map(describeAccess),
    ).toEqual([]);
  });

  it('grants nothing else: no grant beyond REQUIRED_ACCESS, no wildcard, no rule bound to nobody', () => {
    const audit = auditRbac(file, REQUIRED_ACCESS);
    expect(audit.superfluous).toEqual([]);
    expect(audit.unbound.map(describeRule)).toEqual([]);
  });

  it('has no rule crossmesh could do without: each one alone grants something needed', () => {
    expect(
      auditRbac(file, REQUIRED_ACCESS).redundant.map(describeRule),
    ).toEqual([]);
    const grantingNothingAlone = file.rules.filter(
      ref => grantedOnlyBy(file, ref, REQUIRED_ACCESS).length === 0,
    );
    expect(grantingNothingAlone.map(describeRule)).toEqual([]);
  });

  it('says above each rule what crossmesh does with it', () => {
    expect(file.rules.filter(r => !r.comment).map(describeRule)).toEqual([]);
  });

  it('makes the ServiceAccount, its token Secret and namespace, and binds only that ServiceAccount', () => {
    const kinds = file.manifests.map(
      m =>
        `${m.kind} ${m.metadata.namespace ? `${m.metadata.namespace}/` : ''}${
          m.metadata.name
        }`,
    );
    expect(kinds).toEqual([
      'Namespace crossmesh-system',
      'ServiceAccount crossmesh-system/crossmesh',
      'Secret crossmesh-system/crossmesh-token',
      'ClusterRole crossmesh',
      'ClusterRoleBinding crossmesh',
      'Role istio-system/crossmesh',
      'RoleBinding istio-system/crossmesh',
      'Role kube-system/crossmesh',
      'RoleBinding kube-system/crossmesh',
      'Role crossmesh-system/crossmesh',
      'RoleBinding crossmesh-system/crossmesh',
    ]);
    const secret = file.manifests.find(m => m.kind === 'Secret')!;
    expect(secret).toMatchObject({
      type: 'kubernetes.io/service-account-token',
      metadata: {
        annotations: { 'kubernetes.io/service-account.name': 'crossmesh' },
      },
    });
    for (const binding of file.manifests.filter(m =>
      m.kind.endsWith('Binding'),
    )) {
      expect(binding.subjects).toEqual([CROSSMESH_SERVICE_ACCOUNT]);
    }
  });
});

describe('the audit of an RBAC file (so that drift cannot pass unseen)', () => {
  it('names what a missing rule leaves ungranted', () => {
    const ref = file.rules.find(
      r =>
        r.namespace === 'istio-system' &&
        r.rule.verbs.includes('patch') &&
        r.rule.resources?.includes('secrets'),
    )!;
    const without = parseRbacFile(
      withoutRule(file, ref)
        .map(m => JSON.stringify(m))
        .join('\n---\n'),
    );
    expect(
      auditRbac(without, REQUIRED_ACCESS).ungranted.map(describeAccess),
    ).toEqual(['patch secrets named cacerts in namespace istio-system']);
  });

  it('names a grant nobody needs, a wildcard, a Role made cluster-wide, and a rule bound to nobody', () => {
    const extra = edited(
      `  - apiGroups: [apps]
    resources: [deployments]
    resourceNames: [istiod]
    verbs: [get]`,
      `  - apiGroups: [apps]
    resources: [deployments]
    resourceNames: [istiod]
    verbs: [get, list]
  - apiGroups: ['']
    resources: [pods]
    verbs: ['*']`,
    );
    expect(auditRbac(extra, REQUIRED_ACCESS).superfluous).toEqual([
      expect.stringMatching(
        /^Role istio-system\/crossmesh rule 1 .* grants list deployments\.apps named istiod in namespace istio-system, which crossmesh does not need$/,
      ),
      "Role istio-system/crossmesh rule 2 (* pods) uses the wildcard '*'",
      'Role istio-system/crossmesh rule 2 (* pods) grants * pods in namespace istio-system, which crossmesh does not need',
    ]);

    const clusterWide = edited(
      `kind: RoleBinding
metadata:
  name: crossmesh
  namespace: istio-system`,
      `kind: ClusterRoleBinding
metadata:
  name: crossmesh-istio-system`,
    );
    const audit = auditRbac(clusterWide, REQUIRED_ACCESS);
    expect(audit.unbound.map(describeRule)).toEqual(
      expect.arrayContaining([
        'Role istio-system/crossmesh rule 7 (create secrets)',
      ]),
    );
    expect(audit.ungranted.map(describeAccess)).toContain(
      'create secrets in namespace istio-system',
    );
  });

  it('names a rule that duplicates another', () => {
    const twice = edited(
      `    resources: [nodes]
    verbs: [list]`,
      `    resources: [nodes]
    verbs: [list]
  # Again.
  - apiGroups: ['']
    resources: [nodes]
    verbs: [list]`,
    );
    expect(
      auditRbac(twice, REQUIRED_ACCESS).redundant.map(describeRule),
    ).toEqual([
      'ClusterRole crossmesh rule 2 (list nodes)',
      'ClusterRole crossmesh rule 3 (list nodes)',
    ]);
  });

  it('does not count a rule limited to names as granting a request for any name, nor a ClusterRole rule bound in one namespace as granting every namespace', () => {
    const named = edited(
      `  - apiGroups: ['']
    resources: [secrets]
    verbs: [create]`,
      `  - apiGroups: ['']
    resources: [secrets]
    resourceNames: [cacerts]
    verbs: [create]`,
    );
    expect(
      auditRbac(named, REQUIRED_ACCESS).ungranted.map(describeAccess),
    ).toEqual(['create secrets in namespace istio-system']);

    const oneNamespace = edited(
      `kind: ClusterRoleBinding
metadata:
  name: crossmesh
  labels:
    app.kubernetes.io/name: crossmesh`,
      `kind: RoleBinding
metadata:
  name: crossmesh-cluster
  namespace: istio-system
  labels:
    app.kubernetes.io/name: crossmesh`,
    );
    const istio = ['serviceentries', 'destinationrules', 'gateways'];
    expect(
      auditRbac(oneNamespace, REQUIRED_ACCESS)
        .ungranted.map(describeAccess)
        .sort(),
    ).toEqual(
      [
        'get namespaces named istio-system',
        'list nodes',
        'get services in every namespace',
        ...['list', 'watch', 'get', 'create', 'patch', 'delete'].flatMap(
          verb => [
            ...istio.map(
              kind => `${verb} ${kind}.networking.istio.io in every namespace`,
            ),
            `${verb} authorizationpolicies.security.istio.io in every namespace`,
          ],
        ),
      ].sort(),
    );
  });
});

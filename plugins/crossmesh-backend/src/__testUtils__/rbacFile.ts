import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs';
import path from 'node:path';
import { isMap, isSeq, parseAllDocuments } from 'yaml';

/** `deploy/rbac.yaml` at the repository root. */
export const RBAC_FILE = path.resolve(
  resolvePackagePath('@crossmesh/backstage-plugin-crossmesh-backend'),
  '..',
  '..',
  'deploy',
  'rbac.yaml',
);

/** `deploy/istio-reader.yaml`: the reader istiod of the other clusters reads a cluster as. */
export const ISTIO_READER_FILE = path.resolve(
  RBAC_FILE,
  '..',
  'istio-reader.yaml',
);

/** A Kubernetes object as the file holds it. */
export interface RbacManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** One entry of a Role's or ClusterRole's `rules`. */
export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
  nonResourceURLs?: string[];
}

/** Where a rule sits in the file, and the comment above it. */
export interface RuleRef {
  roleKind: 'Role' | 'ClusterRole';
  roleName: string;
  /** Set for a Role. */
  namespace?: string;
  /** Position in the role's `rules`. */
  index: number;
  rule: PolicyRule;
  comment?: string;
}

/** The manifests of an RBAC file, with the comment above each rule. */
export interface RbacFile {
  manifests: RbacManifest[];
  rules: RuleRef[];
}

/** Reads and parses an RBAC file (default `deploy/rbac.yaml`). */
export function loadRbacFile(file: string = RBAC_FILE): RbacFile {
  return parseRbacFile(fs.readFileSync(file, 'utf8'));
}

/** Parses the text of an RBAC file. */
export function parseRbacFile(text: string): RbacFile {
  const manifests: RbacManifest[] = [];
  const rules: RuleRef[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length) {
      throw new Error(`Not valid YAML: ${document.errors[0].message}`);
    }
    const manifest = document.toJS() as RbacManifest | null;
    if (!manifest) continue;
    manifests.push(manifest);
    if (manifest.kind !== 'Role' && manifest.kind !== 'ClusterRole') continue;
    const seq = isMap(document.contents)
      ? document.contents.get('rules', true)
      : undefined;
    const items = isSeq(seq) ? seq.items : [];
    ((manifest.rules as PolicyRule[] | undefined) ?? []).forEach(
      (rule, index) => {
        // yaml hangs the comment above a sequence's first item on the sequence itself.
        const node = items[index] as { commentBefore?: string } | undefined;
        const comment =
          node?.commentBefore ??
          (index === 0 && isSeq(seq) ? seq.commentBefore : undefined);
        rules.push({
          roleKind: manifest.kind as RuleRef['roleKind'],
          roleName: manifest.metadata.name,
          ...(manifest.kind === 'Role'
            ? { namespace: manifest.metadata.namespace }
            : {}),
          index,
          rule,
          ...(comment?.trim() ? { comment: comment.trim() } : {}),
        });
      },
    );
  }
  return { manifests, rules };
}

/** `Role kube-system/crossmesh rule 3 (create configmaps)`, for people. */
export function describeRule(ref: RuleRef): string {
  const where = ref.namespace
    ? `${ref.roleKind} ${ref.namespace}/${ref.roleName}`
    : `${ref.roleKind} ${ref.roleName}`;
  const { rule } = ref;
  const resources = (rule.resources ?? [])
    .map(r => (rule.apiGroups ?? []).map(g => (g ? `${r}.${g}` : r)).join('|'))
    .join(', ');
  const names = rule.resourceNames?.length
    ? ` named ${rule.resourceNames.join(', ')}`
    : '';
  return `${where} rule ${ref.index + 1} (${rule.verbs.join(
    ', ',
  )} ${resources}${names})`;
}

/** The file's manifests with one rule taken out of its role. */
export function withoutRule(file: RbacFile, ref: RuleRef): RbacManifest[] {
  return file.manifests.map(manifest => {
    if (
      manifest.kind !== ref.roleKind ||
      manifest.metadata.name !== ref.roleName ||
      manifest.metadata.namespace !== ref.namespace
    ) {
      return manifest;
    }
    const rules = (manifest.rules as PolicyRule[]).filter(
      (_, i) => i !== ref.index,
    );
    return { ...manifest, rules };
  });
}

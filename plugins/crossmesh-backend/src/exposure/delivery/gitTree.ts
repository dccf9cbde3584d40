import { NotAllowedError } from '@backstage/errors';
import { parseAllDocuments, stringify } from 'yaml';
import { toYaml } from '../render';
import type { KubeObject } from '../render/types';

/** An object as it goes to Git: any Kubernetes object crossmesh renders. */
type GitObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
};

/** The file crossmesh keeps beside the objects, listing them for Flux's kustomize-controller. */
export const KUSTOMIZATION_FILE = 'kustomization.yaml';

const HEADER =
  '# Written by crossmesh (Backstage): change exposures there, not here.\n';

/**
 * The file of one object, named by what identifies it in the cluster so that the same
 * object keeps its file from one change to the next: `<kind>.<namespace>.<name>.yaml`.
 *
 * @internal
 */
export function gitFileName(object: GitObject): string {
  const { namespace, name } = object.metadata;
  return `${[object.kind.toLowerCase(), namespace, name]
    .filter(Boolean)
    .join('.')}.yaml`;
}

/**
 * The files of a cluster's folder in the repository: one per object, in the YAML the preview
 * shows, and a kustomization listing them, kept when it lists none (Flux reports a missing
 * folder as an error and prunes nothing). Key material never goes to Git: a Secret is
 * refused, whatever it holds.
 *
 * @internal
 */
export function renderGitTree(
  objects: ReadonlyArray<GitObject>,
): Map<string, string> {
  const files = new Map<string, string>();
  for (const object of objects) {
    if (object.kind === 'Secret' && object.apiVersion === 'v1') {
      throw new NotAllowedError(
        `Secret ${object.metadata.namespace}/${object.metadata.name} would go to Git; crossmesh writes Secrets to clusters directly and never commits them`,
      );
    }
    const file = gitFileName(object);
    if (files.has(file)) {
      throw new Error(
        `two objects would be written to ${file}; every object needs its own kind, namespace and name`,
      );
    }
    files.set(file, toYaml([object]));
  }
  const resources = [...files.keys()].sort();
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
  };
  const tree = new Map<string, string>([
    [KUSTOMIZATION_FILE, HEADER + stringify(kustomization)],
  ]);
  for (const file of resources) tree.set(file, files.get(file)!);
  return tree;
}

/**
 * The objects a folder holds, read back from its files (the kustomization and files that
 * are not YAML objects are skipped): what the cluster should show while Git holds them.
 *
 * @internal
 */
export function readGitTree(files: ReadonlyMap<string, string>): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const [file, content] of files) {
    if (file === KUSTOMIZATION_FILE || !/\.ya?ml$/.test(file)) continue;
    for (const document of parseAllDocuments(content)) {
      const object = document.errors.length === 0 ? document.toJS() : undefined;
      if (object?.kind && object.metadata?.name) objects.push(object);
    }
  }
  return objects;
}

/**
 * What a commit changes to turn the folder's `current` files into `desired`: files written
 * (new or changed) and files removed, each sorted; none of either when they are equal.
 *
 * @internal
 */
export function treeChanges(
  current: ReadonlyMap<string, string>,
  desired: ReadonlyMap<string, string>,
): { write: Array<{ file: string; content: string }>; remove: string[] } {
  const write = [...desired]
    .filter(([file, content]) => current.get(file) !== content)
    .map(([file, content]) => ({ file, content }))
    .sort((a, b) => a.file.localeCompare(b.file));
  const remove = [...current.keys()].filter(file => !desired.has(file)).sort();
  return { write, remove };
}

import { InputError } from '@backstage/errors';
import { Document, isMap, isScalar, parseAllDocuments } from 'yaml';

/**
 * A file of the repository that holds ConfigMap kube-system/coredns (alone, or among other
 * documents), read so that its data can be edited and the file written back with every
 * other byte as it was.
 *
 * @internal
 */
export interface CorednsFile {
  /** The ConfigMap's `data`. */
  data: Record<string, string>;
  /** The file's text with the ConfigMap's `data` keys set to `data`'s. */
  withData(data: Record<string, string>): string;
}

const fix = (file: string) =>
  `crossmesh.delivery.clusters[].dnsFile names ${file}; point it at the file that holds ConfigMap kube-system/coredns (kind: ConfigMap, metadata.name: coredns, metadata.namespace: kube-system, data.Corefile), or remove dnsFile so that crossmesh edits the ConfigMap directly`;

function isCoredns(doc: Document): boolean {
  return (
    doc.get('kind') === 'ConfigMap' &&
    doc.getIn(['metadata', 'name']) === 'coredns' &&
    doc.getIn(['metadata', 'namespace']) === 'kube-system'
  );
}

/**
 * Reads `text`, the content of `file`; an InputError naming the file, what is wrong and
 * the fix when it holds no ConfigMap kube-system/coredns with a Corefile (or holds two).
 *
 * @internal
 */
export function readCorednsFile(file: string, text: string): CorednsFile {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) {
    throw new InputError(
      `${file} is not YAML crossmesh can read; ${fix(file)}`,
    );
  }
  const broken = docs.find(doc => doc.errors.length > 0);
  if (broken) {
    throw new InputError(
      `${file} is not valid YAML (${broken.errors[0].message}); ${fix(file)}`,
    );
  }
  const found = docs.filter(isCoredns);
  if (found.length !== 1) {
    throw new InputError(
      `${file} holds ${
        found.length === 0 ? 'no' : `${found.length}`
      } ConfigMap kube-system/coredns; ${fix(file)}`,
    );
  }
  const [doc] = found;
  const data = doc.get('data', true);
  const entries = isMap(data) ? data.items : [];
  const values: Record<string, string> = {};
  for (const { key, value } of entries) {
    if (isScalar(key) && isScalar(value) && typeof value.value === 'string') {
      values[String(key.value)] = value.value;
    }
  }
  if (values.Corefile === undefined) {
    throw new InputError(
      `${file} holds ConfigMap kube-system/coredns without a data.Corefile string; ${fix(
        file,
      )}`,
    );
  }
  return {
    data: values,
    withData(next) {
      for (const [key, value] of Object.entries(next)) {
        if (values[key] === value) continue;
        const node = doc.getIn(['data', key], true);
        // Keeps the scalar's style (a `|` block stays one).
        if (isScalar(node)) node.value = value;
        else doc.setIn(['data', key], value);
      }
      const rendered = docs.map(d => d.toString({ lineWidth: 0 })).join('');
      const again = readCorednsFile(file, rendered).data;
      if (Object.entries(next).some(([key, value]) => again[key] !== value)) {
        throw new InputError(
          `${file}: crossmesh cannot write the edited Corefile back in the file's YAML style; write data.Corefile as a block scalar (Corefile: |)`,
        );
      }
      return rendered;
    },
  };
}

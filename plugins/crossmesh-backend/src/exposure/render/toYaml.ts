import { stringify } from 'yaml';
import type { KubeObject } from './types';

/**
 * The objects as one multi-document YAML stream, as approvers see it and `kubectl apply -f`
 * takes it.
 *
 * @internal
 */
export function toYaml(objects: ReadonlyArray<KubeObject | object>): string {
  return objects
    .map(object => stringify(object, { lineWidth: 0 }))
    .join('---\n');
}

import { KubeObject, toYaml } from '../render';
import { AdoptionTakeover } from './assessAdoption';
import { HandMadeServiceEntry } from './handMadeServiceEntry';
import { AdoptionClusterStep } from './types';

/**
 * Whether crossmesh's object is the hand-made entry itself (same namespace and name).
 *
 * @internal
 */
export function sameObject(object: KubeObject, entry: HandMadeServiceEntry) {
  return (
    object.metadata.namespace === entry.namespace &&
    object.metadata.name === entry.name
  );
}

/**
 * What a takeover does, or did, in its cluster, as the API reports it.
 *
 * @internal
 */
export function clusterStep(
  takeover: AdoptionTakeover,
  objects: KubeObject[],
  requestId: string | null,
  outcome: { done: boolean; error?: string },
): AdoptionClusterStep {
  return {
    cluster: takeover.cluster,
    role: takeover.role,
    requestId,
    apply: objects.map(o => ({
      kind: o.kind,
      namespace: o.metadata.namespace,
      name: o.metadata.name,
    })),
    delete: takeover.entries
      .filter(e => !objects.some(o => sameObject(o, e)))
      .map(e => ({
        kind: 'ServiceEntry',
        namespace: e.namespace,
        name: e.name,
      })),
    yaml: toYaml(objects),
    ...outcome,
  };
}

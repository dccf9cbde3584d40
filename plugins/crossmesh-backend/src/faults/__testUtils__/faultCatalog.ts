import { Entity } from '@backstage/catalog-model';
import type { BedService } from '@crossmesh/test-bed';

/** Owns every component of the fault tests and asks for their exposures. */
export const OWNER = 'user:default/bob';
/** Members of the approvers' group. */
export const APPROVERS = ['user:default/carol', 'user:default/erin'];
export const APPROVER_GROUP = 'group:default/platform-team';
const OWNING_GROUP = 'group:default/team-b';

/** The groups each user of the fault tests belongs to. */
export function groupsOf(userEntityRef: string): string[] {
  if (userEntityRef === OWNER) return [OWNING_GROUP];
  if (APPROVERS.includes(userEntityRef)) return [APPROVER_GROUP];
  return [];
}

/** `svc-<i>` running in cluster-2, namespace bar, port http 8000; owned by team-b. */
export function faultComponents(count: number): Entity[] {
  return Array.from({ length: count }, (_, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: `svc-${i}`,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': `svc-${i}`,
        'backstage.io/kubernetes-namespace': 'bar',
        'crossmesh.io/cluster': 'cluster-2',
        'crossmesh.io/ports': 'http:8000',
      },
    },
    spec: { type: 'service', owner: OWNING_GROUP, lifecycle: 'production' },
    relations: [{ type: 'ownedBy', targetRef: OWNING_GROUP }],
  }));
}

/** The Services of {@link faultComponents}, labelled with their components. */
export function faultServices(count: number): BedService[] {
  return Array.from({ length: count }, (_, i) => ({
    cluster: 'cluster-2',
    namespace: 'bar',
    name: `svc-${i}`,
  }));
}

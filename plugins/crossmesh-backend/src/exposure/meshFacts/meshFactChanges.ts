import {
  AuditEvent,
  ExposureRequest,
  MeshFactChange,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * The audit actions of `PUT /clusters/{name}/membership` that can change mesh facts.
 *
 * @internal
 */
export const MEMBERSHIP_ACTIONS = [
  'cluster.registered',
  'cluster.membership-updated',
] as const;

interface MembershipFacts {
  network?: string | null;
  gatewayAddress?: string | null;
  gatewayPort?: number | null;
}

function gatewayOf(facts: MembershipFacts | undefined): string | null {
  if (!facts?.gatewayAddress) return null;
  return facts.gatewayPort
    ? `${facts.gatewayAddress}:${facts.gatewayPort}`
    : facts.gatewayAddress;
}

/**
 * The gateway address and network changes a membership audit event records (a first
 * registration changes them from nothing). Pure.
 *
 * @internal
 */
export function factChangesOf(event: AuditEvent): MeshFactChange[] {
  if (
    !event.clusterName ||
    !(MEMBERSHIP_ACTIONS as readonly string[]).includes(event.action)
  ) {
    return [];
  }
  const after = event.details as MembershipFacts;
  const before = (event.details as { previous?: MembershipFacts }).previous;
  const change = (
    fact: MeshFactChange['fact'],
    from: string | null,
    to: string | null,
  ): MeshFactChange[] =>
    from === to
      ? []
      : [
          {
            cluster: event.clusterName!,
            fact,
            from,
            to,
            changedBy: event.actor,
            changedAt: event.occurredAt,
            auditEventId: event.id,
          },
        ];
  return [
    ...change('gatewayAddress', gatewayOf(before), gatewayOf(after)),
    ...change('network', before?.network ?? null, after.network ?? null),
  ];
}

/**
 * Whether an exposure's objects derive from the fact: the consumers' ServiceEntries point
 * at the source cluster's gateway; the networks of every cluster it spans place its
 * endpoints. Pure.
 *
 * @internal
 */
export function changeConcerns(
  request: ExposureRequest,
  change: MeshFactChange,
): boolean {
  if (change.fact === 'gatewayAddress') {
    return change.cluster === request.sourceCluster;
  }
  return (
    change.cluster === request.sourceCluster ||
    request.consumerClusters.includes(change.cluster)
  );
}

/**
 * The changes of an approved exposure's mesh facts since its decision, oldest first;
 * none for requests not approved. Pure.
 *
 * @internal
 */
export function meshFactChangesFor(
  request: ExposureRequest,
  changes: MeshFactChange[],
): MeshFactChange[] {
  if (
    !request.decidedAt ||
    ['pending', 'rejected', 'cancelled'].includes(request.state)
  ) {
    return [];
  }
  const decidedAt = Date.parse(request.decidedAt);
  return changes
    .filter(
      c => Date.parse(c.changedAt) > decidedAt && changeConcerns(request, c),
    )
    .sort((a, b) => a.auditEventId - b.auditEventId);
}

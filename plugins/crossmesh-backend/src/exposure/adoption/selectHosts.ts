import { ConflictError, InputError } from '@backstage/errors';
import { quoteValue } from '@crossmesh/backstage-plugin-crossmesh-common';
import { HostAssessment } from './assessAdoption';
import { AdoptionCandidateList, AdoptionInput } from './types';

/**
 * The hosts the input names, each checked: anything unknown or unadoptable refuses all:
 * 400 for unknown or invalid hosts, 409 for conflicts, before anything is written.
 *
 * @internal
 */
export function selectHosts(
  input: AdoptionInput,
  assessments: HostAssessment[],
  unreadClusters: AdoptionCandidateList['unreadClusters'],
): HostAssessment[] {
  const hosts = Array.isArray(input?.hosts) ? input.hosts : [];
  const ids = Array.isArray(input?.candidateIds) ? input.candidateIds : [];
  if (hosts.length === 0 && ids.length === 0) {
    throw new InputError(
      'Name what to adopt: hosts (e.g. ["svc-2.bar.global"]) or candidateIds (e.g. ["cluster-1/bar/svc-2"]), as GET /adoption/candidates lists them',
    );
  }
  const unread = unreadClusters.length
    ? ` (not read: ${unreadClusters.map(u => u.cluster).join(', ')})`
    : '';
  const byHost = new Map(assessments.map(a => [a.host, a]));
  const byId = new Map(
    assessments.flatMap(a => a.entries.map(e => [e.id, a] as const)),
  );
  const unknown: string[] = [];
  const chosen = new Map<string, HostAssessment>();
  for (const host of hosts) {
    const found = byHost.get(String(host).toLowerCase());
    if (found) chosen.set(found.host, found);
    else
      unknown.push(
        `${quoteValue(
          host,
        )} has no hand-made ServiceEntry in the clusters crossmesh could read${unread}`,
      );
  }
  for (const id of ids) {
    const found = byId.get(id);
    if (found) chosen.set(found.host, found);
    else
      unknown.push(
        `there is no hand-made ServiceEntry ${quoteValue(
          id,
        )}; ids are <cluster>/<namespace>/<name> as GET /adoption/candidates lists them${unread}`,
      );
  }
  const invalid = [...chosen.values()].flatMap(a =>
    a.problems
      .filter(p => p.kind === 'invalid')
      .map(p => `${a.host}: ${p.message}`),
  );
  if (unknown.length || invalid.length) {
    throw new InputError(
      `Nothing was adopted: ${[...unknown, ...invalid].join('; ')}`,
    );
  }
  const conflicts = [...chosen.values()].flatMap(a =>
    a.problems
      .filter(p => p.kind === 'conflict')
      .map(p => `${a.host}: ${p.message}`),
  );
  if (conflicts.length) {
    throw new ConflictError(`Nothing was adopted: ${conflicts.join('; ')}`);
  }
  return [...chosen.values()];
}

import { followAuditLog, TestBed } from '@crossmesh/test-bed';

/** One write the backend made to a cluster that succeeded, from the apiserver's audit log. */
export interface ClusterWrite {
  cluster: string;
  /** e.g. `patch deployments istio-system/istiod` */
  what: string;
  /** When the apiserver received it, in ms since the epoch. */
  receivedAtMs: number;
}

// Creates that store nothing: access and token reviews answer a question and are gone.
const REVIEW = /reviews$/;

/**
 * Follows each bed cluster's audit log (every client write, on disk before it is answered) and
 * returns the successful writes of the user crossmesh signs in as that appeared since the last
 * call. Reading a log is a file read, cheap enough to do after every request.
 */
export function clusterWriteLog(bed: TestBed, username = 'crossmesh') {
  const logs = bed.clusters.map(cluster => ({
    cluster: cluster.name,
    read: followAuditLog(cluster.auditLogPath),
  }));

  return (): ClusterWrite[] =>
    logs.flatMap(log =>
      log.read().flatMap(event => {
        const ref = event.objectRef ?? {};
        const succeeded = (event.responseStatus?.code ?? 0) < 300;
        const stored =
          !REVIEW.test(ref.resource ?? '') &&
          !/[?&]dryRun=/.test(event.requestURI ?? '');
        if (event.user?.username !== username || !succeeded || !stored) {
          return [];
        }
        return [
          {
            cluster: log.cluster,
            what: `${event.verb} ${ref.resource} ${ref.namespace ?? ''}/${
              ref.name ?? ''
            }`,
            receivedAtMs: Math.floor(
              Date.parse(event.requestReceivedTimestamp),
            ),
          },
        ];
      }),
    );
}

import type { TestBed } from '@crossmesh/test-bed';
import { closeSync, openSync, readSync, statSync } from 'node:fs';

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
    path: cluster.auditLogPath,
    offset: statSync(cluster.auditLogPath).size,
    partial: '',
  }));

  function readAppended(log: (typeof logs)[number]): string[] {
    const size = statSync(log.path).size;
    if (size <= log.offset) return [];
    const buffer = Buffer.alloc(size - log.offset);
    const fd = openSync(log.path, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, log.offset);
    } finally {
      closeSync(fd);
    }
    log.offset = size;
    const lines = (log.partial + buffer.toString('utf8')).split('\n');
    log.partial = lines.pop() ?? '';
    return lines.filter(Boolean);
  }

  return (): ClusterWrite[] =>
    logs.flatMap(log =>
      readAppended(log).flatMap(line => {
        const event = JSON.parse(line);
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

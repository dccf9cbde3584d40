import fs from 'node:fs';
import path from 'node:path';

import { crossmeshUser } from './crossmeshAccess';

/**
 * Every write by a client (not by the apiserver itself), at Metadata level: who wrote which
 * object with which verb and what the answer was. Tests count crossmesh's writes with it.
 * With `crossmeshReads`, every read of user crossmesh too (get, list, watch), so that all
 * of crossmesh's requests can be counted (the watch bench).
 */
function auditPolicy(crossmeshReads: boolean) {
  return {
    apiVersion: 'audit.k8s.io/v1',
    kind: 'Policy',
    omitStages: ['RequestReceived'],
    rules: [
      { level: 'None', users: ['system:apiserver'] },
      ...(crossmeshReads
        ? [{ level: 'Metadata', users: [crossmeshUser] }]
        : []),
      {
        level: 'Metadata',
        verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
      },
      { level: 'None' },
    ],
  };
}

/** Writes the bed's audit policy (JSON, which the apiserver reads as YAML) and returns its path. */
export function writeAuditPolicy(
  stateDir: string,
  options: { crossmeshReads?: boolean } = {},
): string {
  const file = path.join(stateDir, 'audit-policy.yaml');
  fs.writeFileSync(
    file,
    JSON.stringify(auditPolicy(options.crossmeshReads ?? false), null, 2),
  );
  return file;
}

/**
 * One event of a bed cluster's audit log, as much of it as tests read.
 *
 * @public
 */
export interface AuditLogEvent {
  stage?: string;
  verb: string;
  requestURI?: string;
  user?: { username?: string };
  objectRef?: { resource?: string; namespace?: string; name?: string };
  responseStatus?: { code?: number };
  requestReceivedTimestamp: string;
}

/**
 * Follows an audit log from its end now: each call returns the events written since the
 * last one. A line still being written is kept for the next call.
 *
 * @public
 */
export function followAuditLog(file: string): () => AuditLogEvent[] {
  let offset = fs.statSync(file).size;
  let partial = '';
  return () => {
    const size = fs.statSync(file).size;
    if (size <= offset) return [];
    const buffer = Buffer.alloc(size - offset);
    const fd = fs.openSync(file, 'r');
    try {
      fs.readSync(fd, buffer, 0, buffer.length, offset);
    } finally {
      fs.closeSync(fd);
    }
    offset = size;
    const lines = (partial + buffer.toString('utf8')).split('\n');
    partial = lines.pop() ?? '';
    return lines.filter(Boolean).map(line => JSON.parse(line));
  };
}

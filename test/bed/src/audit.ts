import fs from 'node:fs';
import path from 'node:path';

/**
 * Every write by a client (not by the apiserver itself), at Metadata level: who wrote which
 * object with which verb and what the answer was. Tests count crossmesh's writes with it.
 */
const auditPolicy = {
  apiVersion: 'audit.k8s.io/v1',
  kind: 'Policy',
  omitStages: ['RequestReceived'],
  rules: [
    { level: 'None', users: ['system:apiserver'] },
    {
      level: 'Metadata',
      verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
    },
    { level: 'None' },
  ],
};

/** Writes the bed's audit policy (JSON, which the apiserver reads as YAML) and returns its path. */
export function writeAuditPolicy(stateDir: string): string {
  const file = path.join(stateDir, 'audit-policy.yaml');
  fs.writeFileSync(file, JSON.stringify(auditPolicy, null, 2));
  return file;
}

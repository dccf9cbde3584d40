import path from 'node:path';
import { kubeRequest } from './kubeRequest';
import { ManagedProcess, logTail, startProcess } from './processes';

/** Everything needed to (re)start one cluster's apiserver; stays the same across restarts. */
export interface ApiserverSpec {
  name: string;
  binary: string;
  port: number;
  etcdUrl: string;
  clusterDir: string;
  stateDir: string;
  caPem: string;
  certFile: string;
  keyFile: string;
  tokenFile: string;
  serviceAccountPublicKeyFile: string;
  serviceAccountPrivateKeyFile: string;
  auditPolicyFile: string;
  /** Where the apiserver logs every client write (see `audit.ts`), one JSON event a line. */
  auditLogFile: string;
}

export function apiserverUrl(spec: Pick<ApiserverSpec, 'port'>) {
  return `https://127.0.0.1:${spec.port}`;
}

export function apiserverArgs(spec: ApiserverSpec): string[] {
  return [
    `--etcd-servers=${spec.etcdUrl}`,
    `--etcd-prefix=/${spec.name}`,
    `--cert-dir=${path.join(spec.clusterDir, 'certs')}`,
    `--tls-cert-file=${spec.certFile}`,
    `--tls-private-key-file=${spec.keyFile}`,
    `--secure-port=${spec.port}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--service-cluster-ip-range=10.96.0.0/16',
    '--authorization-mode=RBAC',
    `--token-auth-file=${spec.tokenFile}`,
    `--service-account-issuer=https://${spec.name}.crossmesh.test`,
    `--service-account-key-file=${spec.serviceAccountPublicKeyFile}`,
    `--service-account-signing-key-file=${spec.serviceAccountPrivateKeyFile}`,
    '--profiling=false',
    `--audit-policy-file=${spec.auditPolicyFile}`,
    `--audit-log-path=${spec.auditLogFile}`,
    // Each event is on disk before the request is answered, so a test reads what it caused.
    '--audit-log-mode=blocking',
  ];
}

export function startApiserverProcess(spec: ApiserverSpec): ManagedProcess {
  return startProcess({
    name: `kube-apiserver-${spec.name}`,
    command: spec.binary,
    args: apiserverArgs(spec),
    logFile: path.join(
      spec.stateDir,
      'logs',
      `kube-apiserver-${spec.name}.log`,
    ),
    pidDir: path.join(spec.stateDir, 'pids'),
  });
}

/** Polls /readyz (open to anonymous callers) until it says ok, failing fast if the process dies. */
export async function waitForApiserver(
  spec: ApiserverSpec,
  child: ManagedProcess,
  timeoutMs = 60_000,
): Promise<void> {
  const url = apiserverUrl(spec);
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (child.hasExited()) {
      throw new Error(
        `kube-apiserver for ${
          spec.name
        } ${await child.exited} before becoming ready. Last lines of ${
          child.logFile
        }:\n${logTail(child.logFile)}`,
      );
    }
    try {
      const response = await kubeRequest({ url, ca: spec.caPem }, '/readyz', {
        timeoutMs: 2000,
      });
      if (response.status === 200) {
        return;
      }
      last = `HTTP ${response.status}: ${String(response.body).slice(0, 2000)}`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `kube-apiserver for ${
          spec.name
        } at ${url} was not ready after ${timeoutMs} ms (last /readyz: ${last}). Last lines of ${
          child.logFile
        }:\n${logTail(child.logFile)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { ManagedProcess, logTail, startProcess } from '../processes';

/** istiod's listeners, each moved to a free loopback port. */
export interface IstiodPorts {
  /** /ready and /debug/* */
  http: number;
  /** plaintext xDS (15010 in a cluster) */
  grpc: number;
  /** TLS xDS and the CA (15012) */
  secureGrpc: number;
  /** metrics (15014) */
  monitoring: number;
  /** webhooks (15017) */
  https: number;
  ctrlz: number;
}

/** Everything needed to (re)start one cluster's istiod; stays the same across restarts. */
export interface IstiodSpec {
  cluster: string;
  binary: string;
  kubeconfigPath: string;
  /** istiod's working directory: it reads ./etc/cacerts and ./etc/istio/config/mesh from here. */
  workDir: string;
  stateDir: string;
  ports: IstiodPorts;
  /** Extra environment, e.g. feature flags such as PILOT_ENABLE_LEGACY_AUTO_PASSTHROUGH. */
  env?: Record<string, string>;
  /** The address istiod listens on: loopback, or the bed network's host address for a data plane. */
  host: string;
}

/** istiod's log, appended to across restarts. */
export function istiodLogFile(spec: Pick<IstiodSpec, 'stateDir' | 'cluster'>) {
  return path.join(spec.stateDir, 'logs', `istiod-${spec.cluster}.log`);
}

/**
 * Starts istiod as it runs in a pod of the cluster: namespace istio-system, signing with the
 * `cacerts` Secret when there is one. ./etc/cacerts stands for the Secret's volume mount: it
 * is emptied before every start, so istiod (USE_REMOTE_CERTS) reads the Secret as it is now,
 * exactly as a new pod would mount it. With no mesh config file, istiod reads (and watches)
 * ConfigMap istio-system/istio, the one crossmesh reads too.
 */
export function startIstiodProcess(spec: IstiodSpec): ManagedProcess {
  fs.mkdirSync(spec.workDir, { recursive: true });
  fs.rmSync(path.join(spec.workDir, 'etc'), { recursive: true, force: true });
  const { ports } = spec;
  return startProcess({
    name: `istiod-${spec.cluster}`,
    command: spec.binary,
    args: [
      'discovery',
      `--kubeconfig=${spec.kubeconfigPath}`,
      `--httpAddr=${spec.host}:${ports.http}`,
      `--grpcAddr=${spec.host}:${ports.grpc}`,
      `--secureGRPCAddr=${spec.host}:${ports.secureGrpc}`,
      `--monitoringAddr=${spec.host}:${ports.monitoring}`,
      `--httpsAddr=${spec.host}:${ports.https}`,
      `--ctrlz_port=${ports.ctrlz}`,
      '--ctrlz_address=127.0.0.1',
      // A rollout restart should not wait out the default 10 s drain.
      '--shutdownDuration=1s',
      '--log_output_level=default:info',
    ],
    cwd: spec.workDir,
    env: {
      POD_NAMESPACE: 'istio-system',
      // Stable across restarts, so a restarted istiod takes its own leader leases back at once.
      POD_NAME: `istiod-${spec.cluster}`,
      REVISION: 'default',
      CLUSTER_ID: spec.cluster,
      PILOT_CERT_PROVIDER: 'istiod',
      USE_REMOTE_CERTS: 'true',
      INJECTION_WEBHOOK_CONFIG_NAME: '',
      VALIDATION_WEBHOOK_CONFIG_NAME: '',
      ...spec.env,
    },
    logFile: istiodLogFile(spec),
    pidDir: path.join(spec.stateDir, 'pids'),
  });
}

function httpStatus(url: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    // Own connection: Backstage's jest setup swaps the global agents for ones that refuse.
    const request = http.get(
      url,
      { agent: false, timeout: timeoutMs },
      response => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`${url} timed out`)));
    request.on('error', reject);
  });
}

/** Polls /ready until istiod has synced its caches and serves, failing fast if it dies. */
export async function waitForIstiod(
  spec: IstiodSpec,
  child: ManagedProcess,
  timeoutMs = 90_000,
): Promise<void> {
  const url = `http://${spec.host}:${spec.ports.http}/ready`;
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  for (;;) {
    if (child.hasExited()) {
      throw new Error(
        `istiod for ${
          spec.cluster
        } ${await child.exited} before becoming ready. Last lines of ${
          child.logFile
        }:\n${logTail(child.logFile, 30)}`,
      );
    }
    try {
      const status = await httpStatus(url, 2000);
      if (status === 200) {
        return;
      }
      last = `HTTP ${status}`;
    } catch (error) {
      last = String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `istiod for ${
          spec.cluster
        } was not ready after ${timeoutMs} ms (last ${url}: ${last}). Last lines of ${
          child.logFile
        }:\n${logTail(child.logFile, 30)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { adminConnection, expectOk, kubeRequest } from '../kubeRequest';
import { apply } from '../seedCluster';
import type { TestCluster, TestIstiod } from '../types';
import { findIstioProbe } from './istioBinaries';

const run = promisify(execFile);

/**
 * Who the probe claims to be when it asks istiod for configuration.
 *
 * @public
 */
export interface ProbeProxy {
  namespace: string;
  /** Default `default`. */
  serviceAccount?: string;
  /** `sidecar` (default) or `router`, as a gateway's pilot-agent says. */
  type?: 'sidecar' | 'router';
  /** The pod's labels; a gateway's select the Gateways that apply to it. */
  labels?: Record<string, string>;
  /** Ask for the DNS proxy's name table, as `ISTIO_META_DNS_CAPTURE=true` makes pilot-agent do. */
  dnsCapture?: boolean;
  /** Default `10.0.0.1`. */
  ip?: string;
}

/**
 * What istiod sent one proxy, each resource as Envoy's own JSON (camelCase field names,
 * typed configs with `@type`).
 *
 * @public
 */
export interface XdsSnapshot {
  node: string;
  clusters: any[];
  endpoints: any[];
  listeners: any[];
  routes: any[];
  /** The DNS proxy's table (host → `{ ips, registry, ... }`), with `dnsCapture` only. */
  nameTable?: Record<string, any>;
}

/**
 * The ingress gateway of a bed cluster (`istio=ingressgateway` in istio-system), as a router.
 *
 * @public
 */
export const ingressGatewayProxy: ProbeProxy = {
  namespace: 'istio-system',
  serviceAccount: 'istio-ingressgateway-service-account',
  type: 'router',
  labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
};

function istiodOf(cluster: TestCluster): TestIstiod {
  if (!cluster.istiod) {
    throw new Error(
      `Cluster ${cluster.name} runs no istiod; start the bed with istiod: true.`,
    );
  }
  return cluster.istiod;
}

async function runProbe(args: string[]): Promise<any> {
  const probe = await findIstioProbe();
  try {
    const { stdout } = await run(probe, args, {
      maxBuffer: 256 * 1024 * 1024,
    });
    return JSON.parse(stdout);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    throw new Error(`istio-probe ${args[0]} failed: ${stderr || error}`);
  }
}

/**
 * Connects to the cluster's istiod as the given proxy would (one ADS stream, CDS → EDS,
 * LDS → RDS, every response ACKed) and returns what it received.
 *
 * @public
 */
export function xdsSnapshot(
  cluster: TestCluster,
  proxy: ProbeProxy,
): Promise<XdsSnapshot> {
  const labels = Object.entries(proxy.labels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return runProbe([
    'xds',
    `--address=${istiodOf(cluster).xdsAddress}`,
    `--namespace=${proxy.namespace}`,
    `--service-account=${proxy.serviceAccount ?? 'default'}`,
    `--cluster-id=${cluster.name}`,
    `--type=${proxy.type ?? 'sidecar'}`,
    `--ip=${proxy.ip ?? '10.0.0.1'}`,
    ...(labels ? [`--labels=${labels}`] : []),
    ...(proxy.dnsCapture ? ['--dns-capture'] : []),
  ]);
}

/**
 * The `istio-ca-root-cert` ConfigMap's `root-cert.pem` in a namespace: what istiod publishes
 * for workloads to trust. Undefined while istiod has not written it.
 *
 * @public
 */
export async function publishedRootCert(
  cluster: TestCluster,
  namespace: string,
): Promise<string | undefined> {
  const response = await kubeRequest(
    adminConnection(cluster),
    `/api/v1/namespaces/${namespace}/configmaps/istio-ca-root-cert`,
  );
  if (response.status === 404) {
    return undefined;
  }
  return expectOk(response, `Reading istio-ca-root-cert in ${namespace}`)
    .data?.['root-cert.pem'];
}

/**
 * A certificate for workload `namespace/serviceAccount`, from the cluster's istiod, obtained as
 * pilot-agent does: the ServiceAccount (created if missing) gets a token of audience
 * `istio-ca`, and the CSR goes over TLS to istiod's CA port, trusting only `trustedRootPem`
 * (default: the namespace's `istio-ca-root-cert`).
 *
 * @public
 */
export async function workloadCertificate(
  cluster: TestCluster,
  workload: {
    namespace: string;
    serviceAccount: string;
    trustedRootPem?: string;
  },
): Promise<{ certChain: string[]; keyPem: string }> {
  const connection = adminConnection(cluster);
  const { namespace, serviceAccount } = workload;
  await apply(connection, {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: namespace },
  });
  await apply(connection, {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: serviceAccount, namespace },
  });
  const token = expectOk(
    await kubeRequest(
      connection,
      `/api/v1/namespaces/${namespace}/serviceaccounts/${serviceAccount}/token`,
      {
        method: 'POST',
        body: {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { audiences: ['istio-ca'], expirationSeconds: 3600 },
        },
      },
    ),
    `Requesting an istio-ca token for ${namespace}/${serviceAccount}`,
  ).status.token as string;
  const root =
    workload.trustedRootPem ?? (await publishedRootCert(cluster, namespace));
  if (!root) {
    throw new Error(
      `istiod of ${cluster.name} has not published istio-ca-root-cert in ${namespace} yet, and no trustedRootPem was given.`,
    );
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-csr-'));
  try {
    fs.writeFileSync(path.join(dir, 'token'), token, { mode: 0o600 });
    fs.writeFileSync(path.join(dir, 'root-cert.pem'), root);
    return await runProbe([
      'csr',
      `--address=${istiodOf(cluster).caAddress}`,
      `--root-cert=${path.join(dir, 'root-cert.pem')}`,
      `--token-file=${path.join(dir, 'token')}`,
      `--namespace=${namespace}`,
      `--service-account=${serviceAccount}`,
      `--cluster-id=${cluster.name}`,
    ]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * One cluster in istiod's registry, as `/debug/clusterz` lists it: the cluster istiod
 * runs in, and each remote cluster it reads through a remote secret.
 *
 * @public
 */
export interface RegistryCluster {
  id: string;
  /** `istio-system/<secret>` for a remote cluster; empty for istiod's own. */
  secretName: string;
  /** `synced` once istiod has read the cluster; `syncing`, `timeout`, ... before or instead. */
  syncStatus: string;
}

/**
 * The clusters istiod of `cluster` has in its registry (`/debug/clusterz`).
 *
 * @public
 */
export async function registryClusters(
  cluster: TestCluster,
): Promise<RegistryCluster[]> {
  const response = await fetch(`${istiodOf(cluster).debugUrl}/debug/clusterz`, {
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok) {
    throw new Error(
      `istiod of ${cluster.name} answered ${
        response.status
      } to /debug/clusterz: ${await response.text()}`,
    );
  }
  return (await response.json()) as RegistryCluster[];
}

import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigReader } from '@backstage/config';
import type { TestBed, TestCluster } from '@crossmesh/test-bed';
import type { V1Secret } from '@kubernetes/client-node';
import {
  ClusterConnection,
  readClusterConnections,
} from '../clusters/clusterConnections';
import {
  buildCacerts,
  CacertsFiles,
  CaKeyPair,
  generateRootCa,
  issueIntermediateCa,
  IntermediateCa,
} from '../pki';

/** The bed's clusters as crossmesh sees them (user `crossmesh`). */
export function connectionsOf(bed: TestBed): ClusterConnection[] {
  return readClusterConnections(
    new ConfigReader({ kubernetes: bed.kubernetesConfig() as any }),
  ).clusters;
}

/** API clients authenticated with the cluster's admin token, independent of crossmesh's code. */
export async function adminApis(cluster: TestCluster) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  return {
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    apps: kubeConfig.makeApiClient(k8s.AppsV1Api),
    rbac: kubeConfig.makeApiClient(k8s.RbacAuthorizationV1Api),
  };
}

/** The Corefile of kube-system/coredns, read as admin. */
export async function corefileOf(cluster: TestCluster): Promise<string> {
  const { core } = await adminApis(cluster);
  const cm = await core.readNamespacedConfigMap({
    name: 'coredns',
    namespace: 'kube-system',
  });
  return cm.data?.Corefile ?? '';
}

export async function readSecretAsAdmin(
  cluster: TestCluster,
): Promise<V1Secret> {
  const { core } = await adminApis(cluster);
  return core.readNamespacedSecret({
    name: 'cacerts',
    namespace: 'istio-system',
  });
}

export async function deleteSecretAsAdmin(cluster: TestCluster) {
  const { core } = await adminApis(cluster);
  try {
    await core.deleteNamespacedSecret({
      name: 'cacerts',
      namespace: 'istio-system',
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 404) throw error;
  }
}

/** Writes `cacerts` the way a person with kubectl would, replacing any there is. */
export async function handWriteSecret(
  cluster: TestCluster,
  secret: Omit<V1Secret, 'metadata'> & { metadata?: V1Secret['metadata'] },
): Promise<V1Secret> {
  await deleteSecretAsAdmin(cluster);
  const { core } = await adminApis(cluster);
  return core.createNamespacedSecret({
    namespace: 'istio-system',
    fieldManager: 'kubectl-create',
    body: {
      apiVersion: 'v1',
      kind: 'Secret',
      ...secret,
      metadata: {
        ...secret.metadata,
        name: 'cacerts',
        namespace: 'istio-system',
      },
    },
  });
}

export function base64Data(files: Record<string, string>) {
  return Object.fromEntries(
    Object.entries(files).map(([k, v]) => [
      k,
      Buffer.from(v).toString('base64'),
    ]),
  );
}

export function decode(data: Record<string, string> | undefined) {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => [
      k,
      Buffer.from(v, 'base64').toString('utf8'),
    ]),
  );
}

export async function podTemplateAnnotations(
  cluster: TestCluster,
  deployment: string,
): Promise<Record<string, string>> {
  const { apps } = await adminApis(cluster);
  const d = await apps.readNamespacedDeployment({
    name: deployment,
    namespace: 'istio-system',
  });
  return d.spec?.template?.metadata?.annotations ?? {};
}

/** A root and a cluster's cacerts issued from it; ECDSA for speed. */
export async function meshPki(
  clusterName: string,
  options: {
    root?: CaKeyPair;
    validityDays?: number;
    now?: Date;
  } = {},
): Promise<{
  root: CaKeyPair;
  intermediate: IntermediateCa;
  files: CacertsFiles;
}> {
  const root =
    options.root ??
    (await generateRootCa({ keyType: 'ecdsa-p256', now: options.now }));
  const intermediate = await issueIntermediateCa({
    root,
    clusterName,
    keyType: 'ecdsa-p256',
    validityDays: options.validityDays,
    now: options.now,
  });
  const files = buildCacerts({
    intermediate,
    rootCertPems: [root.certPem],
  });
  return { root, intermediate, files };
}

/** Writes the files to a temp dir and runs both `openssl verify` forms Istio's docs use. */
export function opensslVerify(files: Record<string, string>): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'crossmesh-trust-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      writeFileSync(join(dir, name), content);
    }
    return ['cert-chain.pem', 'root-cert.pem'].map(caFile => {
      const result = spawnSync(
        'openssl',
        ['verify', '-CAfile', caFile, 'ca-cert.pem'],
        { cwd: dir, encoding: 'utf8' },
      );
      return `${result.stdout ?? ''}${result.stderr ?? ''}${
        result.error?.message ?? ''
      }`.trim();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

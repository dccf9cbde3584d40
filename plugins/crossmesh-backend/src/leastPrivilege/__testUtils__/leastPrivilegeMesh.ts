import { ConfigReader } from '@backstage/config';
import { readClusterConnections } from '../../clusters/clusterConnections';
import type { PreflightCheck } from '@crossmesh/backstage-plugin-crossmesh-common';
import { seedServices, startTestBed } from '@crossmesh/test-bed';
import fs from 'node:fs';
import { clusterAdmin, ClusterAdmin } from '../../__testUtils__/clusterAdmin';
import {
  Answer,
  component,
  startCrossmeshTestBackend,
} from '../../__testUtils__/testBackend';
import { ISTIO_READER_FILE, loadRbacFile } from '../../__testUtils__/rbacFile';

export const file = loadRbacFile();
export const SERVICE_ACCOUNT_USER =
  'system:serviceaccount:crossmesh-system:crossmesh';
const MESH_CONFIG_WITH_DNS_CAPTURE = `defaultConfig:
  proxyMetadata:
    ISTIO_META_DNS_CAPTURE: "true"
`;

const entities = [
  component('svc-2', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-2',
    'backstage.io/kubernetes-namespace': 'bar',
    'crossmesh.io/cluster': 'cluster-2',
    'crossmesh.io/ports': 'http:8000',
  }),
  component('svc-3', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-3',
    'backstage.io/kubernetes-namespace': 'baz',
    'crossmesh.io/cluster': 'cluster-3',
    'crossmesh.io/ports': 'grpc:9090',
  }),
  // No ports annotation: its ports are read from its Service in cluster-2.
  component('svc-ports', 'group:default/team-b', {
    'backstage.io/kubernetes-id': 'svc-ports',
    'backstage.io/kubernetes-namespace': 'foo',
    'crossmesh.io/cluster': 'cluster-2',
  }),
];

export type Report = { ok: boolean; checks: PreflightCheck[] };
export const denied = (report: Report) =>
  report.checks
    .filter(c => c.id.startsWith('access:') && c.status !== 'pass')
    .map(c => c.id)
    .sort();

/** API server audit events of writes by crossmesh's ServiceAccount that were refused. */
export function refusedWrites(auditLogPath: string): string[] {
  return fs
    .readFileSync(auditLogPath, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line))
    .filter(
      event =>
        event.user?.username === SERVICE_ACCOUNT_USER &&
        event.responseStatus?.code === 403,
    )
    .map(event => `${event.verb} ${event.objectRef?.resource}`);
}

/**
 * Three real API servers where crossmesh signs in as deploy/rbac.yaml's ServiceAccount and
 * nothing else, and the real backend over them: svc-2 (legacy-global cluster-2), svc-3
 * (dns-proxy cluster-3) and svc-ports (ports read from its Service) to expose.
 */
export async function startLeastPrivilegeMesh() {
  const admin: Record<string, ClusterAdmin> = {};
  // User crossmesh of the bed gets no binding: crossmesh signs in as the file's
  // ServiceAccount, with a token from the TokenRequest API.
  const bed = await startTestBed({
    clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    istioVersions: { 'cluster-3': '1.22.3' },
    crossmeshAccess: 'none',
  });
  await seedServices(bed.clusters, [
    { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    {
      cluster: 'cluster-3',
      namespace: 'baz',
      name: 'svc-3',
      ports: [{ name: 'grpc', port: 9090 }],
    },
  ]);
  const tokens: Record<string, string> = {};
  await Promise.all(
    bed.clusters.map(async cluster => {
      const clusterApi = await clusterAdmin(cluster);
      admin[cluster.name] = clusterApi;
      await clusterApi.applyAll(file.manifests);
      await clusterApi.applyAll(loadRbacFile(ISTIO_READER_FILE).manifests);
      tokens[cluster.name] = await clusterApi.serviceAccountToken(
        'crossmesh-system',
        'crossmesh',
      );
    }),
  );
  // Istio 1.22 in cluster-3, installed with DNS capture on.
  await admin['cluster-3'].core.createNamespacedConfigMap({
    namespace: 'istio-system',
    body: {
      metadata: { name: 'istio' },
      data: { mesh: MESH_CONFIG_WITH_DNS_CAPTURE },
    },
  });
  await admin['cluster-2'].core.createNamespace({
    body: { metadata: { name: 'foo' } },
  });
  await admin['cluster-2'].core.createNamespacedService({
    namespace: 'foo',
    body: {
      metadata: { name: 'svc-ports' },
      spec: {
        selector: { app: 'svc-ports' },
        ports: [{ name: 'http', port: 8000 }],
      },
    },
  });
  const seededCoredns = await admin['cluster-2'].core.readNamespacedConfigMap({
    name: 'coredns',
    namespace: 'kube-system',
  });

  const kubernetes = bed.kubernetesConfig();
  for (const cluster of kubernetes.clusterLocatorMethods[0].clusters) {
    cluster.serviceAccountToken = tokens[cluster.name];
  }
  const mesh = await startCrossmeshTestBackend({
    kubernetes,
    // The watch scenarios read what the watches saw.
    crossmesh: { watchClusters: true, remoteSecrets: { enabled: true } },
    entities,
  });

  const carol = () => mesh.as('user:default/carol');
  const bob = () => mesh.as('user:default/bob');
  const preflight = async (cluster: string): Promise<Report> => {
    const answer = await carol().get(`/clusters/${cluster}/preflight`);
    if (answer.status !== 200) {
      throw new Error(
        `preflight of ${cluster} answered ${answer.status}: ${answer.text}`,
      );
    }
    return answer.body;
  };
  /** The authorizer picks RBAC changes up from its informers within moments. */
  const preflightUntil = async (
    cluster: string,
    wanted: (report: Report) => boolean,
  ): Promise<Report> => {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const report = await preflight(cluster);
      if (wanted(report) || Date.now() > deadline) return report;
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  };
  const applyRoles = (manifests: typeof file.manifests) =>
    Promise.all(bed.clusters.map(c => admin[c.name].replaceRoles(manifests)));

  /**
   * Onboards every cluster through the API: the mesh root, then per cluster its
   * membership, intermediate and cacerts (with restarts) and .global DNS. Resolves to
   * every answer, for the caller to check.
   */
  const onboard = async () => {
    const root = await carol().post('/trust/root', { keyType: 'ecdsa-p256' });
    const clusters: Array<{
      name: string;
      member: Answer;
      issued: Answer;
      dns: Answer;
    }> = [];
    for (const cluster of bed.clusters) {
      const member = await carol().put(`/clusters/${cluster.name}/membership`, {
        network: `network-${cluster.name}`,
      });
      const issued = await carol().post(
        `/trust/clusters/${cluster.name}/intermediate`,
      );
      const dns = await carol().post(`/clusters/${cluster.name}/dns`);
      clusters.push({ name: cluster.name, member, issued, dns });
    }
    return { root, clusters };
  };

  return {
    bed,
    mesh,
    /** How crossmesh reaches each cluster: as the file's ServiceAccount. */
    connections: readClusterConnections(new ConfigReader({ kubernetes } as any))
      .clusters,
    admin,
    seededCoredns,
    carol,
    bob,
    preflight,
    preflightUntil,
    applyRoles,
    onboard,
    stop: async () => {
      await mesh.stop();
      await bed.stop();
    },
  };
}

/** @see startLeastPrivilegeMesh */
export type LeastPrivilegeMesh = Awaited<
  ReturnType<typeof startLeastPrivilegeMesh>
>;

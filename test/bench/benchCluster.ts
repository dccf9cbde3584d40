/*
 * What the benchmarks on the test bed share: admin clients of its API servers, the API
 * servers' own count of the requests they served (`apiserver_request_total`), and the
 * requests of user crossmesh in their audit logs.
 */
import { request as httpsRequest } from 'node:https';
import { followAuditLog, TestCluster } from '@crossmesh/test-bed';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { randomUUID } from 'node:crypto';
import type { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { DatabaseExposureStore } from '../../plugins/crossmesh-backend/src/exposure/store/DatabaseExposureStore';
import { allocateVip } from '../../plugins/crossmesh-backend/src/exposure/vip';

export const GROUP = 'networking.istio.io';
export const VERSION = 'v1beta1';

export async function adminCustomObjects(
  cluster: TestCluster,
): Promise<CustomObjectsApi> {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  return kubeConfig.makeApiClient(k8s.CustomObjectsApi);
}

/** A fresh API server answers 429 to custom resources until their storage is ready. */
export async function untilCustomResourcesServed(api: CustomObjectsApi) {
  for (const plural of ['serviceentries', 'destinationrules', 'gateways']) {
    for (let attempt = 1; ; attempt++) {
      try {
        await api.listClusterCustomObject({
          group: GROUP,
          version: VERSION,
          plural,
          limit: 1,
        });
        break;
      } catch (error) {
        if ((error as { code?: number }).code !== 429 || attempt > 300) {
          throw error;
        }
        await new Promise(r => setTimeout(r, 200));
      }
    }
  }
}

/** crossmesh's ServiceEntries in a cluster, read as its admin. */
export async function managedServiceEntries(
  cluster: TestCluster,
): Promise<any[]> {
  const api = await adminCustomObjects(cluster);
  const list: any = await api.listClusterCustomObject({
    group: GROUP,
    version: VERSION,
    plural: 'serviceentries',
    labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
  });
  return list.items;
}

export async function countServiceEntries(
  cluster: TestCluster,
): Promise<number> {
  return (await managedServiceEntries(cluster)).length;
}

/**
 * Stores an approved request for `<name>.ns-<index % 50>.global` from `cluster-0` to
 * `consumers`, with its VIP allocated as an approval allocates it.
 */
export async function insertApprovedRequest(
  store: DatabaseExposureStore,
  name: string,
  index: number,
  consumers: string[],
): Promise<ExposureRequest> {
  const id = randomUUID();
  const namespace = `ns-${index % 50}`;
  const host = `${name}.${namespace}.global`;
  const vip = await store.allocateVip(
    host,
    id,
    inUse => allocateVip(inUse, { seed: host }).address,
  );
  const now = new Date().toISOString();
  const request: ExposureRequest = {
    id,
    entityRef: `component:default/${name}`,
    service: { name, namespace, ports: [{ name: 'http', number: 8000 }] },
    sourceCluster: 'cluster-0',
    consumerClusters: consumers,
    consumerNamespaces: [],
    reason: 'benchmark',
    endDate: null,
    state: 'approved',
    host,
    vip: vip.address,
    requestedBy: 'user:default/bench',
    requestedAt: now,
    decidedBy: 'user:default/approver',
    decidedAt: now,
    decisionComment: null,
    clusters: [],
    updatedAt: now,
  };
  await store.insertRequest(request);
  return request;
}

/** GET `path` from an API server as its admin, verifying TLS with the bed's CA. */
export function adminGet(cluster: TestCluster, path: string): Promise<string> {
  const url = new URL(path, cluster.url);
  return new Promise((done, fail) => {
    const request = httpsRequest(
      url,
      {
        ca: Buffer.from(cluster.caData, 'base64'),
        headers: { authorization: `Bearer ${cluster.adminToken}` },
      },
      response => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', chunk => (body += chunk));
        response.on('end', () =>
          response.statusCode === 200
            ? done(body)
            : fail(new Error(`GET ${url}: ${response.statusCode} ${body}`)),
        );
      },
    );
    request.on('error', fail);
    request.end();
  });
}

/** `apiserver_request_total` of one API server, by `VERB resource`. */
export async function requestCounts(
  cluster: TestCluster,
): Promise<Map<string, number>> {
  const text = await adminGet(cluster, '/metrics');
  const counts = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const labels = Object.fromEntries(
      [...line.matchAll(/(\w+)="([^"]*)"/g)].map(m => [m[1], m[2]]),
    );
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    // The API servers' own housekeeping: lease renewals, the `kubernetes` Service's endpoints.
    if (['', 'leases', 'endpoints'].includes(labels.resource ?? '')) continue;
    const key = `${labels.verb} ${labels.resource}${
      labels.subresource ? `/${labels.subresource}` : ''
    }`;
    counts.set(key, (counts.get(key) ?? 0) + value);
  }
  return counts;
}

export async function snapshot(clusters: TestCluster[]) {
  return new Map(
    await Promise.all(
      clusters.map(async c => [c.name, await requestCounts(c)] as const),
    ),
  );
}

/** Calls per cluster between two snapshots, by `VERB resource`. */
export function delta(
  before: Map<string, Map<string, number>>,
  after: Map<string, Map<string, number>>,
): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  for (const [cluster, counts] of after) {
    const diff = new Map<string, number>();
    for (const [key, value] of counts) {
      const d = value - (before.get(cluster)?.get(key) ?? 0);
      if (d > 0) diff.set(key, d);
    }
    out.set(cluster, diff);
  }
  return out;
}

export const total = (counts: Map<string, number> | undefined) =>
  [...(counts ?? new Map<string, number>()).values()].reduce(
    (a, b) => a + b,
    0,
  );

export const isWrite = (key: string) =>
  /^(POST|PUT|PATCH|DELETE|APPLY|CREATE|UPDATE|DELETECOLLECTION) /i.test(key);

/**
 * Counts the requests user crossmesh makes from now on, per cluster and `VERB resource`, from
 * the API servers' audit logs (the bed must run with `auditCrossmeshReads`). Only crossmesh's
 * own requests: the API servers' informers and the bench's admin are other users. A watch
 * counts when it starts (its `ResponseStarted` event), any other request when it completes.
 */
export function crossmeshRequestsFrom(clusters: TestCluster[]) {
  const logs = clusters.map(c => ({
    cluster: c.name,
    read: followAuditLog(c.auditLogPath),
  }));
  return (): Map<string, Map<string, number>> =>
    new Map(
      logs.map(({ cluster, read }) => {
        const counts = new Map<string, number>();
        for (const event of read()) {
          if (event.user?.username !== 'crossmesh') continue;
          const started = event.stage === 'ResponseStarted';
          const completed =
            event.stage === 'ResponseComplete' && event.verb !== 'watch';
          if (!started && !completed) continue;
          const key = `${event.verb.toUpperCase()} ${
            event.objectRef?.resource ?? event.requestURI
          }`;
          counts.set(key, (counts.get(key) ?? 0) + 1);
        }
        return [cluster, counts] as const;
      }),
    );
}

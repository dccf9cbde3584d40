import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { TestDatabases } from '@backstage/backend-test-utils';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { TestBed } from '@crossmesh/test-bed';
import { Knex } from 'knex';
import { ClusterObserver } from '../clusters/ClusterObserver';
import { KubernetesClients } from '../clusters/KubernetesClients';
import { connectionsOf } from './trustTestKit';
import { DatabaseAuditLog } from '../audit';
import { ClusterDnsWiring } from '../exposure/dns/cluster';
import { DatabaseExposureStore } from '../exposure/store/DatabaseExposureStore';
import { databaseExposureTransaction } from '../exposure/store/ExposureTransaction';
import { allocateVip } from '../exposure/vip';
import { ClusterExposureApplier } from '../exposure/reconcile/ClusterExposureApplier';
import {
  ExposureReconciler,
  ReconcileReport,
} from '../exposure/reconcile/ExposureReconciler';
import { ClusterWatches } from '../exposure/reconcile/ClusterWatches';
import { ReconcileTrigger } from '../exposure/reconcile/ReconcileTrigger';
import { ReconcileLease } from '../exposure/reconcile/ReconcileLease';

/** A database with crossmesh's migrations applied. */
export async function migratedDatabase(
  databases: TestDatabases,
  id: Parameters<TestDatabases['init']>[0],
): Promise<Knex> {
  const knex = await databases.init(id);
  await knex.migrate.latest({
    directory: resolvePackagePath(
      '@crossmesh/backstage-plugin-crossmesh-backend',
      'migrations',
    ),
  });
  return knex;
}

/** A reconciler wired to real clusters of the bed, as the plugin wires it. */
export function reconcilerFor(
  bed: TestBed,
  knex: Knex,
  options: Partial<ConstructorParameters<typeof ExposureReconciler>[0]> & {
    timeoutMs?: number;
    /** The watches that tell the reconciler's own writes apart, as the plugin wires them. */
    ownWrites?: ClusterWatches;
  } = {},
) {
  const { timeoutMs = 10_000, ownWrites, ...overrides } = options;
  const connections = connectionsOf(bed);
  const clients = new KubernetesClients();
  const observer = new ClusterObserver(clients, { timeoutMs });
  const store = new DatabaseExposureStore(knex);
  const audit = new DatabaseAuditLog(knex);
  const reconciler = new ExposureReconciler({
    store,
    transaction: databaseExposureTransaction(knex),
    applier: new ClusterExposureApplier(clients, {
      timeoutMs,
      writes: ownWrites,
    }),
    dns: new ClusterDnsWiring(clients, { timeoutMs }),
    lease: new ReconcileLease(knex),
    connections,
    observeClusters: () =>
      Promise.all(connections.map(c => observer.observe(c))),
    audit,
    ...overrides,
  });
  return { reconciler, store, audit, connections, clients, observer };
}

/** Stores an approved request for `<name>.bar.global` (cluster-2 to cluster-1) with its VIP. */
export async function insertApprovedRequest(
  store: DatabaseExposureStore,
  id: string,
  name: string,
  changes: Partial<ExposureRequest> = {},
): Promise<ExposureRequest> {
  const host = `${name}.${changes.service?.namespace ?? 'bar'}.global`;
  const vip = await store.allocateVip(
    host,
    id,
    inUse => allocateVip(inUse, { seed: host }).address,
  );
  const now = new Date().toISOString();
  const request: ExposureRequest = {
    id,
    entityRef: `component:default/${name}`,
    service: {
      name,
      namespace: 'bar',
      ports: [{ name: 'http', number: 8000 }],
    },
    sourceCluster: 'cluster-2',
    consumerClusters: ['cluster-1'],
    consumerNamespaces: [],
    reason: 'test',
    endDate: null,
    state: 'approved',
    host,
    vip: vip.address,
    requestedBy: 'user:default/bob',
    requestedAt: now,
    decidedBy: 'user:default/carol',
    decidedAt: now,
    decisionComment: null,
    clusters: [],
    updatedAt: now,
    ...changes,
  };
  await store.insertRequest(request);
  return request;
}

/** The managed Istio objects of one kind in a cluster, read as admin. */
export async function managedObjects(
  cluster: TestBed['clusters'][number],
  plural:
    | 'serviceentries'
    | 'destinationrules'
    | 'gateways'
    | 'authorizationpolicies',
): Promise<any[]> {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  const list: any = await kubeConfig
    .makeApiClient(k8s.CustomObjectsApi)
    .listClusterCustomObject({
      group:
        plural === 'authorizationpolicies'
          ? 'security.istio.io'
          : 'networking.istio.io',
      version: 'v1beta1',
      plural,
      labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
    });
  return list.items;
}

/**
 * One replica as the plugin wires it: a reconciler whose passes a ReconcileTrigger runs,
 * asked for by the clusters' watches (started here) and by the test.
 */
export async function watchingReplicaFor(
  bed: TestBed,
  knex: Knex,
  options: {
    watch?: boolean;
    timeoutMs?: number;
    /** Passed to the reconciler, e.g. Git delivery. */
    reconciler?: Partial<ConstructorParameters<typeof ExposureReconciler>[0]>;
  } = {},
) {
  const reports: ReconcileReport[] = [];
  /** What asked for each pass that ran, in order. */
  const causes: string[] = [];
  const watches = new ClusterWatches({
    clients: new KubernetesClients(),
    connections: connectionsOf(bed),
  });
  const parts = reconcilerFor(bed, knex, {
    timeoutMs: options.timeoutMs ?? 5_000,
    backoff: { baseMs: 0, maxMs: 0 },
    watches,
    ownWrites: watches,
    ...options.reconciler,
  });
  const { reconciler } = parts;
  const trigger = new ReconcileTrigger({
    reconcile: mode => reconciler.reconcile(mode),
    onReport: (report, cause) => {
      reports.push(report);
      causes.push(cause);
    },
  });
  if (options.watch !== false) {
    await watches.start((cluster, concern, reason) => {
      reconciler.clusterAnswered(cluster);
      if (concern === 'exposures') trigger.request(`${cluster}: ${reason}`);
    });
  }
  return {
    ...parts,
    trigger,
    watches,
    reports,
    causes,
    stop() {
      trigger.stop();
      watches.stop();
    },
  };
}

import type {
  LifecycleService,
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type {
  ExposureRequest,
  MeshCluster,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import type { Knex } from 'knex';
import type { AuditLog } from '../../audit';
import type { ClusterConnection } from '../../clusters/clusterConnections';
import type { KubernetesClients } from '../../clusters/KubernetesClients';
import type {
  DeliverySettings,
  GitRepository,
} from '../delivery/deliverySettings';
import type { GiteaRepository } from '../delivery/GiteaRepository';
import { GitDnsWiring } from '../delivery/GitDnsWiring';
import { ClusterDnsWiring } from '../dns/cluster';
import { MeshConfigWiring } from '../meshConfig/MeshConfigWiring';
import type { MeshRenderSettings } from '../render';
import type { ExposureStore } from '../store/ExposureStore';
import type { ExposureTransaction } from '../store/ExposureTransaction';
import { ClusterExposureApplier } from './ClusterExposureApplier';
import { ClusterWatches } from './ClusterWatches';
import { ExposureReconciler } from './ExposureReconciler';
import { GitClusterDelivery } from './GitClusterDelivery';
import { logReconcileReport } from './logReconcileReport';
import { ReconcileLease } from './ReconcileLease';
import type { ReconcileStatusStore } from './ReconcileStatusStore';
import { ReconcileTrigger } from './ReconcileTrigger';

/**
 * The scheduler task of the timer's reconcile pass; tests trigger it by this id.
 *
 * @internal
 */
export const RECONCILE_TASK = 'crossmesh-reconcile-exposures';

/**
 * Builds the reconciler with its cluster writers and Git delivery, schedules the timer's
 * pass, and (with `watchClusters`) starts the watches that ask for a pass on a change.
 * What a watch of `cacerts` sees goes to `onCacertsChanged`: trust lies above this layer.
 *
 * @internal
 */
export async function startReconciling(options: {
  settings: {
    delivery: DeliverySettings;
    appBaseUrl: string;
    meshConfigRevisions: string[];
    clusterTimeoutMs: number;
    reconcileIntervalSeconds: number;
    watchClusters: boolean;
  };
  db: Knex;
  clients: KubernetesClients;
  connections: ClusterConnection[];
  stores: {
    exposures: ExposureStore;
    transaction: ExposureTransaction;
    status: ReconcileStatusStore;
  };
  audit: AuditLog;
  render: MeshRenderSettings;
  forge: (delivery: {
    repository: GitRepository;
    token: string;
  }) => GiteaRepository;
  dnsMembers: () => Promise<string[]>;
  observeClusters: () => Promise<MeshCluster[]>;
  onOutcome: (
    request: ExposureRequest,
    outcome: 'active' | 'failed',
    detail: string,
  ) => Promise<void>;
  onCacertsChanged: (cluster: string) => void;
  scheduler: SchedulerService;
  lifecycle: LifecycleService;
  logger: LoggerService;
}): Promise<{ trigger: ReconcileTrigger; watches?: ClusterWatches }> {
  const { settings, clients, connections, stores, logger } = options;
  const watches = settings.watchClusters
    ? new ClusterWatches({
        clients,
        connections,
        onError: (cluster, watch, message) =>
          logger.debug(
            `crossmesh lost its watch of ${watch} in ${cluster}, and retries: ${message}`,
          ),
      })
    : undefined;
  const reconciler = new ExposureReconciler({
    store: stores.exposures,
    transaction: stores.transaction,
    status: stores.status,
    applier: new ClusterExposureApplier(clients, { writes: watches }),
    dns: new ClusterDnsWiring(clients),
    meshConfig: new MeshConfigWiring(clients, settings.meshConfigRevisions),
    lease: new ReconcileLease(options.db),
    git: {
      delivery: settings.delivery,
      deliver: new GitClusterDelivery({
        clients,
        forge: options.forge,
        timeoutMs: settings.clusterTimeoutMs,
      }),
      appBaseUrl: settings.appBaseUrl,
      dns: new GitDnsWiring({
        clients,
        forge: options.forge,
        timeoutMs: settings.clusterTimeoutMs,
      }),
    },
    watches,
    render: options.render,
    dnsMembers: options.dnsMembers,
    connections,
    observeClusters: options.observeClusters,
    audit: options.audit,
    onOutcome: options.onOutcome,
  });
  const trigger = new ReconcileTrigger({
    reconcile: mode => reconciler.reconcile(mode),
    onReport: report => logReconcileReport(report, logger),
    onError: (error, cause) =>
      logger.warn(`crossmesh reconcile pass (${cause}) failed: ${error}`),
  });
  // Every replica runs the timer's pass, and the reconcile lease lets one act at a time. A
  // global task would stay claimed by a replica killed mid-pass until the task's timeout,
  // so work would resume only minutes after a crash. Changes trigger passes of their own
  // at once (ADR 0030); the timer is the safety net.
  await options.scheduler.scheduleTask({
    id: RECONCILE_TASK,
    scope: 'local',
    frequency: { seconds: settings.reconcileIntervalSeconds },
    timeout: { minutes: 5 },
    fn: async () => {
      await trigger.timerPass();
    },
  });
  options.lifecycle.addStartupHook(() =>
    watches?.start((cluster, concern, reason) => {
      reconciler.clusterAnswered(cluster);
      if (concern === 'cacerts') {
        options.onCacertsChanged(cluster);
      } else {
        trigger.request(`${cluster}: ${reason}`);
      }
    }),
  );
  // A pass that is running ends before the database closes under it.
  options.lifecycle.addShutdownHook(async () => {
    trigger.stop();
    watches?.stop();
    await trigger.settled();
  });
  return { trigger, watches };
}

import {
  TrustConfirmation,
  TrustKeyEncryption,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { AuditLog } from '../audit';
import { ClusterConnection } from '../clusters/clusterConnections';
import { KubernetesClients } from '../clusters/KubernetesClients';
import { DistributionService } from './DistributionService';
import { IntermediateService } from './IntermediateService';
import { RootService } from './RootService';
import { RotationService } from './RotationService';
import { RotationWait } from './rotationWait';
import { RootRotation, TrustStore } from './store/TrustStore';
import { TrustTransaction } from './store/TrustTransaction';
import { ConfirmationStore } from './store/ConfirmationStore';
import { RootConfirmations } from './RootConfirmations';
import {
  IntermediateView,
  RootView,
  toIntermediateView,
  toRootView,
  TrustContext,
  TrustMode,
  TrustSettings,
} from './TrustContext';

/**
 * The mesh's trust at a glance, as `GET /trust` answers.
 *
 * @internal
 */
export interface TrustState {
  mode: TrustMode;
  roots: RootView[];
  intermediates: IntermediateView[];
  pendingCsrs: Array<{ clusterName: string; createdAt: string }>;
  rotation: RootRotation;
  /** Root operations waiting for a second platform member. */
  confirmations: TrustConfirmation[];
  /** Days before expiry when an intermediate counts as due for renewal. */
  renewalWindowDays: number;
  /** Whether the key-encryption secret(s) seal and open keys; when not, why. */
  keyEncryption: TrustKeyEncryption;
  /** `crossmesh.trust.workloadCertificateTtl`, in seconds. */
  workloadCertificateTtlSeconds: number;
  /** While a rotation is under way: when its next phase may begin. */
  rotationWait: RotationWait | null;
}

/**
 * The mesh's root of trust, by concern: one root CA, an intermediate per cluster, each
 * cluster's `cacerts` and its drift, and Istio's multi-root rotation; every step audited.
 *
 * @internal
 */
export interface TrustServices {
  getState(): Promise<TrustState>;
  roots: RootService;
  intermediates: IntermediateService;
  distribution: DistributionService;
  rotation: RotationService;
  confirmations: RootConfirmations;
}

/**
 * Builds the trust services on one shared {@link TrustContext}.
 *
 * @internal
 */
export function createTrustServices(options: {
  stores: {
    store: TrustStore;
    confirmations: ConfirmationStore;
    transaction: TrustTransaction;
    audit: AuditLog;
  };
  clients: KubernetesClients;
  connections: ClusterConnection[];
  settings: TrustSettings;
  now?: () => Date;
}): TrustServices {
  const context = new TrustContext(
    options.stores,
    options.connections,
    options.settings,
    options.now,
  );
  const roots = new RootService(context);
  const distribution = new DistributionService(context, options.clients);
  const intermediates = new IntermediateService(context, distribution);
  const confirmations = new RootConfirmations(context);
  const rotation = new RotationService(
    context,
    roots,
    intermediates,
    distribution,
    confirmations,
  );
  return {
    getState: () => readTrustState(context, rotation, confirmations),
    confirmations,
    roots,
    intermediates,
    distribution,
    rotation,
  };
}

async function readTrustState(
  context: TrustContext,
  rotationService: RotationService,
  confirmations: RootConfirmations,
): Promise<TrustState> {
  const { store } = context;
  const [roots, intermediates, rotation, keyEncryption, rotationWait, waiting] =
    await Promise.all([
      store.listRoots(),
      store.listCurrentIntermediates(),
      store.getRotation(),
      context.keyEncryption(),
      rotationService.currentWait(),
      confirmations.listPending(),
    ]);
  const pendingCsrs = [];
  for (const c of context.connections) {
    const pending = await store.getPendingCsr(c.name);
    if (pending) {
      pendingCsrs.push({
        clusterName: pending.clusterName,
        createdAt: pending.createdAt,
      });
    }
  }
  return {
    mode: context.settings.mode,
    roots: roots.map(toRootView),
    intermediates: intermediates.map(toIntermediateView),
    pendingCsrs,
    rotation,
    renewalWindowDays: context.settings.renewalWindowDays,
    keyEncryption,
    workloadCertificateTtlSeconds: Math.round(
      context.settings.workloadCertificateTtlMs / 1000,
    ),
    rotationWait,
    confirmations: waiting,
  };
}

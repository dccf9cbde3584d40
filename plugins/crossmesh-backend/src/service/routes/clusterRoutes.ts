import {
  crossmeshClusterManagePermission,
  crossmeshClusterReadPermission,
  RemoteSecretState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { ReconcileStatusStore } from '../../exposure/reconcile/ReconcileStatusStore';
import type { ClusterWatches } from '../../exposure/reconcile/ClusterWatches';
import { MembershipService } from '../../onboarding/membership/MembershipService';
import { OnboardingService } from '../../onboarding/OnboardingService';
import { redactPreflight } from '../../onboarding/preflight/redactPreflight';
import { ClusterService } from '../ClusterService';
import { ApiRouter, RouteAccess } from './routeAccess';

/**
 * The mesh's clusters: what was observed, preflight, membership, DNS wiring, and the
 * reconciler's status per cluster.
 *
 * @internal
 */
export function addClusterRoutes(
  router: ApiRouter,
  access: RouteAccess,
  services: {
    clusters: ClusterService;
    memberships: MembershipService;
    onboarding: OnboardingService;
    reconcileStatus: Pick<ReconcileStatusStore, 'list'>;
    /** Absent when crossmesh.watchClusters is off. */
    watches?: Pick<ClusterWatches, 'status'>;
    /** Absent when crossmesh.remoteSecrets is off. */
    remoteSecrets?: { inspect(): Promise<RemoteSecretState[]> };
  },
) {
  const { authorize, authorizePlatform } = access;
  const { clusters, memberships, onboarding } = services;

  router.get('/clusters', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json({
      items: await clusters.withDelivery(await clusters.listClusters()),
    });
  });

  router.get('/clusters/:clusterName', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    const cluster = await clusters.getCluster(req.params.clusterName);
    const [withDelivery] = await clusters.withDelivery([cluster]);
    res.json(withDelivery);
  });

  router.get('/clusters/:clusterName/preflight', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    const report = await onboarding.preflight(req.params.clusterName);
    res.json(
      (await access.mayReadClusterDetails(req))
        ? report
        : redactPreflight(report),
    );
  });

  router.get('/clusters/:clusterName/membership', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json(await memberships.get(req.params.clusterName));
  });

  router.put('/clusters/:clusterName/membership', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshClusterManagePermission,
      'change cluster memberships',
    );
    const { membership, outcome } = await memberships.register(
      req.params.clusterName,
      req.body,
      actor,
    );
    res.status(outcome === 'created' ? 201 : 200).json(membership);
  });

  router.post('/clusters/:clusterName/dns', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshClusterManagePermission,
      'wire cluster DNS',
    );
    res.json(await onboarding.wireDns(req.params.clusterName, actor));
  });

  router.get('/reconcile/status', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json({ items: await services.reconcileStatus.list() });
  });

  router.get('/remote-secrets', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json({
      enabled: services.remoteSecrets !== undefined,
      items: (await services.remoteSecrets?.inspect()) ?? [],
    });
  });

  router.get('/reconcile/watches', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json({
      enabled: services.watches !== undefined,
      items: (services.watches?.status() ?? []).map(w => ({
        cluster: w.cluster,
        watch: w.watch,
        synced: w.synced,
        error: w.synced
          ? null
          : w.history.filter(h => h.what === 'failed').at(-1)?.detail ?? null,
        history: w.history,
      })),
    });
  });
}

import type { RemoteSecretState } from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import express from 'express';
import { GroupRole } from '../access/GroupRole';
import {
  clusterDetailsRedactor,
  redactClusterDetails,
} from '../access/clusterDetails';
import { AuditLog } from '../audit';
import { AdoptionService } from '../exposure/adoption';
import { ReconcileStatusStore } from '../exposure/reconcile/ReconcileStatusStore';
import type { ClusterWatches } from '../exposure/reconcile/ClusterWatches';
import { ServicePortsReader } from '../exposure/servicePorts/ServicePortsReader';
import { ExposureService } from '../exposure/workflow/ExposureService';
import { MembershipService } from '../onboarding/membership/MembershipService';
import { OnboardingJobs } from '../onboarding/job/OnboardingJobs';
import { OnboardingService } from '../onboarding/OnboardingService';
import { createOpenApiRouter } from '../schema/openapi';
import { TrustServices } from '../trust';
import { ClusterService } from './ClusterService';
import { addAdoptionRoutes } from './routes/adoptionRoutes';
import { addAuditRoutes } from './routes/auditRoutes';
import { addClusterRoutes } from './routes/clusterRoutes';
import { addExposureRoutes } from './routes/exposureRoutes';
import { addOnboardingRoutes } from './routes/onboardingRoutes';
import { createRouteAccess } from './routes/routeAccess';
import { addTrustRoutes } from './routes/trustRoutes';

/**
 * The HTTP API, validated against `src/schema/openapi.yaml`. Every route checks its
 * permission before it reads or writes anything, then makes one service call; the routes
 * that change the mesh's trust and clusters also check membership of the platform team,
 * whatever the policy says. Cluster details (API server addresses, crossmesh's identity and
 * access) are redacted for callers who may not manage clusters. The routes are in
 * `routes/`, one module per concern.
 *
 * @internal
 */
export async function createRouter(options: {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Members may change trust, clusters and adoption, on top of the permission. */
  platform: GroupRole;
  /** The clusters' names and API server URLs, redacted for readers without the right. */
  clusterAddresses: Array<{ name: string; url: string }>;
  clusters: ClusterService;
  trust: TrustServices;
  exposures: ExposureService;
  memberships: MembershipService;
  onboarding: OnboardingService;
  onboardingJobs: OnboardingJobs;
  servicePorts: ServicePortsReader;
  reconcileStatus: Pick<ReconcileStatusStore, 'list'>;
  /** Absent when crossmesh.watchClusters is off. */
  watches?: Pick<ClusterWatches, 'status'>;
  /** Absent when crossmesh.remoteSecrets is off. */
  remoteSecrets?: { inspect(): Promise<RemoteSecretState[]> };
  adoption: AdoptionService;
  audit: Pick<AuditLog, 'list'>;
}): Promise<express.Router> {
  const router = await createOpenApiRouter();
  const access = createRouteAccess(options);

  router.use(
    redactClusterDetails(
      clusterDetailsRedactor(options.clusterAddresses),
      access.mayReadClusterDetails,
    ),
  );
  addClusterRoutes(router, access, options);
  addOnboardingRoutes(router, access, options.onboardingJobs);
  addTrustRoutes(router, access, options.trust);
  addAuditRoutes(router, access, options.audit);
  addExposureRoutes(router, access, options);
  addAdoptionRoutes(router, access, options.adoption);
  return router;
}

import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { BasicPermission } from '@backstage/plugin-permission-common';
import {
  crossmeshAuditReadPermission,
  crossmeshClusterManagePermission,
  crossmeshClusterReadPermission,
  crossmeshExposureDecidePermission,
  crossmeshExposureReadPermission,
  crossmeshExposureRequestPermission,
  ExposureRequestState,
  crossmeshTrustManagePermission,
  crossmeshTrustReadPermission,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import express from 'express';
import { createOpenApiRouter } from '../schema/openapi';
import { ExposureService } from '../exposure/workflow/ExposureService';
import { ServicePortsReader } from '../exposure/servicePorts/ServicePortsReader';
import { ReconcileStatusStore } from '../exposure/reconcile/ReconcileStatusStore';
import { TrustServices } from '../trust';
import { MembershipService } from '../onboarding/membership/MembershipService';
import { OnboardingService } from '../onboarding/OnboardingService';
import { redactPreflight } from '../onboarding/preflight/redactPreflight';
import { ClusterService } from './ClusterService';
import { AdoptionService } from '../exposure/adoption';
import { AuditLog } from '../audit';
import { GroupRole } from '../access/GroupRole';
import {
  clusterDetailsRedactor,
  redactClusterDetails,
} from '../access/clusterDetails';

type Request = Parameters<HttpAuthService['credentials']>[0];

/** Who is asking: the audit log's actor and the credentials services check further. */
interface Caller {
  actor: string;
  credentials: BackstageCredentials;
}

/**
 * The HTTP API, validated against `src/schema/openapi.yaml`. Every route checks its
 * permission before it reads or writes anything; the routes that change the mesh's trust
 * and clusters also check membership of the platform team, whatever the policy says.
 * Cluster details (API server addresses, crossmesh's identity and access) are redacted for
 * callers who may not manage clusters.
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
  servicePorts: ServicePortsReader;
  reconcileStatus: Pick<ReconcileStatusStore, 'list'>;
  adoption: AdoptionService;
  audit: Pick<AuditLog, 'list'>;
}): Promise<express.Router> {
  const { httpAuth, permissions, platform, clusters, trust, exposures } =
    options;
  const router = await createOpenApiRouter();

  async function allows(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === 'ALLOW';
  }

  /** Route kind "permission": the policy's decision alone (services add ownership rules). */
  async function authorize(
    req: Request,
    permission: BasicPermission,
  ): Promise<Caller> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    if (!(await allows(credentials, permission))) {
      throw new NotAllowedError(
        `You are not allowed to ${permission.attributes.action ?? 'use'} ${
          permission.name
        }`,
      );
    }
    return { actor: actorOf(credentials), credentials };
  }

  /** Route kind "platform": the permission and membership of the platform groups. */
  async function authorizePlatform(
    req: Request,
    permission: BasicPermission,
    what: string,
  ): Promise<Caller> {
    const caller = await authorize(req, permission);
    await platform.require(caller.credentials, what);
    return caller;
  }

  /** Whether the caller may see cluster details: whoever may onboard clusters. */
  async function mayReadClusterDetails(req: Request): Promise<boolean> {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    return (
      (await allows(credentials, crossmeshClusterManagePermission)) &&
      (await platform.includes(credentials))
    );
  }

  router.use(
    redactClusterDetails(
      clusterDetailsRedactor(options.clusterAddresses),
      mayReadClusterDetails,
    ),
  );

  router.get('/clusters', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json({ items: await clusters.listClusters() });
  });

  router.get('/clusters/:clusterName', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json(await clusters.getCluster(req.params.clusterName));
  });

  router.get('/clusters/:clusterName/preflight', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    const report = await options.onboarding.preflight(req.params.clusterName);
    res.json(
      (await mayReadClusterDetails(req)) ? report : redactPreflight(report),
    );
  });

  router.get('/clusters/:clusterName/membership', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json(await options.memberships.get(req.params.clusterName));
  });

  router.put('/clusters/:clusterName/membership', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshClusterManagePermission,
      'change cluster memberships',
    );
    const { membership, outcome } = await options.memberships.register(
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
    res.json(await options.onboarding.wireDns(req.params.clusterName, actor));
  });

  router.get('/reconcile/status', async (req, res) => {
    await authorize(req, crossmeshClusterReadPermission);
    res.json({ items: await options.reconcileStatus.list() });
  });

  router.get('/trust', async (req, res) => {
    await authorize(req, crossmeshTrustReadPermission);
    res.json(await trust.getState());
  });

  router.post('/trust/root', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'generate the root CA',
    );
    const root = await trust.roots.generateRoot(
      {
        keyType: req.body?.keyType ?? 'rsa-4096',
        validityDays: req.body?.validityDays ?? 3650,
      },
      actor,
    );
    res.status(201).json(root);
  });

  router.post('/trust/root/import', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'import a root CA',
    );
    res.status(201).json(await trust.roots.importRoot(req.body, actor));
  });

  router.post('/trust/clusters/:clusterName/intermediate', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'issue intermediate CAs',
    );
    res.status(201).json(
      await trust.intermediates.issueIntermediate(
        req.params.clusterName,
        actor,
        {
          keyType: req.body?.keyType,
        },
      ),
    );
  });

  router.put('/trust/clusters/:clusterName/intermediate', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'upload signed intermediate CAs',
    );
    res.json(
      await trust.intermediates.uploadSignedIntermediate(
        req.params.clusterName,
        req.body.certPem,
        actor,
      ),
    );
  });

  router.post('/trust/clusters/:clusterName/csr', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'create intermediate CA requests',
    );
    res
      .status(201)
      .json(await trust.intermediates.createCsr(req.params.clusterName, actor));
  });

  router.post('/trust/distribute', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'distribute cacerts',
    );
    res.json({
      items: await trust.distribution.distribute(actor, req.body?.clusterName),
    });
  });

  router.get('/trust/drift', async (req, res) => {
    await authorize(req, crossmeshTrustReadPermission);
    res.json({ items: await trust.distribution.inspect() });
  });

  router.post('/trust/rotation', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'rotate the root CA',
    );
    const body = req.body ?? {};
    const input = body.certPem
      ? { certPem: body.certPem, keyPem: body.keyPem }
      : {
          keyType: body.keyType ?? 'rsa-4096',
          validityDays: body.validityDays ?? 3650,
        };
    res.json(await trust.rotation.startRotation(input, actor));
  });

  router.post('/trust/rotation/advance', async (req, res) => {
    const { actor } = await authorizePlatform(
      req,
      crossmeshTrustManagePermission,
      'advance a root rotation',
    );
    res.json(await trust.rotation.advanceRotation(actor));
  });

  router.get('/audit-events', async (req, res) => {
    await authorize(req, crossmeshAuditReadPermission);
    const { clusterName, action, actor, limit, offset } = req.query;
    res.json(
      await options.audit.list({
        clusterName,
        action,
        actor,
        limit: limit ?? 50,
        offset: offset ?? 0,
      }),
    );
  });

  router.get('/exposures', async (req, res) => {
    await authorize(req, crossmeshExposureReadPermission);
    const { state, entityRef, cluster, requestedBy, limit, offset } = req.query;
    res.json(
      await exposures.list({
        states: state
          ? (state.split(',').map(s => s.trim()) as ExposureRequestState[])
          : undefined,
        entityRef,
        cluster,
        requestedBy,
        limit: limit ?? 50,
        offset: offset ?? 0,
      }),
    );
  });

  router.post('/exposures', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureRequestPermission,
    );
    res.status(201).json(await exposures.create(req.body, credentials, actor));
  });

  // Read permission is enough: nothing is stored, and the catalog read checks the entity.
  router.post('/exposures/preview', async (req, res) => {
    const { credentials } = await authorize(
      req,
      crossmeshExposureReadPermission,
    );
    res.json(await exposures.previewDraft(req.body, credentials));
  });

  router.get('/service-ports', async (req, res) => {
    const { credentials } = await authorize(
      req,
      crossmeshExposureReadPermission,
    );
    res.json(await options.servicePorts.read(req.query.entityRef, credentials));
  });

  router.get('/exposures/:requestId', async (req, res) => {
    await authorize(req, crossmeshExposureReadPermission);
    res.json(await exposures.get(req.params.requestId));
  });

  router.get('/exposures/:requestId/preview', async (req, res) => {
    await authorize(req, crossmeshExposureReadPermission);
    res.json(await exposures.preview(req.params.requestId));
  });

  router.post('/exposures/:requestId/cancel', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureRequestPermission,
    );
    res.json(await exposures.cancel(req.params.requestId, credentials, actor));
  });

  router.post('/exposures/:requestId/revoke', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureRequestPermission,
    );
    res.json(await exposures.revoke(req.params.requestId, credentials, actor));
  });

  router.post('/exposures/:requestId/approve', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureDecidePermission,
    );
    res.json(
      await exposures.approve(
        req.params.requestId,
        req.body?.comment,
        credentials,
        actor,
      ),
    );
  });

  router.post('/exposures/:requestId/reject', async (req, res) => {
    const { actor, credentials } = await authorize(
      req,
      crossmeshExposureDecidePermission,
    );
    res.json(
      await exposures.reject(
        req.params.requestId,
        req.body?.comment,
        credentials,
        actor,
      ),
    );
  });

  router.get('/vips', async (req, res) => {
    await authorize(req, crossmeshExposureReadPermission);
    res.json({ items: await exposures.listVips() });
  });

  router.get('/adoption/candidates', async (req, res) => {
    const { credentials } = await authorize(
      req,
      crossmeshExposureReadPermission,
    );
    res.json(await options.adoption.listCandidates(credentials));
  });

  // Adopting makes exposures active without a request: the platform team's act.
  router.post('/adoption', async (req, res) => {
    const { actor, credentials } = await authorizePlatform(
      req,
      crossmeshExposureDecidePermission,
      'adopt hand-made ServiceEntries',
    );
    res.json(await options.adoption.adopt(req.body, credentials, actor));
  });

  return router;
}

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  return principal.subject ?? principal.type;
}

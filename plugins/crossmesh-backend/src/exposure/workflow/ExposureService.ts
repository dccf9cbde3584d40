import {
  BackstageCredentials,
  LoggerService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  RELATION_OWNED_BY,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ExposureRequest,
  ExposureRequestState,
  MeshCluster,
  quoteValue,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { randomUUID } from 'node:crypto';
import { NewAuditEvent } from '../../trust/store/TrustStore';
import { Approvers } from './approvers';
import { ExposureNotifier, ExposureOutcome } from '../notify';
import { ExposureRequestQuery, ExposureStore } from '../store/ExposureStore';
import { vipProposal, VipReservations } from '../vip/ClusterVipReservations';
import { nextExposureState, ExposureEvent } from './requestStateMachine';
import { renderPreview } from './renderPreview';
import {
  ExposureRequestInput,
  validateRequestInput,
  ValidatedRequestInput,
} from './validateRequestInput';
import { ServiceOwnership } from './serviceOwnership';
import { refuseDuplicateRequest, refuseHostHeldByAnother } from './hostClaims';

/**
 * The manifests approval would apply, per cluster.
 *
 * @internal
 */
export interface ExposurePreview {
  requestId: string;
  host: string;
  vip: string;
  /** True while the request is pending: the VIP shown is the one approval would try first. */
  vipIsProvisional: boolean;
  clusters: Array<{
    cluster: string;
    role: 'consumer' | 'exporter';
    yaml: string;
    error?: string;
  }>;
}

/**
 * Who may decide requests, beyond the permission framework's decision.
 *
 * @internal
 */
export interface ApproverSettings {
  /** Group refs whose members approve and reject; empty means the permission policy alone decides. */
  groups: string[];
}

/**
 * @internal
 */
export interface ClusterLookup {
  names(): string[];
  getCluster(name: string): Promise<MeshCluster>;
}

/**
 * The exposure workflow: a service owner asks, an approver decides, the reconciler makes
 * it so. Every state change is a compare-and-set in the store and an audit event.
 *
 * @internal
 */
export class ExposureService {
  constructor(
    private readonly options: {
      store: ExposureStore;
      audit: { appendAuditEvent(event: NewAuditEvent): Promise<unknown> };
      catalog: CatalogService;
      userInfo: UserInfoService;
      clusters: ClusterLookup;
      approvers: ApproverSettings;
      /** Proves from the source cluster that the Service belongs to the entity. */
      serviceOwnership: Pick<ServiceOwnership, 'prove'>;
      /** What other tools use in the clusters, for VIPs to step over. */
      vipReservations?: VipReservations;
      /** Absent or failing notifications never fail a request; failures go to the logger. */
      notifications?: NotificationService;
      logger?: LoggerService;
      now?: () => Date;
    },
  ) {
    this.notifier = new ExposureNotifier({
      notifications: options.notifications,
      logger: options.logger,
      approverGroups: options.approvers.groups,
    });
    this.approvers = new Approvers(options.approvers.groups, options.userInfo);
  }

  private readonly notifier: ExposureNotifier;
  private readonly approvers: Approvers;

  private now() {
    return this.options.now?.() ?? new Date();
  }

  async create(
    input: ExposureRequestInput,
    credentials: BackstageCredentials,
    actor: string,
  ): Promise<ExposureRequest> {
    const entity = await this.findEntity(input, credentials);
    await this.requireOwner(entity, credentials, 'request an exposure of');
    const valid = await this.validateNew(input, entity);

    const now = this.now().toISOString();
    const request: ExposureRequest = {
      id: randomUUID(),
      entityRef: valid.entityRef,
      service: valid.service,
      sourceCluster: valid.sourceCluster,
      consumerClusters: valid.consumerClusters,
      consumerNamespaces: valid.consumerNamespaces,
      reason: valid.reason,
      endDate: valid.endDate,
      state: 'pending',
      host: valid.host,
      vip: null,
      requestedBy: actor,
      requestedAt: now,
      decidedBy: null,
      decidedAt: null,
      decisionComment: null,
      clusters: [],
      updatedAt: now,
    };
    await this.options.store.insertRequest(request);
    // The audit log lives in another store; written right after the change it records.
    await this.options.audit.appendAuditEvent(
      this.auditOf(request, actor, 'exposure.requested', {
        consumerClusters: request.consumerClusters,
        reason: request.reason,
      }),
    );
    await this.notifier.requested(request, actor);
    return request;
  }

  private async findEntity(
    input: ExposureRequestInput,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    if (!input || typeof input.entityRef !== 'string') {
      throw new InputError(
        'entityRef is required, e.g. component:default/svc-2',
      );
    }
    try {
      // The catalog client throws a plain Error (a 500) on a malformed reference.
      parseEntityRef(input.entityRef);
    } catch {
      throw new InputError(
        `entityRef ${quoteValue(
          input.entityRef,
        )} is not an entity reference: use kind:namespace/name, e.g. component:default/svc-2`,
      );
    }
    const entity = await this.options.catalog.getEntityByRef(input.entityRef, {
      credentials,
    });
    if (!entity) {
      throw new InputError(
        `entityRef ${quoteValue(
          input.entityRef,
        )} was not found in the catalog (or you may not read it)`,
      );
    }
    return entity;
  }

  /**
   * The naming, cluster and entity rules, the Service's proof of ownership, then no open
   * request of the same entity for the same host and clusters.
   */
  private async validateNew(
    input: ExposureRequestInput,
    entity: Entity,
  ): Promise<ValidatedRequestInput> {
    const valid = validateRequestInput(
      input,
      entity,
      this.options.clusters.names(),
      this.now(),
    );
    await this.options.serviceOwnership.prove(entity, valid);
    refuseDuplicateRequest(
      valid,
      await this.options.store.findOpenRequests(
        valid.host,
        valid.consumerClusters,
      ),
    );
    return valid;
  }

  async get(id: string): Promise<ExposureRequest> {
    const request = await this.options.store.getRequest(id);
    if (!request) {
      throw new NotFoundError(`No exposure request with id '${id}'`);
    }
    return request;
  }

  list(query: ExposureRequestQuery) {
    return this.options.store.listRequests(query);
  }

  listVips() {
    return this.options.store.listVips();
  }

  async cancel(id: string, credentials: BackstageCredentials, actor: string) {
    const request = await this.get(id);
    await this.requireOwnerOfRequest(request, credentials, 'cancel');
    return this.move(request, 'cancel', actor, {}, 'exposure.cancelled');
  }

  async revoke(id: string, credentials: BackstageCredentials, actor: string) {
    const request = await this.get(id);
    const isApprover = await this.isApprover(credentials);
    if (!isApprover) {
      await this.requireOwnerOfRequest(request, credentials, 'revoke');
    }
    return this.move(request, 'revoke', actor, {}, 'exposure.revoke-requested');
  }

  async reject(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
    actor: string,
  ) {
    const request = await this.get(id);
    await this.requireApprover(credentials, 'reject');
    const rejected = await this.move(
      request,
      'reject',
      actor,
      this.decision(actor, comment),
      'exposure.rejected',
    );
    await this.notifier.decided(rejected, 'rejected', actor);
    return rejected;
  }

  async approve(
    id: string,
    comment: string | undefined,
    credentials: BackstageCredentials,
    actor: string,
  ) {
    const request = await this.get(id);
    await this.requireApprover(credentials, 'approve');
    if (request.requestedBy === actor) {
      throw new NotAllowedError(
        `You requested ${request.id} yourself; another approver has to decide it`,
      );
    }
    // Checked before a VIP is taken, so a refused approval leaves nothing behind.
    nextExposureState(request.id, request.state, 'approve');
    refuseHostHeldByAnother(
      request,
      await this.options.store.findOpenRequests(
        request.host,
        request.consumerClusters,
      ),
    );
    const vip = await this.options.store.allocateVip(
      request.host,
      request.id,
      await vipProposal(request, this.options.vipReservations),
    );
    const approved = await this.move(
      request,
      'approve',
      actor,
      { ...this.decision(actor, comment), vip: vip.address },
      'exposure.approved',
      { vip: vip.address },
    );
    await this.notifier.decided(approved, 'approved', actor);
    return approved;
  }

  /**
   * Tells the requester that the exposure is active, or that applying it failed (the
   * approvers hear of failures too). For the reconciler; never throws.
   */
  notifyOutcome(
    request: ExposureRequest,
    outcome: ExposureOutcome,
    detail: string,
  ): Promise<void> {
    return this.notifier.outcome(request, outcome, detail);
  }

  /** The manifests approval would apply in each cluster, as YAML. */
  async preview(id: string): Promise<ExposurePreview> {
    return renderPreview(await this.get(id), this.options);
  }

  /**
   * The manifests a request would apply before it exists: validated exactly as
   * {@link ExposureService.create} validates it, but nothing is stored or allocated.
   * Ownership is not required, since nothing changes.
   */
  async previewDraft(
    input: ExposureRequestInput,
    credentials: BackstageCredentials,
  ): Promise<ExposurePreview> {
    const entity = await this.findEntity(input, credentials);
    const valid = await this.validateNew(input, entity);
    return renderPreview({ ...valid, id: '', vip: null }, this.options);
  }

  private decision(actor: string, comment: string | undefined) {
    return {
      decidedBy: actor,
      decidedAt: this.now().toISOString(),
      decisionComment: comment?.trim() || null,
    };
  }

  private async move(
    request: ExposureRequest,
    event: ExposureEvent,
    actor: string,
    changes: Parameters<ExposureStore['transitionRequest']>[3],
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<ExposureRequest> {
    const to: ExposureRequestState = nextExposureState(
      request.id,
      request.state,
      event,
    );
    const moved = await this.options.store.transitionRequest(
      request.id,
      request.state,
      to,
      { ...changes, updatedAt: this.now().toISOString() },
    );
    if (moved) {
      await this.options.audit.appendAuditEvent(
        this.auditOf(request, actor, action, {
          from: request.state,
          to,
          ...(changes?.decisionComment
            ? { comment: changes.decisionComment }
            : {}),
          ...details,
        }),
      );
    }
    if (!moved) {
      const now = await this.get(request.id);
      throw new ConflictError(
        `Request ${request.id} changed meanwhile: it is now ${now.state}; reload and try again`,
      );
    }
    return this.get(request.id);
  }

  private auditOf(
    request: ExposureRequest,
    actor: string,
    action: string,
    details: Record<string, unknown>,
  ): NewAuditEvent {
    return {
      actor,
      action,
      clusterName: request.sourceCluster,
      serial: null,
      fingerprintSha256: null,
      details: {
        requestId: request.id,
        host: request.host,
        entityRef: request.entityRef,
        ...details,
      },
    };
  }

  private async ownershipRefs(
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    return this.approvers.ownershipRefs(credentials);
  }

  private async requireOwner(
    entity: Entity,
    credentials: BackstageCredentials,
    what: string,
  ) {
    const owners = (entity.relations ?? [])
      .filter(r => r.type === RELATION_OWNED_BY)
      .map(r => r.targetRef.toLocaleLowerCase('en-US'));
    const mine = await this.ownershipRefs(credentials);
    if (!owners.some(o => mine.includes(o))) {
      throw new NotAllowedError(
        `Only the owners of ${entity.metadata.name} (${
          owners.join(', ') || 'no owner in the catalog'
        }) may ${what} it`,
      );
    }
  }

  private async requireOwnerOfRequest(
    request: ExposureRequest,
    credentials: BackstageCredentials,
    what: string,
  ) {
    const entity = await this.options.catalog.getEntityByRef(
      request.entityRef,
      {
        credentials,
      },
    );
    if (!entity) {
      throw new NotAllowedError(
        `${request.entityRef} is no longer in the catalog, so its ownership cannot be checked; ask an approver to ${what} request ${request.id}`,
      );
    }
    await this.requireOwner(entity, credentials, `${what} requests for`);
  }

  private async isApprover(credentials: BackstageCredentials) {
    return this.approvers.includes(credentials);
  }

  private async requireApprover(
    credentials: BackstageCredentials,
    what: string,
  ) {
    await this.approvers.require(credentials, `${what} exposure requests`);
  }
}

import {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { Entity, RELATION_OWNED_BY } from '@backstage/catalog-model';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { randomUUID } from 'node:crypto';
import { NewAuditEvent } from '../../audit';
import { Approvers } from './approvers';
import { ExposureNotifier } from '../notify';
import { MeshFactHistory } from '../meshFacts';
import type { MeshRenderSettings } from '../render';
import {
  ExposureRequestChanges,
  ExposureRequestQuery,
  ExposureStore,
} from '../store/ExposureStore';
import { ExposureTransaction } from '../store/ExposureTransaction';
import { vipProposal, VipReservations } from './ClusterVipReservations';
import {
  nextExposureState,
  ExposureEvent,
} from '../lifecycle/requestStateMachine';
import { ClusterLookup, ExposurePreview, renderPreview } from './renderPreview';
import {
  findRequestEntity,
  newExposureRequest,
  validateNewRequest,
} from './newRequest';
import { ExposureRequestInput } from './validateRequestInput';
import { ServiceOwnership } from './serviceOwnership';
import { refuseHostHeldByAnother } from './hostClaims';

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
 * The exposure workflow: a service owner asks, an approver decides, the reconciler makes
 * it so. Every state change is a compare-and-set in the store, written in one
 * transaction with the audit event that records it.
 *
 * @internal
 */
export class ExposureService {
  constructor(
    private readonly options: {
      /** Reads; every write goes through `transaction`. */
      store: ExposureStore;
      transaction: ExposureTransaction;
      catalog: CatalogService;
      userInfo: UserInfoService;
      clusters: ClusterLookup;
      approvers: ApproverSettings;
      /** Proves from the source cluster that the Service belongs to the entity. */
      serviceOwnership: Pick<ServiceOwnership, 'prove'>;
      /** What other tools use in the clusters, for VIPs to step over. */
      vipReservations?: VipReservations;
      /** Tells people of requests and decisions; without one, nobody is told. */
      notifier?: ExposureNotifier;
      /** Sets the mesh-fact changes since approval on what `get` and `list` answer. */
      meshFacts?: Pick<MeshFactHistory, 'annotate'>;
      /**
       * Called after each committed state change (approve, reject, cancel, revoke), so the
       * reconciler converges the request now rather than on its timer.
       */
      onStateChange?: (request: ExposureRequest) => void;
      /** Mesh-wide settings every request renders with; the reconciler must use the same. */
      render?: MeshRenderSettings;
      now?: () => Date;
    },
  ) {
    this.approvers = new Approvers(options.approvers.groups, options.userInfo);
  }

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
    const request = newExposureRequest(valid, {
      id: randomUUID(),
      state: 'pending',
      vip: null,
      requestedBy: actor,
      now: this.now().toISOString(),
    });
    await this.options.transaction(async ({ store, audit }) => {
      await store.insertRequest(request);
      await audit.append(
        this.auditOf(request, actor, 'exposure.requested', {
          consumerClusters: request.consumerClusters,
          reason: request.reason,
        }),
      );
    });
    await this.options.notifier?.requested(request, actor);
    return request;
  }

  async get(id: string): Promise<ExposureRequest> {
    const request = await this.options.store.getRequest(id);
    if (!request) {
      throw new NotFoundError(`No exposure request with id '${id}'`);
    }
    const [annotated] = await this.withMeshFacts([request]);
    return annotated;
  }

  async list(query: ExposureRequestQuery) {
    const page = await this.options.store.listRequests(query);
    return { ...page, items: await this.withMeshFacts(page.items) };
  }

  private async withMeshFacts(requests: ExposureRequest[]) {
    return this.options.meshFacts
      ? this.options.meshFacts.annotate(requests)
      : requests;
  }

  listVips() {
    return this.options.store.listVips();
  }

  async cancel(id: string, credentials: BackstageCredentials, actor: string) {
    const request = await this.get(id);
    await this.requireOwnerOfRequest(request, credentials, 'cancel');
    return this.move(request, 'cancel', actor, 'exposure.cancelled');
  }

  async revoke(id: string, credentials: BackstageCredentials, actor: string) {
    const request = await this.get(id);
    const isApprover = await this.isApprover(credentials);
    if (!isApprover) {
      await this.requireOwnerOfRequest(request, credentials, 'revoke');
    }
    return this.move(request, 'revoke', actor, 'exposure.revoke-requested');
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
      'exposure.rejected',
      async () => this.decision(actor, comment),
    );
    await this.options.notifier?.decided(rejected, 'rejected', actor);
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
    // Refused before any cluster is read; what the clusters reserve is read before the
    // transaction opens, so no cluster call holds a database transaction open.
    nextExposureState(request.id, request.state, 'approve');
    const proposeVip = await vipProposal(request, this.options.vipReservations);
    // The VIP is taken in the transaction of the state change, so a refused approval
    // leaves nothing behind.
    const approved = await this.move(
      request,
      'approve',
      actor,
      'exposure.approved',
      async store => {
        refuseHostHeldByAnother(
          request,
          await store.findOpenRequests(request.host, request.consumerClusters),
        );
        const vip = await store.allocateVip(
          request.host,
          request.id,
          proposeVip,
        );
        return { ...this.decision(actor, comment), vip: vip.address };
      },
    );
    await this.options.notifier?.decided(approved, 'approved', actor);
    return approved;
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

  private findEntity(
    input: ExposureRequestInput,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    return findRequestEntity(input, this.options.catalog, credentials);
  }

  private validateNew(input: ExposureRequestInput, entity: Entity) {
    return validateNewRequest(input, entity, {
      serviceOwnership: this.options.serviceOwnership,
      clusterNames: this.options.clusters.names(),
      store: this.options.store,
      now: this.now(),
    });
  }

  private decision(actor: string, comment: string | undefined) {
    return {
      decidedBy: actor,
      decidedAt: this.now().toISOString(),
      decisionComment: comment?.trim() || null,
    };
  }

  /**
   * Moves the request by `event` and appends its audit event, in one transaction with
   * whatever `changesIn` writes (the VIP of an approval): a lost compare-and-set or a
   * failed write leaves nothing behind.
   */
  private async move(
    request: ExposureRequest,
    event: ExposureEvent,
    actor: string,
    action: string,
    changesIn: (
      store: ExposureStore,
    ) => Promise<ExposureRequestChanges> = async () => ({}),
  ): Promise<ExposureRequest> {
    const to = nextExposureState(request.id, request.state, event);
    await this.options.transaction(async ({ store, audit }) => {
      const changes = await changesIn(store);
      const moved = await store.transitionRequest(
        request.id,
        request.state,
        to,
        { ...changes, updatedAt: this.now().toISOString() },
      );
      if (!moved) {
        const now = await store.getRequest(request.id);
        throw now
          ? new ConflictError(
              `Request ${request.id} changed meanwhile: it is now ${now.state}; reload and try again`,
            )
          : new NotFoundError(`No exposure request with id '${request.id}'`);
      }
      await audit.append(
        this.auditOf(request, actor, action, {
          from: request.state,
          to,
          ...(changes.decisionComment
            ? { comment: changes.decisionComment }
            : {}),
          ...(changes.vip ? { vip: changes.vip } : {}),
        }),
      );
    });
    const moved = await this.get(request.id);
    this.options.onStateChange?.(moved);
    return moved;
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

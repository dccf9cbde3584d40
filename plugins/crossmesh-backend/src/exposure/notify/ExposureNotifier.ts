import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type { NotificationPayload } from '@backstage/plugin-notifications-common';
import type {
  NotificationRecipients,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  describeMeshFactChange,
  ExposureRequest,
  MeshFactChange,
} from '@crossmesh/backstage-plugin-crossmesh-common';

/**
 * The topic every crossmesh exposure notification carries, so users can filter on it.
 *
 * @internal
 */
export const EXPOSURE_NOTIFICATION_TOPIC = 'crossmesh-exposure';

/**
 * Outcome of applying an approved request, as the reconciler reports it.
 *
 * @internal
 */
export type ExposureOutcome = 'active' | 'failed';

/**
 * Who is told what about an exposure request, and the one place that sends it: the
 * workflow calls it for requests and decisions, the reconciler for outcomes. Best effort:
 * the notifications backend may not be installed, so a failed send is logged and never
 * reaches the caller.
 *
 * @internal
 */
export class ExposureNotifier {
  constructor(
    private readonly options: {
      notifications?: NotificationService;
      logger?: LoggerService;
      approverGroups: string[];
    },
  ) {}

  /** To the approver groups; nobody when none are configured. */
  requested(request: ExposureRequest, actor: string): Promise<void> {
    return this.send(
      request,
      'requested',
      entityRecipients(this.options.approverGroups, actor),
      () => requestedNotification(request),
    );
  }

  decided(
    request: ExposureRequest,
    decision: 'approved' | 'rejected',
    actor: string,
  ): Promise<void> {
    return this.send(
      request,
      decision,
      entityRecipients([request.requestedBy], actor),
      () => decisionNotification(request, decision),
    );
  }

  outcome(
    request: ExposureRequest,
    outcome: ExposureOutcome,
    detail: string,
  ): Promise<void> {
    const refs =
      outcome === 'failed'
        ? [request.requestedBy, ...this.options.approverGroups]
        : [request.requestedBy];
    return this.send(request, outcome, entityRecipients(refs), () =>
      outcomeNotification(request, outcome, detail),
    );
  }

  /**
   * To the component's owners and the requester: a platform member changed a mesh fact
   * (gateway address, network) the live exposure's objects derive from.
   */
  meshFactsChanged(
    request: ExposureRequest,
    changes: MeshFactChange[],
  ): Promise<void> {
    return this.send(
      request,
      'mesh facts changed',
      entityRecipients([request.entityRef, request.requestedBy]),
      () => meshFactsNotification(request, changes),
    );
  }

  private async send(
    request: ExposureRequest,
    what: string,
    recipients: ReturnType<typeof entityRecipients>,
    payload: () => NotificationPayload,
  ): Promise<void> {
    const { notifications, logger } = this.options;
    if (!notifications || !recipients) {
      return;
    }
    try {
      await notifications.send({ recipients, payload: payload() });
    } catch (error) {
      logger?.warn(
        `crossmesh could not send the '${what}' notification for exposure request ${
          request.id
        }: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

/**
 * The entity page's mesh tab, e.g. `/catalog/default/component/svc-2/mesh`.
 *
 * @internal
 */
export function exposureLink(entityRef: string): string {
  try {
    const ref = parseEntityRef(entityRef);
    return `/catalog/${encodeURIComponent(ref.namespace)}/${encodeURIComponent(
      ref.kind.toLocaleLowerCase('en-US'),
    )}/${encodeURIComponent(ref.name)}/mesh`;
  } catch {
    return '/crossmesh';
  }
}

function clusterList(request: ExposureRequest): string {
  return request.consumerClusters.join(', ');
}

function describeRequest(request: ExposureRequest): string {
  return `${request.host} (${request.entityRef}, running in ${
    request.sourceCluster
  }) to ${clusterList(request)}`;
}

/**
 * To the approvers: a new request waits for a decision.
 *
 * @internal
 */
export function requestedNotification(
  request: ExposureRequest,
): NotificationPayload {
  return {
    title: `Exposure of ${request.service.name} requested by ${request.requestedBy}`,
    description: `${request.requestedBy} asks to expose ${describeRequest(
      request,
    )}. Reason: ${request.reason}`,
    link: exposureLink(request.entityRef),
    severity: 'normal',
    topic: EXPOSURE_NOTIFICATION_TOPIC,
    // One scope per request and step: a re-send updates the notification instead of adding one.
    scope: `crossmesh:exposure:${request.id}:requested`,
    metadata: { requestId: request.id, host: request.host },
  };
}

/**
 * To the requester: an approver approved or rejected the request.
 *
 * @internal
 */
export function decisionNotification(
  request: ExposureRequest,
  decision: 'approved' | 'rejected',
): NotificationPayload {
  const comment = request.decisionComment
    ? ` Comment: ${request.decisionComment}`
    : '';
  const who = request.decidedBy ?? 'an approver';
  const description =
    decision === 'approved'
      ? `${who} approved exposing ${describeRequest(request)}${
          request.vip ? ` on VIP ${request.vip}` : ''
        }; crossmesh applies it to the clusters next.${comment}`
      : `${who} rejected exposing ${describeRequest(request)}.${comment}`;
  return {
    title: `Exposure of ${request.service.name} ${decision}`,
    description,
    link: exposureLink(request.entityRef),
    severity: 'normal',
    topic: EXPOSURE_NOTIFICATION_TOPIC,
    scope: `crossmesh:exposure:${request.id}:decision`,
    metadata: { requestId: request.id, host: request.host, decision },
  };
}

/**
 * To the requester (and, on failure, the approvers): the exposure is live, or applying it failed.
 *
 * @internal
 */
export function outcomeNotification(
  request: ExposureRequest,
  outcome: ExposureOutcome,
  detail: string,
): NotificationPayload {
  const suffix = detail.trim() ? ` ${detail.trim()}` : '';
  return {
    title:
      outcome === 'active'
        ? `${request.host} is reachable from ${clusterList(request)}`
        : `Exposure of ${request.service.name} failed`,
    description:
      outcome === 'active'
        ? `The exposure of ${describeRequest(request)} is active.${suffix}`
        : `crossmesh could not apply the exposure of ${describeRequest(
            request,
          )}.${suffix}`,
    link: exposureLink(request.entityRef),
    severity: outcome === 'active' ? 'normal' : 'high',
    topic: EXPOSURE_NOTIFICATION_TOPIC,
    // Shared by both outcomes, so a later success replaces an earlier failure.
    scope: `crossmesh:exposure:${request.id}:outcome`,
    metadata: { requestId: request.id, host: request.host, outcome },
  };
}

/**
 * To a live exposure's owners: what its objects derive from changed after approval.
 *
 * @internal
 */
export function meshFactsNotification(
  request: ExposureRequest,
  changes: MeshFactChange[],
): NotificationPayload {
  return {
    title: `The mesh under ${request.host} changed`,
    description: `${changes
      .map(change => describeMeshFactChange(change))
      .join('; ')}. crossmesh rewrites the exposure of ${describeRequest(
      request,
    )} to match; the change is in the audit log and on the exposure.`,
    link: exposureLink(request.entityRef),
    severity: 'high',
    topic: EXPOSURE_NOTIFICATION_TOPIC,
    scope: `crossmesh:exposure:${request.id}:mesh-facts:${changes[0].auditEventId}`,
    metadata: {
      requestId: request.id,
      host: request.host,
      auditEventId: changes[0].auditEventId,
    },
  };
}

/**
 * Entity recipients, or undefined when there is nobody to tell.
 *
 * @internal
 */
export function entityRecipients(
  entityRefs: string[],
  exclude?: string,
): NotificationRecipients | undefined {
  const refs = [...new Set(entityRefs.filter(r => r.trim()))];
  if (refs.length === 0) {
    return undefined;
  }
  return {
    type: 'entity',
    entityRef: refs,
    ...(exclude ? { excludeEntityRef: exclude } : {}),
  };
}

import { LoggerService } from '@backstage/backend-plugin-api';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  decisionNotification,
  entityRecipients,
  ExposureOutcome,
  outcomeNotification,
  requestedNotification,
} from './exposureNotifications';

/**
 * Sends the exposure workflow's notifications. Best effort: the notifications backend may
 * not be installed, so a failed send is logged and never reaches the caller.
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

  private async send(
    request: ExposureRequest,
    what: string,
    recipients: ReturnType<typeof entityRecipients>,
    payload: () => ReturnType<typeof requestedNotification>,
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

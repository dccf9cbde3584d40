import { mockServices } from '@backstage/backend-test-utils';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  decisionNotification,
  entityRecipients,
  EXPOSURE_NOTIFICATION_TOPIC,
  exposureLink,
  ExposureNotifier,
  outcomeNotification,
  requestedNotification,
} from './ExposureNotifier';

const request = {
  id: 'r-1',
  entityRef: 'component:default/svc-2',
  service: { name: 'svc-2', namespace: 'bar', ports: [] },
  sourceCluster: 'cluster-2',
  consumerClusters: ['cluster-1'],
  host: 'svc-2.bar.global',
  requestedBy: 'user:default/bob',
  reason: 'x',
  decisionComment: null,
} as unknown as ExposureRequest;

describe('ExposureNotifier', () => {
  it('sends nothing when no approver group is configured', async () => {
    const send = jest.fn();
    await new ExposureNotifier({
      notifications: { send },
      approverGroups: [],
    }).requested(request, 'user:default/bob');
    expect(send).not.toHaveBeenCalled();
  });

  it('tells the requester and the approvers of a failure, only the requester of success', async () => {
    const send = jest.fn().mockResolvedValue(undefined);
    const notifier = new ExposureNotifier({
      notifications: { send },
      approverGroups: ['group:default/platform-team'],
    });
    await notifier.outcome(request, 'failed', 'boom');
    await notifier.outcome(request, 'active', '');
    expect(send.mock.calls.map(([o]) => o.recipients.entityRef)).toEqual([
      ['user:default/bob', 'group:default/platform-team'],
      ['user:default/bob'],
    ]);
  });

  it('logs a failed send, synchronous or not, and resolves', async () => {
    const logger = mockServices.logger.mock();
    for (const send of [
      jest.fn().mockRejectedValue(new Error('notifications is not installed')),
      jest.fn(() => {
        throw new Error('sync failure');
      }),
    ]) {
      await expect(
        new ExposureNotifier({
          notifications: { send },
          logger,
          approverGroups: [],
        }).decided(request, 'approved', 'user:default/carol'),
      ).resolves.toBeUndefined();
    }
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        "could not send the 'approved' notification for exposure request r-1: notifications is not installed",
      ),
    );
  });

  it('does nothing without a notification service', async () => {
    await expect(
      new ExposureNotifier({ approverGroups: ['group:default/x'] }).requested(
        request,
        'user:default/bob',
      ),
    ).resolves.toBeUndefined();
  });
});

const fullRequest: ExposureRequest = {
  id: 'r-1',
  entityRef: 'component:shop/svc-2',
  service: {
    name: 'svc-2',
    namespace: 'bar',
    ports: [{ name: 'http', number: 8000 }],
  },
  sourceCluster: 'cluster-2',
  consumerClusters: ['cluster-1', 'cluster-3'],
  consumerNamespaces: [],
  reason: 'svc-1 calls svc-2',
  endDate: null,
  state: 'pending',
  host: 'svc-2.bar.global',
  vip: null,
  requestedBy: 'user:default/bob',
  requestedAt: '2025-01-01T00:00:00.000Z',
  decidedBy: null,
  decidedAt: null,
  decisionComment: null,
  clusters: [],
  updatedAt: '2025-01-01T00:00:00.000Z',
};

describe('exposureLink', () => {
  it("points at the entity's mesh tab", () => {
    expect(exposureLink('component:shop/svc-2')).toBe(
      '/catalog/shop/component/svc-2/mesh',
    );
    expect(exposureLink('Component:svc-2')).toBe(
      '/catalog/default/component/svc-2/mesh',
    );
  });

  it('falls back to the crossmesh page for a ref it cannot parse', () => {
    expect(exposureLink('')).toBe('/crossmesh');
  });
});

describe('requestedNotification', () => {
  it('tells approvers who asks for what, and why', () => {
    expect(requestedNotification(fullRequest)).toEqual({
      title: 'Exposure of svc-2 requested by user:default/bob',
      description:
        'user:default/bob asks to expose svc-2.bar.global (component:shop/svc-2, running in cluster-2) to cluster-1, cluster-3. Reason: svc-1 calls svc-2',
      link: '/catalog/shop/component/svc-2/mesh',
      severity: 'normal',
      topic: EXPOSURE_NOTIFICATION_TOPIC,
      scope: 'crossmesh:exposure:r-1:requested',
      metadata: { requestId: 'r-1', host: 'svc-2.bar.global' },
    });
  });
});

describe('decisionNotification', () => {
  it('names the approver, the VIP and the comment on approval', () => {
    const payload = decisionNotification(
      {
        ...fullRequest,
        state: 'approved',
        vip: '240.1.2.3',
        decidedBy: 'user:default/carol',
        decisionComment: 'ok for the shop',
      },
      'approved',
    );
    expect(payload).toMatchObject({
      title: 'Exposure of svc-2 approved',
      severity: 'normal',
      link: '/catalog/shop/component/svc-2/mesh',
      scope: 'crossmesh:exposure:r-1:decision',
    });
    expect(payload.description).toBe(
      'user:default/carol approved exposing svc-2.bar.global (component:shop/svc-2, running in cluster-2) to cluster-1, cluster-3 on VIP 240.1.2.3; crossmesh applies it to the clusters next. Comment: ok for the shop',
    );
  });

  it('says who rejected, without a comment when there is none', () => {
    const payload = decisionNotification(
      { ...fullRequest, state: 'rejected', decidedBy: 'user:default/carol' },
      'rejected',
    );
    expect(payload.title).toBe('Exposure of svc-2 rejected');
    expect(payload.description).toBe(
      'user:default/carol rejected exposing svc-2.bar.global (component:shop/svc-2, running in cluster-2) to cluster-1, cluster-3.',
    );
    expect(payload.metadata).toEqual({
      requestId: 'r-1',
      host: 'svc-2.bar.global',
      decision: 'rejected',
    });
  });
});

describe('outcomeNotification', () => {
  it('reports success at normal severity', () => {
    const payload = outcomeNotification(
      { ...fullRequest, state: 'active' },
      'active',
      '',
    );
    expect(payload).toMatchObject({
      title: 'svc-2.bar.global is reachable from cluster-1, cluster-3',
      description:
        'The exposure of svc-2.bar.global (component:shop/svc-2, running in cluster-2) to cluster-1, cluster-3 is active.',
      severity: 'normal',
      scope: 'crossmesh:exposure:r-1:outcome',
    });
  });

  it('reports failure at high severity with the detail, in the same scope as success', () => {
    const payload = outcomeNotification(
      fullRequest,
      'failed',
      'cluster-3: connection refused',
    );
    expect(payload).toMatchObject({
      title: 'Exposure of svc-2 failed',
      description:
        'crossmesh could not apply the exposure of svc-2.bar.global (component:shop/svc-2, running in cluster-2) to cluster-1, cluster-3. cluster-3: connection refused',
      severity: 'high',
      scope: 'crossmesh:exposure:r-1:outcome',
    });
  });
});

describe('entityRecipients', () => {
  it('is undefined when nobody is to be told', () => {
    expect(entityRecipients([])).toBeUndefined();
    expect(entityRecipients([' '])).toBeUndefined();
  });

  it('deduplicates and excludes the actor', () => {
    expect(
      entityRecipients(
        ['group:default/platform-team', 'group:default/platform-team'],
        'user:default/bob',
      ),
    ).toEqual({
      type: 'entity',
      entityRef: ['group:default/platform-team'],
      excludeEntityRef: 'user:default/bob',
    });
    expect(entityRecipients(['user:default/bob'])).toEqual({
      type: 'entity',
      entityRef: ['user:default/bob'],
    });
  });
});

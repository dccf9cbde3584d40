import { mockServices } from '@backstage/backend-test-utils';
import { ExposureRequest } from '@crossmesh/backstage-plugin-crossmesh-common';
import { ExposureNotifier } from './ExposureNotifier';

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

import { mockServices } from '@backstage/backend-test-utils';
import { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { seedServices, leaseTestBed, TestBed } from '@crossmesh/test-bed';
import {
  component,
  startCrossmeshTestBackend,
} from '../../__testUtils__/testBackend';

jest.setTimeout(120_000);

const owners: Record<string, string[]> = {
  'user:default/bob': ['group:default/team-b'],
  'user:default/carol': ['group:default/platform-team'],
};

const svc2 = component('svc-2', 'group:default/team-b', {
  'backstage.io/kubernetes-id': 'svc-2',
  'backstage.io/kubernetes-namespace': 'bar',
  'crossmesh.io/cluster': 'cluster-2',
  'crossmesh.io/ports': 'http:8000',
});

describe('exposure notifications over HTTP', () => {
  let bed: TestBed;
  const backends: Array<{ stop(): Promise<void> }> = [];

  beforeAll(async () => {
    bed = await leaseTestBed({
      clusters: ['cluster-1', 'cluster-2', 'cluster-3'],
    });
    await seedServices(bed.clusters, [
      { cluster: 'cluster-2', namespace: 'bar', name: 'svc-2' },
    ]);
  });

  afterEach(async () => {
    await Promise.all(backends.splice(0).map(b => b.stop()));
  });

  afterAll(async () => {
    await bed?.stop();
  });

  async function startBackend(
    send: (options: NotificationSendOptions) => Promise<void>,
  ) {
    const logger = mockServices.logger.mock();
    const backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      users: owners,
      entities: [svc2],
      notifications: send,
      features: [logger.factory],
    });
    backends.push(backend);
    const post = (user: string, path: string, body: object = {}) =>
      backend.as(user).post(path, body);
    return { post, logger };
  }

  const ask = {
    entityRef: 'component:default/svc-2',
    consumerClusters: ['cluster-1'],
    reason: 'svc-1 in cluster-1 calls svc-2',
  };

  it('notifies the approvers of a new request and the requester of each decision', async () => {
    const sent: NotificationSendOptions[] = [];
    const { post } = await startBackend(async options => {
      sent.push(options);
    });

    const created = await post('bob', '/exposures', ask);
    expect(created.status).toBe(201);
    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['group:default/platform-team'],
          excludeEntityRef: 'user:default/bob',
        },
        payload: expect.objectContaining({
          title: 'Exposure of svc-2 requested by user:default/bob',
          link: '/catalog/default/component/svc-2/mesh',
          severity: 'normal',
        }),
      },
    ]);

    const approved = await post(
      'carol',
      `/exposures/${created.body.id}/approve`,
      { comment: 'ok for the shop' },
    );
    expect(approved.status).toBe(200);
    expect(sent[1]).toEqual({
      recipients: {
        type: 'entity',
        entityRef: ['user:default/bob'],
        excludeEntityRef: 'user:default/carol',
      },
      payload: expect.objectContaining({
        title: 'Exposure of svc-2 approved',
        description: expect.stringContaining(
          `on VIP ${approved.body.vip}; crossmesh applies it to the clusters next. Comment: ok for the shop`,
        ),
      }),
    });

    // A refused decision changes nothing, so it tells nobody.
    const again = await post('carol', `/exposures/${created.body.id}/approve`);
    expect(again.status).toBe(409);
    expect(sent).toHaveLength(2);

    const second = await post('bob', '/exposures', {
      ...ask,
      consumerClusters: ['cluster-3'],
    });
    expect(second.status).toBe(201);
    const rejected = await post(
      'carol',
      `/exposures/${second.body.id}/reject`,
      { comment: 'not yet' },
    );
    expect(rejected.status).toBe(200);
    expect(sent.map(s => s.payload.title)).toEqual([
      'Exposure of svc-2 requested by user:default/bob',
      'Exposure of svc-2 approved',
      'Exposure of svc-2 requested by user:default/bob',
      'Exposure of svc-2 rejected',
    ]);
    expect(sent[3]).toMatchObject({
      recipients: { entityRef: ['user:default/bob'] },
      payload: { description: expect.stringContaining('Comment: not yet') },
    });
  });

  it('still creates and decides requests when sending fails, and logs why', async () => {
    const { post, logger } = await startBackend(async () => {
      throw new Error('Failed to send notifications: 404');
    });

    const created = await post('bob', '/exposures', ask);
    expect(created.status).toBe(201);
    const rejected = await post(
      'carol',
      `/exposures/${created.body.id}/reject`,
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.state).toBe('rejected');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        `could not send the 'rejected' notification for exposure request ${created.body.id}: Failed to send notifications: 404`,
      ),
    );
  });
});

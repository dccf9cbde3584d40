import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { CONFIRMATION_ERROR_CODES } from '@crossmesh/backstage-plugin-crossmesh-common';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { isDeepStrictEqual } from 'node:util';
import { clusterWriteLog } from './__testUtils__/clusterWriteLog';
import {
  HostileBackend,
  hostileDatabases,
  startHostileBackend,
} from './__testUtils__/hostileBackend';
import {
  meshInUse,
  opensslRoot,
  throughProxy,
} from './__testUtils__/meshInUse';
import { snapshotDatabase } from './__testUtils__/stateSnapshot';

jest.setTimeout(300_000);

// Issue 18, part B, through the real backend with the app's policy: the root changes only
// when two platform members agree, and a change of a fact an approved exposure derives from
// is a platform action that is audited, told to the owners and shown on the exposure.

const databases = hostileDatabases();

describe('two people for the root, and approvals that bind, through the real backend', () => {
  let bed: TestBed;
  let api: HostileBackend;
  let exposure: { id: string; host: string };
  const sent: NotificationSendOptions[] = [];

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    api = await startHostileBackend({
      databases,
      bed,
      policy: 'crossmesh',
      notifications: async options => {
        sent.push(options);
      },
    });
    exposure = await meshInUse(api);
  });
  afterAll(async () => {
    await api?.stop();
    await bed?.stop();
  });

  /** Runs `work` and answers which tables it changed and what it wrote to the clusters. */
  async function changesOf(work: () => Promise<unknown>) {
    const writes = clusterWriteLog(bed);
    const before = await snapshotDatabase(api.knex);
    await work();
    const after = await snapshotDatabase(api.knex);
    return {
      tables: Object.keys(after).filter(
        t => !isDeepStrictEqual(before[t], after[t]),
      ),
      clusterWrites: writes().map(w => `${w.cluster}: ${w.what}`),
    };
  }

  async function latestAudit(action: string) {
    const events = await api
      .as('guest')
      .get(`/audit-events?action=${encodeURIComponent(action)}&limit=1`);
    return events.body.items[0];
  }

  it('lets one platform member only ask for a rotation to an imported root, and a second one carry it out', async () => {
    const carol = api.as('carol');
    const dave = api.as('dave');
    const imported = opensslRoot('/O=Istio/CN=Imported Root CA');
    const trustBefore = (await carol.get('/trust')).body;

    let asked: any;
    const asking = await changesOf(async () => {
      asked = await carol.post('/trust/rotation', imported);
    });
    expect(asked.status).toBe(202);
    const { confirmation } = asked.body;
    expect(confirmation).toMatchObject({
      action: 'rotation.start',
      state: 'pending',
      requestedBy: 'user:default/carol',
      confirmedBy: null,
      root: expect.objectContaining({
        subject: expect.stringContaining('Imported Root CA'),
        source: 'imported',
      }),
    });
    expect(
      Date.parse(confirmation.expiresAt) - Date.parse(confirmation.requestedAt),
    ).toBe(24 * 3600_000);
    expect(asked.text).not.toContain('PRIVATE KEY');
    // Asking stores the request and its audit event; no root, no rotation, no cluster.
    expect(asking).toEqual({
      tables: ['audit_events', 'trust_confirmations'],
      clusterWrites: [],
    });
    const waiting = (await api.as('guest').get('/trust')).body;
    expect(waiting.confirmations).toEqual([confirmation]);
    expect(waiting.roots).toEqual(trustBefore.roots);
    expect(waiting.rotation).toEqual(trustBefore.rotation);
    expect(await latestAudit('rotation.start.requested')).toMatchObject({
      actor: 'user:default/carol',
      fingerprintSha256: confirmation.fingerprintSha256,
    });

    // Alone, carol cannot get further; neither can bob; nothing changes anywhere.
    const confirmPath = `/trust/confirmations/${confirmation.id}/confirm`;
    const { fingerprintSha256 } = confirmation;
    const refused = await throughProxy(api, as => ({
      'carol confirms her own': () =>
        as('carol').post(confirmPath, { fingerprintSha256 }),
      'carol asks again': () => as('carol').post('/trust/rotation', imported),
      'carol advances': () => as('carol').post('/trust/rotation/advance', {}),
      'bob confirms': () => as('bob').post(confirmPath, { fingerprintSha256 }),
      'dave confirms another root': () =>
        as('dave').post(confirmPath, {
          fingerprintSha256: trustBefore.roots[0].fingerprintSha256,
        }),
    }));
    expect(
      Object.fromEntries(
        Object.entries(refused).map(([k, v]) => [k, [v.status, v.code]]),
      ),
    ).toEqual({
      'carol confirms her own': [403, CONFIRMATION_ERROR_CODES.samePerson],
      'carol asks again': [409, undefined],
      'carol advances': [409, undefined],
      'bob confirms': [403, undefined],
      'dave confirms another root': [
        409,
        CONFIRMATION_ERROR_CODES.materialChanged,
      ],
    });
    expect(refused['carol confirms her own'].message).toBe(
      `You asked for this yourself (${confirmation.summary}); a different member of the platform team must confirm it`,
    );
    expect(refused['bob confirms'].message).toBe(
      'You are not allowed to update crossmesh.trust.manage',
    );

    // dave, the second platform member, confirms what he was shown: the rotation starts.
    const confirmed = await dave.post(confirmPath, { fingerprintSha256 });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.rotation.phase).toBe('trusting-both');
    expect(
      confirmed.body.distribution.map((d: any) => [d.cluster, d.error]),
    ).toEqual([
      ['cluster-1', undefined],
      ['cluster-2', undefined],
    ]);
    const rotating = (await carol.get('/trust')).body;
    expect(rotating.confirmations).toEqual([]);
    expect(
      rotating.roots.find((r: any) => r.state === 'incoming'),
    ).toMatchObject({ fingerprintSha256, source: 'imported' });
    expect(await latestAudit('rotation.started')).toMatchObject({
      actor: 'user:default/dave',
      fingerprintSha256,
      details: expect.objectContaining({
        requestedBy: 'user:default/carol',
        confirmedBy: 'user:default/dave',
        confirmationId: confirmation.id,
      }),
    });
    const twice = await dave.post(confirmPath, { fingerprintSha256 });
    expect([twice.status, twice.body.error.code]).toEqual([
      409,
      CONFIRMATION_ERROR_CODES.notPending,
    ]);

    // Moving the intermediates takes one person; dropping the old root takes two again.
    expect((await carol.post('/trust/rotation/advance', {})).status).toBe(200);
    const drop = await carol.post('/trust/rotation/advance', {});
    expect(drop.status).toBe(202);
    expect(drop.body.confirmation).toMatchObject({
      action: 'rotation.drop-old-root',
      fingerprintSha256: trustBefore.roots[0].fingerprintSha256,
    });
    const dropPath = `/trust/confirmations/${drop.body.confirmation.id}/confirm`;
    const body = { fingerprintSha256: trustBefore.roots[0].fingerprintSha256 };
    const alone = await throughProxy(api, as => ({
      'carol drops alone': () => as('carol').post(dropPath, body),
    }));
    expect(alone['carol drops alone'].status).toBe(403);
    const dropped = await dave.post(dropPath, body);
    expect([dropped.status, dropped.body.rotation.phase]).toEqual([
      200,
      'idle',
    ]);
    expect(await latestAudit('rotation.completed')).toMatchObject({
      actor: 'user:default/dave',
      details: expect.objectContaining({
        requestedBy: 'user:default/carol',
        confirmedBy: 'user:default/dave',
      }),
    });
    const after = (await carol.get('/trust')).body;
    expect(
      after.roots.map((r: any) => [r.fingerprintSha256, r.state]).sort(),
    ).toEqual(
      [
        [trustBefore.roots[0].fingerprintSha256, 'retired'],
        [fingerprintSha256, 'active'],
      ].sort(),
    );
  });

  it("refuses bob a gateway address change; carol's is audited, told to the owners and shown on the exposure", async () => {
    const refused = await throughProxy(api, as => ({
      'bob moves the gateway': () =>
        as('bob').put('/clusters/cluster-2/membership', {
          network: 'network-2',
          gatewayAddress: 'evil.attacker.example',
        }),
    }));
    expect(refused['bob moves the gateway'].status).toBe(403);

    sent.splice(0);
    const moved = await api.as('carol').put('/clusters/cluster-2/membership', {
      network: 'network-2',
      gatewayAddress: '192.0.2.99',
    });
    expect(moved.status).toBe(200);
    const event = await latestAudit('cluster.membership-updated');
    expect(event).toMatchObject({
      actor: 'user:default/carol',
      clusterName: 'cluster-2',
      details: expect.objectContaining({
        gatewayAddress: '192.0.2.99',
        previous: expect.objectContaining({ gatewayAddress: null }),
      }),
    });
    const change = {
      cluster: 'cluster-2',
      fact: 'gatewayAddress',
      from: null,
      to: '192.0.2.99',
      changedBy: 'user:default/carol',
      changedAt: event.occurredAt,
      auditEventId: event.id,
    };

    expect(sent).toEqual([
      {
        recipients: {
          type: 'entity',
          entityRef: ['component:default/svc-2', 'user:default/bob'],
        },
        payload: expect.objectContaining({
          title: `The mesh under ${exposure.host} changed`,
          description: expect.stringContaining(
            'user:default/carol changed the gateway address of cluster-2 from (none) to 192.0.2.99',
          ),
          metadata: expect.objectContaining({
            requestId: exposure.id,
            auditEventId: event.id,
          }),
        }),
      },
    ]);

    const shown = await api.as('bob').get(`/exposures/${exposure.id}`);
    expect(shown.body.meshFactChanges).toEqual([change]);
    const listed = await api
      .as('guest')
      .get(
        `/exposures?entityRef=${encodeURIComponent('component:default/svc-2')}`,
      );
    expect(listed.status).toBe(200);
    expect(
      listed.body.items.find((r: any) => r.id === exposure.id).meshFactChanges,
    ).toEqual([change]);
  });
});

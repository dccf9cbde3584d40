import { TestDatabases } from '@backstage/backend-test-utils';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import type { ClusterWrite } from './__testUtils__/clusterWriteLog';
import { startStateCheckingProxy } from './__testUtils__/stateCheckingProxy';
import { snapshotDatabase } from './__testUtils__/stateSnapshot';

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

/** The fuzz test's judge must catch a refused request that changed something, and only that. */
describe('the state-checking proxy', () => {
  it('flags refused requests that wrote to the database or a cluster, and lets accepted ones change state', async () => {
    const knex = await databases.init('SQLITE_3');
    await knex.schema.createTable('exposure_requests', t => t.string('id'));
    await knex.schema.createTable('cluster_observations', t => t.string('x'));
    const clusterWrites: ClusterWrite[] = [];

    // A backend with every kind of behaviour, good and bad.
    const backend = http.createServer(async (req, res) => {
      const [, action, status] = req.url!.split('/');
      if (action === 'db')
        await knex('exposure_requests').insert({ id: req.url });
      if (action === 'cluster') {
        clusterWrites.push({
          cluster: 'cluster-1',
          what: 'create secrets istio-system/cacerts',
          receivedAtMs: Date.now(),
        });
      }
      if (action === 'observe')
        await knex('cluster_observations').insert({ x: '1' });
      res.writeHead(Number(status), { 'content-type': 'application/json' });
      res.end('{}');
    });
    await new Promise<void>(r => backend.listen(0, '127.0.0.1', r));
    const port = (backend.address() as AddressInfo).port;

    const proxy = await startStateCheckingProxy({
      target: `http://127.0.0.1:${port}/`,
      snapshotDatabase: () => snapshotDatabase(knex),
      readClusterWrites: () => clusterWrites.splice(0),
    });
    try {
      const call = async (path: string) =>
        (await fetch(`${proxy.url}${path}`, { method: 'POST' })).status;
      expect(await call('/db/201')).toBe(201);
      expect(await call('/cluster/200')).toBe(200);
      expect(await call('/none/400')).toBe(400);
      expect(await call('/observe/404')).toBe(404);
      expect(await call('/db/400')).toBe(400);
      expect(await call('/cluster/409')).toBe(409);
      await proxy.stop();
    } finally {
      backend.close();
    }

    expect(proxy.stats).toEqual({
      requests: 6,
      refused: 4,
      accepted: 2,
      clusterWrites: 2,
    });
    expect(proxy.violations).toEqual([
      expect.objectContaining({
        request: expect.stringMatching(/^POST \/db\/400/),
        status: 400,
        changed: ['database table exposure_requests'],
      }),
      expect.objectContaining({
        request: expect.stringMatching(/^POST \/cluster\/409/),
        status: 409,
        changed: ['cluster cluster-1: create secrets istio-system/cacerts'],
      }),
    ]);
  });
});

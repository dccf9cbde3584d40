import { ConfigReader } from '@backstage/config';
import {
  clusterRequest,
  kubeRequest,
  refuseSecretWrites,
  registryClusters,
  RegistryCluster,
  TestCluster,
} from '@crossmesh/test-bed';
import fs from 'node:fs';
import { parse } from 'yaml';
import type { AuditLog, NewAuditEvent } from '../audit';
import { readClusterConnections } from '../clusters/clusterConnections';
import { KubernetesClients } from '../clusters/KubernetesClients';
import {
  REMOTE_SECRETS_TASK,
  remoteSecretName,
  RemoteSecretSync,
} from '../remoteSecrets';
import {
  nextTokenAnchor,
  REVOKE_GRACE_MS,
  TOKEN_ANCHOR_ANNOTATION,
} from '../remoteSecrets/remoteSecret';
import {
  createNamespace,
  createReadyEndpoint,
  createServices,
} from './__testUtils__/clusterServices';
import { clusterAdmin } from '../__testUtils__/clusterAdmin';
import { eventually } from '../__testUtils__/eventually';
import { ISTIO_READER_FILE, loadRbacFile } from '../__testUtils__/rbacFile';
import {
  istiodLogDetail,
  sidecarReceives,
  startIstioLoop,
} from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const HOUR_S = 3600;

/**
 * Remote secrets as istiod sees them: crossmesh writes them, a real istiod per cluster
 * turns them into remote clusters of its registry (`/debug/clusterz`), and keeps them there
 * while crossmesh renews the tokens.
 */
describe('remote secrets, judged by real istiods', () => {
  let loop: Awaited<ReturnType<typeof startIstioLoop>>;
  let cluster1: TestCluster;
  let cluster2: TestCluster;

  beforeAll(async () => {
    loop = await startIstioLoop({
      bed: { clusters: ['cluster-1', 'cluster-2'], istiod: true },
      crossmesh: {
        remoteSecrets: {
          enabled: true,
          tokenLifetime: '1h',
          checkInterval: '10m',
        },
      },
    });
    [cluster1, cluster2] = loop.bed.clusters;
    // What the operator guide says to apply in every cluster, besides deploy/rbac.yaml.
    for (const cluster of loop.bed.clusters) {
      await (
        await clusterAdmin(cluster)
      ).applyAll(loadRbacFile(ISTIO_READER_FILE).manifests);
    }
  });
  afterAll(async () => {
    await loop?.stop();
  });

  /** The remote cluster istiod of `cluster` reads `remote` as, once it has synced it. */
  function readsRemote(cluster: TestCluster, remote: TestCluster) {
    return eventually(
      `istiod of ${cluster.name} has ${remote.name} in its registry, synced`,
      async () => {
        const entry = (await registryClusters(cluster)).find(
          c => c.id === remote.name,
        );
        expect(entry).toEqual({
          id: remote.name,
          secretName: `istio-system/${remoteSecretName(remote.name)}`,
          syncStatus: 'synced',
        });
        return entry!;
      },
      { detail: istiodLogDetail(cluster) },
    );
  }

  async function remoteSecretToken(holder: TestCluster, remote: TestCluster) {
    const secret = await (
      await clusterAdmin(holder)
    ).core.readNamespacedSecret({
      name: remoteSecretName(remote.name),
      namespace: 'istio-system',
    });
    const kubeconfig = parse(
      Buffer.from(secret.data![remote.name], 'base64').toString('utf8'),
    );
    return {
      token: kubeconfig.users[0].user.token as string,
      server: kubeconfig.clusters[0].cluster.server as string,
      expiresAt: secret.metadata!.annotations!['crossmesh.io/token-expires-at'],
    };
  }

  /** What `remote`'s API server answers a read made with `token`: 200, or 401 once revoked. */
  async function readWith(remote: TestCluster, token: string) {
    const answer = await kubeRequest(
      {
        url: remote.url,
        ca: Buffer.from(remote.caData, 'base64').toString('utf8'),
        token,
      },
      '/api/v1/namespaces/bar/services',
    );
    return answer.status;
  }

  /** The API server keeps a token it accepted for 10 s (its token cache), then refuses it. */
  function refused(remote: TestCluster, token: string) {
    return eventually(
      `the API server of ${remote.name} refuses the revoked token`,
      async () => expect(await readWith(remote, token)).toBe(401),
    );
  }

  it('before onboarding, each istiod knows only its own cluster', async () => {
    for (const cluster of [cluster1, cluster2]) {
      const ids = (await registryClusters(cluster)).map(c => c.id);
      expect(ids).toEqual([cluster.name]);
    }
  });

  it('after onboarding, each istiod reads the other cluster through a remote secret with a short-lived, read-only token', async () => {
    for (const [index, cluster] of [cluster1, cluster2].entries()) {
      const member = await loop
        .as('carol')
        .put(`/clusters/${cluster.name}/membership`, {
          network: `network-${index + 1}`,
        });
      expect([200, 201]).toContain(member.status);
    }
    await loop.runTask(REMOTE_SECRETS_TASK);

    await readsRemote(cluster1, cluster2);
    await readsRemote(cluster2, cluster1);

    const { token, server, expiresAt } = await remoteSecretToken(
      cluster1,
      cluster2,
    );
    expect(server).toBe(cluster2.url);
    const lifetimeS = (Date.parse(expiresAt) - Date.now()) / 1000;
    expect(lifetimeS).toBeGreaterThan(HOUR_S - 120);
    expect(lifetimeS).toBeLessThanOrEqual(HOUR_S);

    const asReader = {
      url: cluster2.url,
      ca: Buffer.from(cluster2.caData, 'base64').toString('utf8'),
      token,
    };
    const read = await kubeRequest(asReader, '/api/v1/namespaces/bar/services');
    expect(read.status).toBe(200);
    const write = await kubeRequest(
      asReader,
      '/api/v1/namespaces/default/configmaps',
      {
        method: 'POST',
        body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } },
      },
    );
    expect(write.status).toBe(403);
    expect(write.body.message).toContain(
      'system:serviceaccount:crossmesh-system:crossmesh-istio-reader',
    );

    // What the mesh overview shows: every pair, fresh, and nothing secret.
    const listed = await loop.as('bob').get('/remote-secrets');
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      enabled: true,
      items: [
        {
          cluster: 'cluster-1',
          remoteCluster: 'cluster-2',
          state: 'fresh',
          expiresAt,
          renewedAt: expect.any(String),
          detail: null,
        },
        expect.objectContaining({
          cluster: 'cluster-2',
          remoteCluster: 'cluster-1',
          state: 'fresh',
        }),
      ],
    });
    expect(listed.text).not.toContain(token);

    const audit = await loop
      .as('carol')
      .get('/audit-events?action=remote-secret.written&limit=10');
    expect(
      audit.body.items
        .map(
          (e: { clusterName: string; details: { remoteCluster: string } }) =>
            `${e.clusterName} reads ${e.details.remoteCluster}`,
        )
        .sort(),
    ).toEqual(['cluster-1 reads cluster-2', 'cluster-2 reads cluster-1']);
  });

  /** crossmesh's own passes, with a clock the test moves, over the same clusters. */
  function syncAt(now: Date, members = ['cluster-1', 'cluster-2']) {
    const events: NewAuditEvent[] = [];
    const audit = {
      append: async event => {
        events.push(event);
        return {} as any;
      },
      list: async () => ({ items: [], totalCount: 0 }),
    } as AuditLog;
    const sync = new RemoteSecretSync({
      clients: new KubernetesClients(),
      connections: readClusterConnections(
        new ConfigReader({ kubernetes: loop.bed.kubernetesConfig() } as any),
      ).clusters,
      members: async () => members,
      audit,
      tokenLifetimeSeconds: HOUR_S,
      now: () => now,
    });
    return { sync, events };
  }

  it('renews a token past half its life and revokes the old one after a grace period; istiod keeps the remote cluster in its registry throughout', async () => {
    const before = await remoteSecretToken(cluster1, cluster2);

    const fresh = await syncAt(new Date()).sync.sync('test');
    expect(fresh.map(r => r.outcome)).toEqual(['kept', 'kept']);

    // Watch istiod's registry while the clock moves past half the tokens' life and past
    // the grace period. istiod builds the remote cluster anew from the renewed secret and
    // stops the old one only once the new one has synced, so cluster-2 must never be
    // missing, and it reads with the new token by the time the old one is refused.
    const missing: string[] = [];
    const remoteId = cluster2.name;
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const seen: RegistryCluster[] = await registryClusters(cluster1);
        // While it builds the new one, the entry reads `syncing`; the old one serves.
        if (!seen.some(c => c.id === remoteId)) {
          missing.push(JSON.stringify(seen));
        }
        await new Promise(resolve => setTimeout(resolve, 50));
      }
    })();
    try {
      await renewAndRevoke(before);
      await new Promise(resolve => setTimeout(resolve, 1_000));
    } finally {
      watching = false;
      await watcher;
    }
    expect(missing).toEqual([]);
  });

  async function renewAndRevoke(
    before: Awaited<ReturnType<typeof remoteSecretToken>>,
  ) {
    const logBefore = fs.readFileSync(cluster1.istiod!.logFile, 'utf8').length;
    const later = new Date(Date.now() + (HOUR_S / 2 + 60) * 1000);
    const renewed = await syncAt(later).sync.sync('test');
    expect(renewed).toEqual([
      expect.objectContaining({
        cluster: 'cluster-1',
        remoteCluster: 'cluster-2',
        outcome: 'written',
        detail: `its token expires at ${new Date(
          before.expiresAt,
        ).toISOString()}`,
      }),
      expect.objectContaining({
        cluster: 'cluster-2',
        remoteCluster: 'cluster-1',
        outcome: 'written',
      }),
    ]);
    const after = await remoteSecretToken(cluster1, cluster2);
    expect(after.token).not.toBe(before.token);
    await eventually(
      'istiod of cluster-1 rebuilds cluster-2 from the renewed secret, and syncs it',
      async () => {
        const log = fs
          .readFileSync(cluster1.istiod!.logFile, 'utf8')
          .slice(logBefore);
        expect(log).toMatch(/Update cluster.*cluster=cluster-2/);
        await readsRemote(cluster1, cluster2);
      },
      { detail: istiodLogDetail(cluster1) },
    );
    // Within the grace period, the replaced token still reads.
    expect(await readWith(cluster2, before.token)).toBe(200);
    const withinGrace = await syncAt(
      new Date(+later + REVOKE_GRACE_MS - 1000),
    ).sync.sync('test');
    expect(withinGrace.map(r => r.outcome)).toEqual(['kept', 'kept']);

    const { sync, events } = syncAt(new Date(+later + REVOKE_GRACE_MS));
    const revoked = await sync.sync('test');
    expect(revoked.map(r => `${r.cluster}: ${r.outcome}`)).toEqual([
      'cluster-1: revoked',
      'cluster-2: revoked',
    ]);
    expect(events.map(e => `${e.clusterName} ${e.action}`).sort()).toEqual([
      'cluster-1 remote-secret.token-revoked',
      'cluster-2 remote-secret.token-revoked',
    ]);
    await refused(cluster2, before.token);
    expect(await readWith(cluster2, after.token)).toBe(200);
    expect((await remoteSecretToken(cluster1, cluster2)).token).toBe(
      after.token,
    );
    const afterRevoke = await syncAt(
      new Date(+later + REVOKE_GRACE_MS + 60_000),
    ).sync.sync('test');
    expect(afterRevoke.map(r => r.outcome)).toEqual(['kept', 'kept']);
  }

  it("an API server that refuses the old token changes nothing: after a restart of cluster-2's API server, istiod of cluster-1 still reads it, with the new token", async () => {
    const logBefore = fs.readFileSync(cluster1.istiod!.logFile, 'utf8').length;
    // Every connection istiod has to cluster-2 drops, so every read it makes from now on
    // shows the token it holds.
    await createNamespace(cluster1, 'foo');
    await loop.bed.stopCluster(cluster2.name);
    await loop.bed.startCluster(cluster2.name);
    await createServices(cluster2, 'bar', [
      { name: 'svc-late', port: { name: 'http', port: 8000 } },
    ]);
    await createReadyEndpoint(
      cluster2,
      { namespace: 'bar', name: 'svc-late' },
      { address: '10.2.0.9', port: { name: 'http', port: 8000 } },
    );
    await sidecarReceives(
      cluster1,
      'outbound|8000||svc-late.bar.svc.cluster.local',
      ['10.2.0.9:8000'],
      'istiod of cluster-1 reads a Service made in cluster-2 after the restart',
    );
    await readsRemote(cluster1, cluster2);
    const log = fs
      .readFileSync(cluster1.istiod!.logFile, 'utf8')
      .slice(logBefore);
    expect(log).not.toMatch(/Unauthorized/i);
  });

  it('removes the secret of a cluster that is no longer a member, revokes the token that cluster holds, and istiod drops it from its registry', async () => {
    const held = await remoteSecretToken(cluster2, cluster1);
    expect(await readWith(cluster1, held.token)).toBe(200);
    const { sync, events } = syncAt(new Date(), ['cluster-1']);
    const reports = await sync.sync('test');
    expect(reports).toEqual([
      { cluster: 'cluster-1', remoteCluster: 'cluster-2', outcome: 'removed' },
    ]);
    expect(events).toEqual([
      expect.objectContaining({
        action: 'remote-secret.removed',
        clusterName: 'cluster-1',
        details: expect.objectContaining({ remoteCluster: 'cluster-2' }),
      }),
    ]);
    // cluster-2 left: the token it holds to read cluster-1 is refused.
    await refused(cluster1, held.token);
    await eventually(
      'istiod of cluster-1 no longer has cluster-2 in its registry',
      async () => {
        const ids = (await registryClusters(cluster1)).map(c => c.id);
        expect(ids).toEqual([cluster1.name]);
      },
      { detail: istiodLogDetail(cluster1) },
    );
  });

  it('leaves a hand-made remote secret alone and says how to hand it over, and names the missing reader', async () => {
    const admin2 = await clusterAdmin(cluster2);
    const name = remoteSecretName(cluster1.name);
    await admin2.core.deleteNamespacedSecret({
      name,
      namespace: 'istio-system',
    });
    await admin2.core.createNamespacedSecret({
      namespace: 'istio-system',
      body: {
        metadata: { name, labels: { 'istio/multiCluster': 'true' } },
        stringData: { [cluster1.name]: 'made by hand' },
      },
    });
    const admin1 = await clusterAdmin(cluster1);
    await admin1.core.deleteNamespacedServiceAccount({
      name: 'crossmesh-istio-reader',
      namespace: 'crossmesh-system',
    });

    expect(
      (await loop.as('bob').get('/remote-secrets')).body.items.map(
        (i: { state: string }) => i.state,
      ),
    ).toEqual(['missing', 'foreign']);

    const { sync, events } = syncAt(new Date());
    const reports = await sync.sync('test');
    expect(reports).toEqual([
      {
        cluster: 'cluster-1',
        remoteCluster: 'cluster-2',
        outcome: 'written',
        detail: 'none yet',
        expiresAt: expect.any(String),
        renewedAt: expect.any(String),
      },
      {
        cluster: 'cluster-2',
        remoteCluster: 'cluster-1',
        outcome: 'foreign',
        detail: `istio-system/${name} in cluster-2 was not written by crossmesh, which leaves it alone; delete it (kubectl -n istio-system delete secret ${name}) for crossmesh to keep a short-lived one there instead`,
      },
    ]);
    const handMade = await admin2.core.readNamespacedSecret({
      name,
      namespace: 'istio-system',
    });
    expect(
      Buffer.from(handMade.data![cluster1.name], 'base64').toString(),
    ).toBe('made by hand');

    await admin2.core.deleteNamespacedSecret({
      name,
      namespace: 'istio-system',
    });
    const withoutReader = await sync.sync('test');
    expect(withoutReader).toEqual([
      expect.objectContaining({ cluster: 'cluster-1', outcome: 'kept' }),
      {
        cluster: 'cluster-2',
        remoteCluster: 'cluster-1',
        outcome: 'failed',
        detail: expect.stringMatching(
          /^requesting a token of crossmesh-system\/crossmesh-istio-reader in cluster-1 failed: .*404.*; apply deploy\/istio-reader\.yaml in cluster-1$/,
        ),
      },
    ]);
    expect(events.map(e => e.action)).toEqual([
      'remote-secret.written',
      'remote-secret.failed',
    ]);
  });

  it('refuses at once the token it issued for a remote secret it could not write, and keeps the one in use', async () => {
    const name = remoteSecretName(cluster2.name);
    const admin1 = await clusterAdmin(cluster1);
    const before = await admin1.core.readNamespacedSecret({
      name,
      namespace: 'istio-system',
    });
    const inUse = await remoteSecretToken(cluster1, cluster2);
    const lift = await refuseSecretWrites(cluster1, 'istio-system', name);
    let reports;
    try {
      // Far enough ahead that the token is due for renewal.
      reports = await syncAt(
        new Date(Date.now() + 10 * HOUR_S * 1000),
      ).sync.sync('test');
    } finally {
      await lift();
    }

    expect(reports.find(r => r.cluster === 'cluster-1')).toEqual({
      cluster: 'cluster-1',
      remoteCluster: 'cluster-2',
      outcome: 'failed',
      detail: expect.stringContaining(
        `the test bed refuses writes of Secret istio-system/${name}`,
      ),
    });
    // The anchor the new token was bound to is gone again, which revokes that token.
    const anchor = nextTokenAnchor(
      cluster1.name,
      before.metadata!.annotations![TOKEN_ANCHOR_ANNOTATION],
    );
    const anchorRead = await clusterRequest(
      cluster2,
      'GET',
      `/api/v1/namespaces/crossmesh-system/secrets/${anchor}`,
    );
    expect(anchorRead.status).toBe(404);
    const after = await admin1.core.readNamespacedSecret({
      name,
      namespace: 'istio-system',
    });
    expect(after.metadata!.resourceVersion).toBe(
      before.metadata!.resourceVersion,
    );
    expect(await readWith(cluster2, inUse.token)).toBe(200);
  });
});

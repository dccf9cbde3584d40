import { adminConnection, kubeRequest } from '../kubeRequest';
import type { TestCluster } from '../types';
import { BedPool } from './BedPool';
import { writeAll } from './etcdClient';
import { startBedBroker } from './bedBroker';
import { BED_POOL_ENV, leaseTestBed } from './leaseTestBed';

jest.setTimeout(120_000);

const corednsPath = '/api/v1/namespaces/kube-system/configmaps/coredns';
const gatewayPath =
  '/api/v1/namespaces/istio-system/services/istio-ingressgateway';
const cacertsPath = '/api/v1/namespaces/istio-system/secrets/cacerts';
const istiodPath = '/apis/apps/v1/namespaces/istio-system/deployments/istiod';

const call = (
  cluster: TestCluster,
  path: string,
  method = 'GET',
  body?: unknown,
) => kubeRequest(adminConnection(cluster), path, { method, body });

async function dirty(cluster: TestCluster) {
  const writes = [
    await call(cluster, '/api/v1/namespaces', 'POST', {
      metadata: { name: 'shop' },
    }),
    await call(cluster, '/api/v1/namespaces/shop/services', 'POST', {
      metadata: { name: 'cart' },
      spec: { ports: [{ port: 80 }] },
    }),
    await call(
      cluster,
      '/apis/networking.istio.io/v1/namespaces/shop/serviceentries',
      'POST',
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'cart-global' },
        spec: { hosts: ['cart.shop.global'], resolution: 'DNS' },
      },
    ),
    await call(cluster, '/api/v1/namespaces/istio-system/secrets', 'POST', {
      metadata: { name: 'cacerts' },
      data: { 'root-cert.pem': Buffer.from('x').toString('base64') },
    }),
    await call(cluster, corednsPath, 'PUT', {
      ...(await call(cluster, corednsPath)).body,
      data: { Corefile: '.:53 { whoami }' },
    }),
    await call(cluster, gatewayPath, 'DELETE'),
  ];
  expect(writes.map(write => write.status)).toEqual([
    201, 201, 201, 201, 200, 200,
  ]);
}

/**
 * Makes every IPAddress of the cluster an hour old, as on a bed idle in the pool for that
 * long: written to etcd as JSON, which the API server reads like its own protobuf.
 */
async function ageIpAddresses(etcdUrl: string, cluster: TestCluster) {
  const list = await call(cluster, '/apis/networking.k8s.io/v1/ipaddresses');
  const anHourAgo = new Date(Date.now() - 3_600_000).toISOString();
  await writeAll(
    etcdUrl,
    list.body.items.map((item: any) => {
      const { resourceVersion: _, ...metadata } = item.metadata;
      const aged = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'IPAddress',
        ...item,
        metadata: { ...metadata, creationTimestamp: anHourAgo },
      };
      return {
        put: {
          key: `/${cluster.name}/ipaddresses/${item.metadata.name}`,
          value: Buffer.from(JSON.stringify(aged)),
        },
      };
    }),
  );
  return list.body.items.length;
}

describe('BedPool', () => {
  let pool: BedPool;
  afterEach(async () => {
    await pool?.close();
  });

  it("hands a released bed to the next test with its clusters as seeded (new objects gone, changed and deleted ones back, the API server's view the same) at the Istio version it asks for", async () => {
    pool = new BedPool({ maxIdle: 1 });
    const first = await pool.lease({ clusters: ['cluster-1', 'cluster-2'] });
    const cluster = first.bed.clusters.find(c => c.name === 'cluster-2')!;
    const corednsBefore = (await call(cluster, corednsPath)).body.data;
    const gatewayBefore = (await call(cluster, gatewayPath)).body;
    await dirty(cluster);
    await pool.release(first.id);

    const second = await pool.lease({
      clusters: ['cluster-2'],
      istioVersion: '1.22.3',
    });
    expect(second.bed).toBe(first.bed);
    expect(cluster.istioVersion).toBe('1.22.3');
    expect(
      (await call(cluster, istiodPath)).body.spec.template.spec.containers[0]
        .image,
    ).toBe('docker.io/istio/pilot:1.22.3');
    expect(pool.counts).toMatchObject({ started: 1, leases: 2, dropped: 0 });
    expect((await call(cluster, '/api/v1/namespaces/shop')).status).toBe(404);
    expect(
      (
        await call(
          cluster,
          '/apis/networking.istio.io/v1/serviceentries?limit=10',
        )
      ).body.items,
    ).toEqual([]);
    expect((await call(cluster, cacertsPath)).status).toBe(404);
    expect((await call(cluster, corednsPath)).body.data).toEqual(corednsBefore);
    const gateway = (await call(cluster, gatewayPath)).body;
    expect(gateway.metadata.uid).toBe(gatewayBefore.metadata.uid);
    expect(gateway.status).toEqual(gatewayBefore.status);
    // What the next test does first works as on a fresh bed.
    await dirty(cluster);
    await pool.release(second.id);
  });

  it("reuses a bed whose Services' IP addresses are over a minute old: the API server's IP repair answers the restore, and the pool puts its writes back instead of dropping the bed", async () => {
    pool = new BedPool({ maxIdle: 1 });
    const first = await pool.lease({ clusters: ['cluster-1'] });
    const cluster = first.bed.clusters[0];
    await pool.release(first.id);
    // Idle: aged now, and taken as seeded when the next lease re-seeds the Istio version.
    expect(await ageIpAddresses(first.bed.etcdUrl, cluster)).toBeGreaterThan(1);
    const gatewayIp = (await call(cluster, gatewayPath)).body.spec.clusterIP;
    const ipPath = `/apis/networking.k8s.io/v1/ipaddresses/${gatewayIp}`;
    let lease = await pool.lease({
      clusters: ['cluster-1'],
      istioVersion: '1.22.3',
    });
    const agedIp = (await call(cluster, ipPath)).body;
    expect(Date.parse(agedIp.metadata.creationTimestamp)).toBeLessThan(
      Date.now() - 60_000,
    );
    for (let round = 0; round < 3; round += 1) {
      expect((await call(cluster, gatewayPath, 'DELETE')).status).toBe(200);
      await pool.release(lease.id);
      lease = await pool.lease({ clusters: ['cluster-1'] });
      expect(lease.bed).toBe(first.bed);
      const ip = (await call(cluster, ipPath)).body;
      expect(ip.metadata.uid).toBe(agedIp.metadata.uid);
      expect(ip.spec.parentRef).toMatchObject({
        resource: 'services',
        namespace: 'istio-system',
        name: 'istio-ingressgateway',
      });
    }
    expect(pool.counts).toMatchObject({ started: 1, dropped: 0 });
    await pool.release(lease.id);
  });

  it('stops a bed that is still written to after its release instead of reusing it', async () => {
    pool = new BedPool({ maxIdle: 1 });
    const first = await pool.lease({ clusters: ['cluster-1'] });
    const cluster = first.bed.clusters[0];
    let writes = 0;
    const writer = setInterval(() => {
      writes += 1;
      call(cluster, '/api/v1/namespaces', 'POST', {
        metadata: { name: `late-${writes}` },
      }).catch(() => {});
    }, 50);
    try {
      await pool.release(first.id);
    } finally {
      clearInterval(writer);
    }
    expect(pool.counts.dropped).toBe(1);
    await expect(call(cluster, '/readyz')).rejects.toThrow();

    const second = await pool.lease({ clusters: ['cluster-1'] });
    expect(second.bed.clusters[0].url).not.toBe(cluster.url);
    expect(pool.counts.started).toBe(2);
  });
});

describe('leaseTestBed', () => {
  const saved = process.env[BED_POOL_ENV];
  afterEach(() => {
    process.env[BED_POOL_ENV] = saved;
  });

  it("leases through the run's broker the clusters asked for, in their order, refuses to stop a shared cluster, and gives the bed back on stop()", async () => {
    const broker = await startBedBroker({ maxIdle: 1 });
    process.env[BED_POOL_ENV] = broker.url;
    try {
      const bed = await leaseTestBed({ clusters: ['cluster-3', 'cluster-1'] });
      expect(bed.clusters.map(c => c.name)).toEqual(['cluster-3', 'cluster-1']);
      expect(bed.kubernetesConfig().clusterLocatorMethods[0].clusters).toEqual([
        expect.objectContaining({
          name: 'cluster-3',
          url: bed.clusters[0].url,
        }),
        expect.objectContaining({
          name: 'cluster-1',
          url: bed.clusters[1].url,
        }),
      ]);
      await expect(bed.stopIstiod('cluster-1')).rejects.toThrow(
        'A leased test bed runs no istiod, so it cannot stop istiod; start a bed of its own with startTestBed({ istiod: true }).',
      );
      // A test that leaves a cluster stopped hands it on running.
      await bed.killCluster('cluster-1');
      await expect(call(bed.clusters[1], '/readyz')).rejects.toThrow();
      await bed.stop();
      const again = await leaseTestBed({ clusters: ['cluster-1'] });
      expect(broker.counts).toMatchObject({ started: 1, leases: 2 });
      expect((await call(again.clusters[0], '/readyz')).status).toBe(200);
      await again.stop();
    } finally {
      await broker.close();
    }
  });
});

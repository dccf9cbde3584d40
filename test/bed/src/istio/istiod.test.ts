import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { KubeConnection, expectOk, kubeRequest } from '../kubeRequest';
import { apply } from '../seedCluster';
import { startTestBed } from '../startTestBed';
import type { TestBed, TestCluster } from '../types';
import { analyzeCluster } from './analyze';
import {
  ingressGatewayProxy,
  publishedRootCert,
  workloadCertificate,
  xdsSnapshot,
} from './probe';

jest.setTimeout(180_000);

let bed: TestBed;
let cluster: TestCluster;

const asAdmin = (): KubeConnection => ({
  url: cluster.url,
  ca: Buffer.from(cluster.caData, 'base64').toString('utf8'),
  token: cluster.adminToken,
});

function httpGet(url: string): Promise<number> {
  return new Promise(resolve => {
    http
      .get(url, { agent: false, timeout: 2000 }, response => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
}

async function until<T>(what: string, check: () => Promise<T | undefined>) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Gave up waiting until ${what}`);
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

function istiodPid() {
  return Number(
    fs.readFileSync(
      path.join(bed.stateDir, 'pids', 'istiod-cluster-1.pid'),
      'utf8',
    ),
  );
}

beforeAll(async () => {
  bed = await startTestBed({ clusters: ['cluster-1'], istiod: true });
  cluster = bed.clusters[0];
});

afterAll(async () => {
  await bed?.stop();
});

describe('a bed cluster with a real istiod', () => {
  it('seeds the istiod Deployment with the version the real istiod reports, and serves /ready', async () => {
    expect(cluster.istiod?.version).toMatch(/^1\.\d+/);
    expect(cluster.istioVersion).toBe(cluster.istiod!.version);
    const deployment = expectOk(
      await kubeRequest(
        asAdmin(),
        '/apis/apps/v1/namespaces/istio-system/deployments/istiod',
      ),
      'Reading istiod',
    );
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      `docker.io/istio/pilot:${cluster.istiod!.version}`,
    );
    expect(await httpGet(`${cluster.istiod!.debugUrl}/ready`)).toBe(200);
  });

  it('publishes its root in every namespace and signs a workload CSR that chains to it', async () => {
    const root = await until(
      'istiod publishes its root in probe-ns',
      async () => {
        await apply(asAdmin(), {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: 'probe-ns' },
        });
        return publishedRootCert(cluster, 'probe-ns');
      },
    );
    const { certChain } = await workloadCertificate(cluster, {
      namespace: 'probe-ns',
      serviceAccount: 'sleep',
    });
    const leaf = new X509Certificate(certChain[0]);
    expect(leaf.subjectAltName).toBe(
      'URI:spiffe://cluster.local/ns/probe-ns/sa/sleep',
    );
    const rootCert = new X509Certificate(root);
    expect(leaf.checkIssued(rootCert) || leaf.verify(rootCert.publicKey)).toBe(
      true,
    );
  });

  it('gives a sidecar an outbound cluster and route for a Service, and a gateway none of its listeners without a Gateway', async () => {
    await apply(asAdmin(), {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'probe-ns' },
      spec: { ports: [{ name: 'http', port: 8080 }], selector: { app: 'web' } },
    });
    // xDS is eventually consistent: wait until the push carries the Service everywhere.
    await until('istiod pushes web.probe-ns', async () => {
      const got = await xdsSnapshot(cluster, { namespace: 'probe-ns' });
      const route = got.routes.find(r => r.name === '8080');
      return got.clusters.some(
        c => c.name === 'outbound|8080||web.probe-ns.svc.cluster.local',
      ) &&
        route?.virtualHosts.some((v: any) =>
          v.domains.includes('web.probe-ns.svc.cluster.local'),
        )
        ? got
        : undefined;
    });

    const gateway = await xdsSnapshot(cluster, ingressGatewayProxy);
    expect(gateway.listeners).toEqual([]);
  });

  it('runs istioctl analyze against the apiserver', async () => {
    const messages = await analyzeCluster(cluster);
    expect(Array.isArray(messages)).toBe(true);
  });

  it('replaces istiod when its Deployment rolls out, and keeps it stopped when stopped', async () => {
    const before = istiodPid();
    expectOk(
      await kubeRequest(
        asAdmin(),
        '/apis/apps/v1/namespaces/istio-system/deployments/istiod',
        {
          method: 'PATCH',
          contentType: 'application/merge-patch+json',
          body: {
            spec: {
              template: {
                metadata: {
                  annotations: {
                    'kubectl.kubernetes.io/restartedAt':
                      new Date().toISOString(),
                  },
                },
              },
            },
          },
        },
      ),
      'Restarting istiod',
    );
    await until('a new istiod is ready', async () => {
      const pidFile = path.join(bed.stateDir, 'pids', 'istiod-cluster-1.pid');
      return fs.existsSync(pidFile) &&
        istiodPid() !== before &&
        (await httpGet(`${cluster.istiod!.debugUrl}/ready`)) === 200
        ? true
        : undefined;
    });

    await bed.stopIstiod('cluster-1');
    expect(await httpGet(`${cluster.istiod!.debugUrl}/ready`)).toBe(0);
    await bed.startIstiod('cluster-1');
    expect(await httpGet(`${cluster.istiod!.debugUrl}/ready`)).toBe(200);
  });
});

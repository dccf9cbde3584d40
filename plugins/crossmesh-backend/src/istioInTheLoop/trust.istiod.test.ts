import {
  AnalysisMessage,
  analyzeCluster,
  publishedRootCert,
  TestCluster,
  workloadCertificate,
} from '@crossmesh/test-bed';
import { X509Certificate } from 'node:crypto';
import { eventually } from '../__testUtils__/eventually';
import { decode, readSecretAsAdmin } from '../__testUtils__/trustTestKit';
import { createNamespace } from './__testUtils__/clusterServices';
import {
  analyzerFindingsSince,
  fingerprints,
  istiodLogDetail,
  opensslVerifyChain,
  startIstioLoop,
} from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const OK = 'leaf.pem: OK';

/**
 * Trust as Istio sees it: real istiods read the `cacerts` crossmesh writes (after the rollout
 * restart crossmesh asks for), publish roots in `istio-ca-root-cert` and sign workload CSRs.
 */
describe('trust and root rotation, judged by real istiods', () => {
  let loop: Awaited<ReturnType<typeof startIstioLoop>>;
  let cluster1: TestCluster;
  let cluster2: TestCluster;
  const baseline = new Map<string, AnalysisMessage[]>();

  beforeAll(async () => {
    loop = await startIstioLoop({
      bed: { clusters: ['cluster-1', 'cluster-2'], istiod: true },
      // No workloads run here, so no phase waits for their certificates; the wait is
      // rotationUnderLoad.envoy.test.ts's and trust.api.test.ts's (ADR 0022).
      crossmesh: { trust: { workloadCertificateTtl: '0s' } },
    });
    [cluster1, cluster2] = loop.bed.clusters;
    for (const cluster of loop.bed.clusters) {
      await createNamespace(cluster, 'foo');
    }
  });
  afterAll(async () => {
    await loop?.stop();
  });

  const call = () => loop.as('carol');

  /**
   * The roots istiod publishes for workloads in foo, once they are `expected` there and in
   * istio-system, the copy crossmesh reads before it moves a rotation on. istiod updates
   * each namespace's copy on its own, in no set order.
   */
  function publishes(cluster: TestCluster, expected: string[]) {
    let inCacerts = 'not read';
    return eventually(
      `istiod of ${cluster.name} publishes ${expected.length} root(s) in istio-ca-root-cert of foo and istio-system`,
      async () => {
        const cacerts = await readSecretAsAdmin(cluster);
        inCacerts = `${fingerprints(decode(cacerts.data)['root-cert.pem']).join(
          ', ',
        )} (Secret resourceVersion ${cacerts.metadata?.resourceVersion})`;
        const inIstioSystem = await publishedRootCert(cluster, 'istio-system');
        expect(fingerprints(inIstioSystem ?? '').sort()).toEqual(
          [...expected].sort(),
        );
        const pem = await publishedRootCert(cluster, 'foo');
        expect(fingerprints(pem ?? '').sort()).toEqual([...expected].sort());
        return pem!;
      },
      {
        detail: () =>
          `root-cert.pem of cacerts: ${inCacerts}\n${istiodLogDetail(
            cluster,
          )()}`,
      },
    );
  }

  /** Each phase's distribution wrote both clusters' cacerts and restarted their istiods. */
  const expectRestartedEverywhere = (distribution: any[]) =>
    expect(
      distribution.map(d => [d.cluster, d.changed, d.restarted, d.error]),
    ).toEqual(
      [cluster1, cluster2].map(c => [
        c.name,
        true,
        expect.arrayContaining(['istiod']),
        undefined,
      ]),
    );

  /** A certificate for foo/sleep once istiod signs with the intermediate now in `cacerts`. */
  async function certificateFromCurrentIntermediate(cluster: TestCluster) {
    const files = decode((await readSecretAsAdmin(cluster)).data);
    const intermediate = new X509Certificate(files['ca-cert.pem']);
    return eventually(
      `istiod of ${cluster.name} signs with ${intermediate.subject.replace(
        /\n/g,
        ', ',
      )}`,
      async () => {
        const issued = await workloadCertificate(cluster, {
          namespace: 'foo',
          serviceAccount: 'sleep',
        });
        expect(new X509Certificate(issued.certChain[0]).issuer).toBe(
          intermediate.subject,
        );
        expect(issued.certChain[1]).toBeDefined();
        expect(new X509Certificate(issued.certChain[1]).fingerprint256).toBe(
          intermediate.fingerprint256,
        );
        return issued.certChain;
      },
      { detail: istiodLogDetail(cluster) },
    );
  }

  it('before crossmesh, each istiod signs under a self-signed root of its own, which the other cluster does not trust', async () => {
    for (const cluster of [cluster1, cluster2]) {
      baseline.set(cluster.name, await analyzeCluster(cluster));
    }
    const [own1, own2] = await Promise.all(
      [cluster1, cluster2].map(cluster =>
        eventually(`istiod of ${cluster.name} publishes a root`, async () => {
          const pem = await publishedRootCert(cluster, 'foo');
          expect(pem).toBeDefined();
          return pem!;
        }),
      ),
    );
    expect(fingerprints(own1)).not.toEqual(fingerprints(own2));
    const { certChain } = await workloadCertificate(cluster1, {
      namespace: 'foo',
      serviceAccount: 'sleep',
    });
    expect(opensslVerifyChain(certChain, own1)).toBe(OK);
    expect(opensslVerifyChain(certChain, own2)).not.toBe(OK);
  });

  let root: { certPem: string; fingerprintSha256: string };
  let signedBeforeRotation: string[];

  it('after onboarding, each istiod signs with its own intermediate under the shared root, and the clusters trust each other', async () => {
    for (const [index, cluster] of [cluster1, cluster2].entries()) {
      const member = await call().put(`/clusters/${cluster.name}/membership`, {
        network: `network-${index + 1}`,
      });
      expect([200, 201]).toContain(member.status);
    }
    const created = await call().post('/trust/root', { keyType: 'ecdsa-p256' });
    expect(created.status).toBe(201);
    root = created.body;
    for (const cluster of [cluster1, cluster2]) {
      const issued = await call().post(
        `/trust/clusters/${cluster.name}/intermediate`,
      );
      expect(issued.status).toBe(201);
      expect(issued.body.distribution.restarted).toContain('istiod');
    }

    for (const cluster of [cluster1, cluster2]) {
      const published = await publishes(cluster, [root.fingerprintSha256]);
      const chain = await certificateFromCurrentIntermediate(cluster);
      expect(opensslVerifyChain(chain, published)).toBe(OK);
      expect(new X509Certificate(chain[1]).subject).toContain(
        `L=${cluster.name}`,
      );
    }

    // A workload of cluster-1, checked with cluster-2's root-cert.pem alone.
    signedBeforeRotation = await certificateFromCurrentIntermediate(cluster1);
    const cluster2Root = decode((await readSecretAsAdmin(cluster2)).data)[
      'root-cert.pem'
    ];
    expect(opensslVerifyChain(signedBeforeRotation, cluster2Root)).toBe(OK);

    for (const cluster of [cluster1, cluster2]) {
      expect(
        await analyzerFindingsSince(cluster, baseline.get(cluster.name)!),
      ).toEqual([]);
    }
  });

  it('rotates the root as istiod sees it, and will not move the intermediates while an istiod publishes only the old root', async () => {
    const oldRoot = root.fingerprintSha256;
    // cluster-2's istiod is down while the rotation starts, so it keeps publishing the old
    // root alone until it comes back.
    await loop.bed.stopIstiod(cluster2.name);

    const asked = await call().post('/trust/rotation', {
      keyType: 'ecdsa-p256',
    });
    expect(asked.status).toBe(202);
    const started = await loop.confirmedByDave(asked.body.confirmation);
    expect(started.status).toBe(200);
    expectRestartedEverywhere(started.body.distribution);
    const state = await call().get('/trust');
    const incoming = state.body.roots.find((r: any) => r.state === 'incoming');
    const newRoot: string = incoming.fingerprintSha256;

    // Trusting both: both roots published; new certificates still chain to the old root.
    let published = await publishes(cluster1, [oldRoot, newRoot]);
    let chain = await certificateFromCurrentIntermediate(cluster1);
    expect(opensslVerifyChain(chain, root.certPem)).toBe(OK);
    expect(opensslVerifyChain(chain, incoming.certPem)).not.toBe(OK);
    expect(opensslVerifyChain(signedBeforeRotation, published)).toBe(OK);
    expect(fingerprints((await publishedRootCert(cluster2, 'foo'))!)).toEqual([
      oldRoot,
    ]);

    // cluster-2's workloads would refuse certificates from the new intermediates: refused.
    const refused = await call().post('/trust/rotation/advance');
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain(
      'cluster-2: istiod still publishes only the old root in istio-ca-root-cert, so its workloads would refuse certificates from the new intermediates',
    );
    expect(refused.body.error.message).not.toContain('cluster-1');

    // Back, it reads cacerts with both roots.
    await loop.bed.startIstiod(cluster2.name);
    await publishes(cluster2, [oldRoot, newRoot]);

    // Intermediates moved: new certificates chain to the new root; old ones still verify.
    const moved = await call().post('/trust/rotation/advance');
    expect(moved.body.rotation.phase).toBe('intermediates-moved');
    expectRestartedEverywhere(moved.body.distribution);
    published = await publishes(cluster1, [oldRoot, newRoot]);
    const signedUnderNewRoot = await certificateFromCurrentIntermediate(
      cluster1,
    );
    expect(opensslVerifyChain(signedUnderNewRoot, incoming.certPem)).toBe(OK);
    expect(opensslVerifyChain(signedUnderNewRoot, published)).toBe(OK);
    expect(opensslVerifyChain(signedBeforeRotation, published)).toBe(OK);
    published = await publishes(cluster2, [oldRoot, newRoot]);
    chain = await certificateFromCurrentIntermediate(cluster2);
    expect(opensslVerifyChain(chain, incoming.certPem)).toBe(OK);
    expect(opensslVerifyChain(signedBeforeRotation, published)).toBe(OK);

    // Old root dropped: only the new root is published; certificates from before the
    // rotation no longer verify, those from the moved intermediates do.
    const drop = await call().post('/trust/rotation/advance');
    expect(drop.status).toBe(202);
    const done = await loop.confirmedByDave(drop.body.confirmation);
    expect(done.status).toBe(200);
    expect(done.body.rotation.phase).toBe('idle');
    expectRestartedEverywhere(done.body.distribution);
    for (const cluster of [cluster1, cluster2]) {
      published = await publishes(cluster, [newRoot]);
      chain = await certificateFromCurrentIntermediate(cluster);
      expect(opensslVerifyChain(chain, published)).toBe(OK);
      expect(opensslVerifyChain(signedUnderNewRoot, published)).toBe(OK);
      expect(opensslVerifyChain(signedBeforeRotation, published)).not.toBe(OK);
      expect(
        await analyzerFindingsSince(cluster, baseline.get(cluster.name)!),
      ).toEqual([]);
    }
  });
});

import { RunningWorkload, TestCluster } from '@crossmesh/test-bed';
import { eventually } from '../__testUtils__/eventually';
import {
  CurlResult,
  DataPlaneLoop,
  SEED_URL,
  SLEEP_IDENTITY,
  curlFrom,
  deploySeedWorkloads,
  upstreamConnections,
  exposeSvc2,
  joinMesh,
  seedAnswers,
  startDataPlaneLoop,
} from './__testUtils__/dataPlaneLoop';
import { revokeExposure } from './__testUtils__/istioLoop';
import { meshSni } from './__testUtils__/envoyConfig';

jest.setTimeout(600_000);

/**
 * The check the multicluster guide ends with, run for real: from sleep in cluster-1, curl
 * svc-2.bar.global:8000 through real Envoys (sleep's sidecar, cluster-2's ingress gateway on
 * 15443, svc-2's sidecar), with everything set up through crossmesh's HTTP API.
 */
describe("the seed's curl, through real Envoys", () => {
  let loop: DataPlaneLoop;
  let cluster2: TestCluster;
  let sleep: RunningWorkload;
  let svc2: RunningWorkload;

  beforeAll(async () => {
    loop = await startDataPlaneLoop(['cluster-1', 'cluster-2']);
    const [cluster1] = loop.bed.clusters;
    cluster2 = loop.bed.clusters[1];
    await joinMesh(loop, [cluster1, cluster2]);
    ({ sleep, svc2 } = await deploySeedWorkloads(loop));
  });
  afterAll(async () => {
    await loop?.stop();
  });

  const curl = () => curlFrom(loop.dataPlane, sleep, SEED_URL);
  /**
   * curl's answer when the name does not resolve: exit code 6, "Could not resolve host".
   * The sidecar's DNS proxy has no entry and cluster-1's CoreDNS answers NXDOMAIN for it.
   */
  const cannotResolve: Partial<CurlResult> = {
    exitCode: 6,
    stderr: expect.stringContaining('Could not resolve host: svc-2.bar.global'),
  };

  it('fails before approval: the name does not resolve in cluster-1', async () => {
    expect(await curl()).toMatchObject(cannotResolve);
  });

  let exposure: { id: string; vip: string };

  it('answers from svc-2 in cluster-2 over mTLS through its gateway once the exposure is approved', async () => {
    const gatewayPod = await loop.dataPlane.gateway(cluster2.name).settled();
    const sni = meshSni('svc-2.bar.global', 8000);
    const passedBefore = await upstreamConnections(
      loop.dataPlane,
      gatewayPod,
      sni,
    );

    exposure = await exposeSvc2(loop, ['cluster-1']);
    const answered = await seedAnswers(loop, sleep);
    process.stdout.write(
      `curl ${SEED_URL} from sleep (cluster-1):\n${answered.body}\n`,
    );
    expect(JSON.parse(answered.body)).toMatchObject({
      service: 'svc-2',
      namespace: 'bar',
      cluster: 'cluster-2',
      // Only a peer certificate puts a caller in the header svc-2's sidecar sets: mTLS end to end.
      caller: SLEEP_IDENTITY,
    });
    const seen = loop.dataPlane.requestsSeenBy(svc2).pop();
    expect(seen).toMatchObject({
      caller: SLEEP_IDENTITY,
      cluster: 'cluster-2',
    });

    // It went through cluster-2's gateway, which passed the TLS through by its SNI.
    const passedAfter = await upstreamConnections(
      loop.dataPlane,
      gatewayPod,
      sni,
    );
    expect(passedAfter).toBeGreaterThan(passedBefore);
  });

  it('fails again after revoke: the name no longer resolves', async () => {
    await revokeExposure(loop, exposure.id);
    await eventually(
      'svc-2.bar.global is gone from cluster-1',
      async () => expect(await curl()).toMatchObject(cannotResolve),
      {
        timeoutMs: 60_000,
        intervalMs: 500,
      },
    );
  });
});

import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import {
  adminApis,
  base64Data,
  connectionsOf,
  deleteSecretAsAdmin,
  handWriteSecret,
  meshPki,
  readSecretAsAdmin,
} from '../../__testUtils__/trustTestKit';
import { CacertsDistributor } from './CacertsDistributor';
import { inspectClusterTrust } from './inspectClusterTrust';
import { readClusterCacerts } from './readClusterCacerts';

jest.setTimeout(120_000);

const DAY = 24 * 60 * 60 * 1000;

describe('inspectClusterTrust against real API servers', () => {
  let bed: TestBed;
  let connections: ClusterConnection[];
  const clients = new KubernetesClients();
  const distributor = new CacertsDistributor(clients);
  let mesh: Awaited<ReturnType<typeof meshPki>>;

  beforeAll(async () => {
    [bed, mesh] = await Promise.all([
      leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] }),
      meshPki('cluster-1'),
    ]);
    connections = connectionsOf(bed);
  });

  afterAll(async () => {
    await bed?.stop();
  });

  const inspect = (i: number, options: { now?: Date; window?: number } = {}) =>
    inspectClusterTrust(clients, connections[i], {
      expectedRootPems: [mesh.root.certPem],
      renewalWindowDays: options.window ?? 30,
      now: options.now,
    });

  it('reports a cluster without cacerts as missing', async () => {
    await deleteSecretAsAdmin(bed.clusters[1]);

    expect(await readClusterCacerts(clients, connections[1])).toEqual({
      files: null,
      managedByCrossmesh: false,
    });
    expect(await inspect(1)).toEqual({
      cluster: 'cluster-2',
      report: {
        status: 'missing',
        detail: expect.stringContaining(
          'has no Secret cacerts in istio-system',
        ),
      },
      replacedBySomeoneElse: false,
      drift: true,
    });
  });

  it('reports what crossmesh distributed as ok', async () => {
    expect(
      (await distributor.distribute(connections[0], mesh.files)).error,
    ).toBeUndefined();

    expect(await readClusterCacerts(clients, connections[0])).toEqual({
      files: { ...mesh.files },
      managedByCrossmesh: true,
      fingerprintAnnotation: mesh.intermediate.fingerprintSha256,
      contentDigestAnnotation: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const inspection = await inspect(0);
    expect(inspection).toMatchObject({
      cluster: 'cluster-1',
      replacedBySomeoneElse: false,
      drift: false,
      report: {
        status: 'ok',
        intermediate: {
          clusterName: 'cluster-1',
          fingerprintSha256: mesh.intermediate.fingerprintSha256,
        },
      },
    });
    expect(inspection.error).toBeUndefined();
  });

  it('reports a Secret someone else wrote, with an extra key, as replaced', async () => {
    const theirs = await meshPki('cluster-2', { root: mesh.root });
    await handWriteSecret(bed.clusters[1], {
      type: 'Opaque',
      data: base64Data({ ...theirs.files, 'extra.pem': 'x' }),
    });

    const inspection = await inspect(1);

    expect(inspection).toMatchObject({
      replacedBySomeoneElse: true,
      drift: true,
      replacementDetails: [
        'cacerts lacks the label app.kubernetes.io/managed-by: crossmesh, so it was not written by crossmesh',
      ],
      report: { status: 'ok', unexpectedKeys: ['extra.pem'] },
    });

    // Distributing over it leaves exactly the four keys, and no drift.
    const ours = await meshPki('cluster-2', { root: mesh.root });
    expect(
      (await distributor.distribute(connections[1], ours.files)).changed,
    ).toBe(true);
    const secret = await readSecretAsAdmin(bed.clusters[1]);
    expect(Object.keys(secret.data ?? {}).sort()).toEqual([
      'ca-cert.pem',
      'ca-key.pem',
      'cert-chain.pem',
      'root-cert.pem',
    ]);
    expect(await inspect(1)).toMatchObject({
      replacedBySomeoneElse: false,
      drift: false,
      report: { status: 'ok' },
    });
  });

  it("reports crossmesh's Secret with another root's intermediate put in as foreign-root and replaced", async () => {
    const foreign = await meshPki('cluster-2');
    const { core } = await adminApis(bed.clusters[1]);
    const secret = await readSecretAsAdmin(bed.clusters[1]);
    // Someone edits the data in place and keeps crossmesh's label and annotations.
    await core.replaceNamespacedSecret({
      name: 'cacerts',
      namespace: 'istio-system',
      body: { ...secret, data: base64Data({ ...foreign.files }) },
    });

    const inspection = await inspect(1);

    expect(inspection).toMatchObject({
      replacedBySomeoneElse: true,
      drift: true,
      replacementDetails: [
        expect.stringMatching(
          /^ca-cert\.pem \(.*\) is not the intermediate crossmesh wrote \(crossmesh\.io\/intermediate-fingerprint-sha256: .*\)$/,
        ),
      ],
      report: { status: 'foreign-root' },
    });
  });

  it('notices a change to root-cert.pem alone through the recorded digest', async () => {
    const ours = await meshPki('cluster-2', { root: mesh.root });
    await distributor.distribute(connections[1], ours.files);
    const other = await meshPki('cluster-2');
    const { core } = await adminApis(bed.clusters[1]);
    const secret = await readSecretAsAdmin(bed.clusters[1]);
    await core.replaceNamespacedSecret({
      name: 'cacerts',
      namespace: 'istio-system',
      body: {
        ...secret,
        data: base64Data({
          ...ours.files,
          'root-cert.pem': ours.files['root-cert.pem'] + other.root.certPem,
        }),
      },
    });

    expect(await inspect(1)).toMatchObject({
      replacedBySomeoneElse: true,
      drift: true,
      replacementDetails: [
        'the keys of cacerts differ from what crossmesh wrote (crossmesh.io/cacerts-digest-sha256 does not match)',
      ],
      report: { status: 'ok' },
    });
  });

  it('reports an intermediate about to expire as expiring, and later as expired', async () => {
    const shortLived = await meshPki('cluster-1', {
      root: mesh.root,
      validityDays: 10,
    });
    expect(
      (await distributor.distribute(connections[0], shortLived.files)).changed,
    ).toBe(true);

    const soon = await inspect(0, { window: 30 });
    expect(soon).toMatchObject({
      replacedBySomeoneElse: false,
      drift: true,
      report: {
        status: 'expiring',
        expiresAt: shortLived.intermediate.notAfter,
        daysRemaining: 9,
      },
    });
    expect((soon.report as { detail: string }).detail).toMatch(
      /^The intermediate CA expires on .*, within the 30-day renewal window\. Rotate it\.$/,
    );

    expect(await inspect(0, { window: 7 })).toMatchObject({
      drift: false,
      report: { status: 'ok' },
    });
    expect(
      await inspect(0, { now: new Date(Date.now() + 11 * DAY) }),
    ).toMatchObject({ drift: true, report: { status: 'expired' } });
  });

  it('reports a stopped cluster as an error without throwing', async () => {
    await bed.stopCluster('cluster-2');
    try {
      const [down, up] = await Promise.all([inspect(1), inspect(0)]);

      expect(down).toEqual({
        cluster: 'cluster-2',
        replacedBySomeoneElse: false,
        drift: false,
        error: expect.stringMatching(
          /^cannot read cacerts in cluster 'cluster-2': cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\); check the cluster's url and that it is running$/,
        ),
      });
      expect(up.error).toBeUndefined();
      expect(up.report?.status).toBe('expiring');
    } finally {
      await bed.startCluster('cluster-2');
    }
  });
});

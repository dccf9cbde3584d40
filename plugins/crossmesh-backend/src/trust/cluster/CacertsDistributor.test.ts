import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { CACERTS_KEYS } from '../../pki';
import {
  adminApis,
  base64Data,
  connectionsOf,
  decode,
  deleteSecretAsAdmin,
  fingerprintOf,
  handWriteSecret,
  meshPki,
  opensslVerify,
  podTemplateAnnotations,
  readSecretAsAdmin,
} from '../../__testUtils__/trustTestKit';
import { CacertsDistributor } from './CacertsDistributor';

jest.setTimeout(120_000);

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const HOUR = 60 * 60 * 1000;
const firstRun = new Date(Math.floor(Date.now() / 1000) * 1000 + 678);

describe('CacertsDistributor against real API servers', () => {
  let bed: TestBed;
  let connections: ClusterConnection[];
  let distributor: CacertsDistributor;
  let mesh: Awaited<ReturnType<typeof meshPki>>;

  beforeAll(async () => {
    [bed, mesh] = await Promise.all([
      leaseTestBed({ clusters: ['cluster-1', 'cluster-2', 'cluster-3'] }),
      meshPki('cluster-1'),
    ]);
    connections = connectionsOf(bed);
    distributor = new CacertsDistributor(new KubernetesClients());
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('writes exactly the four keys, labels the Secret and restarts istiod and the gateway', async () => {
    const result = await distributor.distribute(connections[0], mesh.files, {
      now: firstRun,
      rootFingerprints: [fingerprintOf(mesh.root.certPem)],
    });

    expect(result).toEqual({
      cluster: 'cluster-1',
      changed: true,
      secretWritten: true,
      restarted: ['istiod', 'istio-ingressgateway'],
      missingDeployments: [],
    });

    const secret = await readSecretAsAdmin(bed.clusters[0]);
    expect(secret.type).toBe('Opaque');
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(
      [...CACERTS_KEYS].sort(),
    );
    expect(decode(secret.data)).toEqual({ ...mesh.files });
    expect(secret.metadata?.labels).toEqual({
      'app.kubernetes.io/managed-by': 'crossmesh',
    });
    expect(secret.metadata?.annotations).toEqual({
      'crossmesh.io/intermediate-fingerprint-sha256':
        mesh.intermediate.fingerprintSha256,
      'crossmesh.io/cacerts-digest-sha256':
        expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(opensslVerify(decode(secret.data))).toEqual([
      'ca-cert.pem: OK',
      'ca-cert.pem: OK',
    ]);

    for (const deployment of ['istiod', 'istio-ingressgateway']) {
      expect(await podTemplateAnnotations(bed.clusters[0], deployment)).toEqual(
        { [RESTARTED_AT]: firstRun.toISOString() },
      );
    }
  });

  it('writes and restarts nothing when the Secret already holds the files', async () => {
    const before = await readSecretAsAdmin(bed.clusters[0]);
    const { apps } = await adminApis(bed.clusters[0]);
    const istiodBefore = await apps.readNamespacedDeployment({
      name: 'istiod',
      namespace: 'istio-system',
    });

    const result = await distributor.distribute(connections[0], mesh.files, {
      now: new Date(firstRun.getTime() + HOUR),
    });

    expect(result).toEqual({
      cluster: 'cluster-1',
      changed: false,
      secretWritten: false,
      restarted: [],
      missingDeployments: [],
    });
    const after = await readSecretAsAdmin(bed.clusters[0]);
    expect(after.metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );
    expect(after.metadata?.annotations).toEqual(before.metadata?.annotations);
    const istiodAfter = await apps.readNamespacedDeployment({
      name: 'istiod',
      namespace: 'istio-system',
    });
    expect(istiodAfter.metadata?.resourceVersion).toBe(
      istiodBefore.metadata?.resourceVersion,
    );
    expect(
      istiodAfter.spec?.template?.metadata?.annotations?.[RESTARTED_AT],
    ).toBe(firstRun.toISOString());
  });

  it('replaces a hand-written Secret with an extra key and another root by exactly the four keys', async () => {
    const foreign = await meshPki('cluster-2');
    await handWriteSecret(bed.clusters[1], {
      type: 'Opaque',
      metadata: {
        labels: { team: 'platform' },
        annotations: {
          'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({
            data: base64Data({ 'ca-key.pem': foreign.files['ca-key.pem'] }),
          }),
          'example.com/owner': 'platform team',
        },
      },
      data: base64Data({ ...foreign.files, 'extra.pem': 'left behind?' }),
    });
    const ours = await meshPki('cluster-2', { root: mesh.root });

    const result = await distributor.distribute(connections[1], ours.files);

    expect(result).toMatchObject({ changed: true, secretWritten: true });
    expect(result.error).toBeUndefined();
    const secret = await readSecretAsAdmin(bed.clusters[1]);
    expect(decode(secret.data)).toEqual({ ...ours.files });
    expect(secret.metadata?.labels).toEqual({
      team: 'platform',
      'app.kubernetes.io/managed-by': 'crossmesh',
    });
    // The old private key must not linger in kubectl's annotation.
    expect(Object.keys(secret.metadata?.annotations ?? {}).sort()).toEqual([
      'crossmesh.io/cacerts-digest-sha256',
      'crossmesh.io/intermediate-fingerprint-sha256',
      'example.com/owner',
    ]);
    expect(opensslVerify(decode(secret.data))).toEqual([
      'ca-cert.pem: OK',
      'ca-cert.pem: OK',
    ]);
  });

  it('replaces an immutable Secret of another type', async () => {
    const foreign = await meshPki('cluster-2');
    await handWriteSecret(bed.clusters[1], {
      type: 'istio.io/cacerts-by-hand',
      immutable: true,
      data: base64Data({ ...foreign.files }),
    });
    const ours = await meshPki('cluster-2', { root: mesh.root });

    const result = await distributor.distribute(connections[1], ours.files);

    expect(result).toEqual({
      cluster: 'cluster-2',
      changed: true,
      secretWritten: true,
      restarted: ['istiod', 'istio-ingressgateway'],
      missingDeployments: [],
    });
    const secret = await readSecretAsAdmin(bed.clusters[1]);
    expect(secret.type).toBe('Opaque');
    expect(secret.immutable).toBeFalsy();
    expect(decode(secret.data)).toEqual({ ...ours.files });
  });

  it('only adds its label and annotations, without restarting, when the data is already right', async () => {
    await handWriteSecret(bed.clusters[1], {
      type: 'Opaque',
      data: base64Data({ ...mesh.files }),
    });
    const before = await podTemplateAnnotations(bed.clusters[1], 'istiod');

    const result = await distributor.distribute(connections[1], mesh.files);

    expect(result).toEqual({
      cluster: 'cluster-2',
      changed: false,
      secretWritten: true,
      restarted: [],
      missingDeployments: [],
    });
    const secret = await readSecretAsAdmin(bed.clusters[1]);
    expect(secret.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe(
      'crossmesh',
    );
    expect(await podTemplateAnnotations(bed.clusters[1], 'istiod')).toEqual(
      before,
    );
  });

  it('finishes a restart an earlier run could not do', async () => {
    // What an interrupted run leaves: the Secret written, the restart still pending.
    const { core } = await adminApis(bed.clusters[0]);
    const k8s = await import('@kubernetes/client-node');
    await core.patchNamespacedSecret(
      {
        name: 'cacerts',
        namespace: 'istio-system',
        body: {
          metadata: { annotations: { 'crossmesh.io/restart-pending': 'true' } },
        },
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );

    const later = new Date(firstRun.getTime() + 2 * HOUR);
    const result = await distributor.distribute(connections[0], mesh.files, {
      now: later,
    });

    expect(result).toEqual({
      cluster: 'cluster-1',
      changed: false,
      secretWritten: false,
      restarted: ['istiod', 'istio-ingressgateway'],
      missingDeployments: [],
    });
    const secret = await readSecretAsAdmin(bed.clusters[0]);
    expect(
      secret.metadata?.annotations?.['crossmesh.io/restart-pending'],
    ).toBeUndefined();
    expect(await podTemplateAnnotations(bed.clusters[0], 'istiod')).toEqual({
      [RESTARTED_AT]: later.toISOString(),
    });
  });

  it('restarts again when other files come within the same second as the last restart', async () => {
    const { apps } = await adminApis(bed.clusters[0]);
    const readIstiod = () =>
      apps.readNamespacedDeployment({
        name: 'istiod',
        namespace: 'istio-system',
      });
    const before = await readIstiod();
    // The last test restarted at firstRun + 2 h, 678 ms into its second.
    const sameSecond = new Date(firstRun.getTime() + 2 * HOUR + 300);
    const files = (await meshPki('cluster-1', { root: mesh.root })).files;

    const result = await distributor.distribute(connections[0], files, {
      now: sameSecond,
    });

    expect(result).toMatchObject({
      changed: true,
      restarted: ['istiod', 'istio-ingressgateway'],
    });
    const after = await readIstiod();
    expect(after.metadata?.generation).toBe(before.metadata!.generation! + 1);
    expect(after.spec?.template?.metadata?.annotations).toEqual({
      [RESTARTED_AT]: sameSecond.toISOString(),
    });
  });

  it('reports a missing deployment instead of failing', async () => {
    const { apps } = await adminApis(bed.clusters[2]);
    await apps.deleteNamespacedDeployment({
      name: 'istio-ingressgateway',
      namespace: 'istio-system',
    });
    const files = (await meshPki('cluster-3', { root: mesh.root })).files;

    const result = await distributor.distribute(connections[2], files);

    expect(result).toEqual({
      cluster: 'cluster-3',
      changed: true,
      secretWritten: true,
      restarted: ['istiod'],
      missingDeployments: ['istio-ingressgateway'],
    });
    const secret = await readSecretAsAdmin(bed.clusters[2]);
    expect(
      secret.metadata?.annotations?.['crossmesh.io/restart-pending'],
    ).toBeUndefined();
  });

  it('refuses files that chain to another root without touching the cluster', async () => {
    const before = await readSecretAsAdmin(bed.clusters[0]);
    const foreign = await meshPki('cluster-1');

    const result = await distributor.distribute(connections[0], foreign.files, {
      rootFingerprints: [fingerprintOf(mesh.root.certPem)],
    });

    expect(result.secretWritten).toBe(false);
    expect(result.error).toMatch(
      /^crossmesh did not touch cluster 'cluster-1': the cacerts files to distribute chain to root .* which is not one of the mesh's roots/,
    );
    const after = await readSecretAsAdmin(bed.clusters[0]);
    expect(after.metadata?.resourceVersion).toBe(
      before.metadata?.resourceVersion,
    );
  });

  it('reports a stopped cluster as an error while another cluster in the same run succeeds', async () => {
    await deleteSecretAsAdmin(bed.clusters[0]);
    await bed.stopCluster('cluster-3');
    try {
      const [up, down] = await Promise.all([
        distributor.distribute(connections[0], mesh.files),
        distributor.distribute(connections[2], mesh.files),
      ]);

      expect(up).toEqual({
        cluster: 'cluster-1',
        changed: true,
        secretWritten: true,
        restarted: ['istiod', 'istio-ingressgateway'],
        missingDeployments: [],
      });
      expect(down).toMatchObject({
        cluster: 'cluster-3',
        changed: false,
        secretWritten: false,
        restarted: [],
      });
      expect(down.error).toMatch(
        /^cacerts was not written in cluster 'cluster-3': cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      );
    } finally {
      await bed.startCluster('cluster-3');
    }
  });
});

import {
  BedWorkload,
  RunningWorkload,
  TestCluster,
  workloadCertificate,
} from '@crossmesh/test-bed';
import { X509Certificate, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../__testUtils__/eventually';
import {
  opensslRootWithoutSki,
  opensslSignCsr,
  read,
  run,
  tempDir,
} from '../__testUtils__/pkiTools';
import {
  curlFrom,
  DataPlaneLoop,
  SEED_URL,
  seedAnswers,
  SLEEP_IDENTITY,
  startSeedMesh,
} from './__testUtils__/dataPlaneLoop';
import { meshSni } from './__testUtils__/envoyConfig';
import { certificatesIn } from './__testUtils__/istioLoop';

jest.setTimeout(600_000);

const SNI = meshSni('svc-2.bar.global', 8000);

/** A workload without Istio in cluster-3: what an attacker with a shell in that cluster has. */
const attacker = (namespace: string): BedWorkload => ({
  cluster: 'cluster-3',
  namespace,
  name: `attacker-${namespace}`,
  app: 'sleep',
  ports: [{ name: 'http', port: 80 }],
  sidecar: false,
});

/**
 * Who can reach svc-2.bar.global once it is exposed to cluster-1 only: not a mesh member that
 * was not approved (cluster-3, which shares the root), not through an impostor gateway with a
 * certificate from another root, and — what crossmesh adds — not by sending the SNI by hand.
 */
describe('isolation of an exposure, through real Envoys', () => {
  let loop: DataPlaneLoop;
  let cluster2: TestCluster;
  let cluster3: TestCluster;
  let sleep: RunningWorkload;

  beforeAll(async () => {
    // cluster-3 is a member of the mesh (same root), but no exposure names it.
    ({ loop, sleep } = await startSeedMesh([
      'cluster-1',
      'cluster-2',
      'cluster-3',
    ]));
    [, cluster2, cluster3] = loop.bed.clusters;
  });
  afterAll(async () => {
    await loop?.stop();
  });

  it('an unapproved cluster cannot reach svc-2 by its name: it does not resolve there', async () => {
    const sleep3 = await loop.dataPlane.addWorkload({
      cluster: cluster3.name,
      namespace: 'foo',
      name: 'sleep',
      app: 'sleep',
      ports: [{ name: 'http', port: 80 }],
    });
    const result = await curlFrom(loop.dataPlane, sleep3, SEED_URL);
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('Could not resolve host: svc-2.bar.global');
  });

  it("the caller's Envoy refuses a gateway whose certificate comes from a foreign root", async () => {
    // An impostor that took cluster-2's gateway address (its load balancer now reports it).
    const impostor = await loop.dataPlane.addWorkload({
      cluster: cluster2.name,
      namespace: 'impostor',
      name: 'gateway-impostor',
      app: 'sleep',
      ports: [{ name: 'tls', port: 15443 }],
      sidecar: false,
    });
    // Another mesh's root, made with openssl, and a certificate from it for svc-2's identity.
    const foreignRoot = opensslRootWithoutSki();
    const csr = tempDir();
    let files: { leaf: string; key: string };
    try {
      run(
        'openssl',
        [
          'req',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-subj',
          '/O=Foreign',
          '-keyout',
          'leaf.key',
          '-out',
          'leaf.csr',
        ],
        { cwd: csr.dir },
      );
      files = {
        leaf: opensslSignCsr({
          csrPem: read(csr.dir, 'leaf.csr'),
          root: foreignRoot,
          extensions: [
            'subjectAltName=URI:spiffe://cluster.local/ns/bar/sa/svc-2',
          ],
        }),
        key: read(csr.dir, 'leaf.key'),
      };
    } finally {
      csr.cleanup();
    }
    const dir = mkdtempSync(join(tmpdir(), 'crossmesh-impostor-'));
    writeFileSync(join(dir, 'leaf.pem'), files.leaf);
    writeFileSync(join(dir, 'leaf.key'), files.key);
    const server = loop.dataPlane.spawn(impostor, 'impostor', 'openssl', [
      's_server',
      '-accept',
      '15443',
      '-cert',
      join(dir, 'leaf.pem'),
      '-key',
      join(dir, 'leaf.key'),
      '-www',
    ]);
    const realGateway = cluster2.gatewayAddress;
    const reportGateway = (ip: string) =>
      loop.dataPlane.reportGatewayAddress(cluster2.name, ip);
    try {
      await reportGateway(impostor.node.address);
      await loop.reconcilePass();
      const refused = await eventually(
        "sleep's Envoy goes to the impostor and refuses its certificate",
        async () => {
          const result = await curlFrom(loop.dataPlane, sleep, SEED_URL);
          expect(result.status).toBe(503);
          // The impostor saw the handshake end with the caller's alert: its chain leads to a root
          // the caller does not trust.
          expect(readFileSync(server.logFile, 'utf8')).toMatch(
            /alert (unknown ca|bad certificate|certificate unknown)/,
          );
          return result;
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      process.stdout.write(
        `through an impostor gateway: HTTP ${refused.status}: ${
          refused.body
        }\nthe impostor's log:\n${readFileSync(server.logFile, 'utf8')}\n`,
      );
      // The impostor never saw a request: the handshake failed first.
      expect(readFileSync(server.logFile, 'utf8')).not.toContain('GET /');
    } finally {
      await reportGateway(realGateway);
      await loop.reconcilePass();
      rmSync(dir, { recursive: true, force: true });
    }
    await seedAnswers(loop, sleep);
  });

  /**
   * A workload of cluster-3 asks its own istiod for a certificate (any workload can) and opens
   * TLS to cluster-2's gateway with svc-2's SNI by hand, then sends a GET.
   */
  async function sniByHand(namespace: string) {
    const node = await loop.dataPlane.addWorkload(attacker(namespace));
    const issued = await workloadCertificate(cluster3, {
      namespace,
      serviceAccount: `attacker-${namespace}`,
    });
    const dir = mkdtempSync(join(tmpdir(), 'crossmesh-attacker-'));
    try {
      // The certificate for the key is the leaf; the others go along as its chain.
      const publicKey = createPublicKey(issued.keyPem).export({
        type: 'spki',
        format: 'der',
      });
      const certificates = certificatesIn(issued.certChain.join('\n'));
      const isLeaf = (c: X509Certificate) =>
        c.publicKey.export({ type: 'spki', format: 'der' }).equals(publicKey);
      const pems = (list: X509Certificate[]) =>
        list.map(c => c.toString()).join('');
      writeFileSync(join(dir, 'leaf.pem'), pems(certificates.filter(isLeaf)));
      writeFileSync(
        join(dir, 'chain.pem'),
        pems(certificates.filter(c => !isLeaf(c))),
      );
      writeFileSync(join(dir, 'key.pem'), issued.keyPem);
      const request =
        'GET / HTTP/1.1\\r\\nHost: svc-2.bar.global:8000\\r\\nConnection: close\\r\\n\\r\\n';
      const tls = [
        `-connect ${cluster2.gatewayAddress}:15443 -servername ${SNI}`,
        `-cert ${join(dir, 'leaf.pem')} -cert_chain ${join(
          dir,
          'chain.pem',
        )} -key ${join(dir, 'key.pem')}`,
        '-alpn istio-http/1.1',
      ].join(' ');
      const result = await loop.dataPlane.exec(node, 'sh', [
        '-c',
        `printf '${request}' | openssl s_client -quiet ${tls} 2>&1`,
      ]);
      return result.stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  // The gateway passes the SNI through and svc-2's sidecar sees the caller: crossmesh's
  // AuthorizationPolicy for the host refuses identities outside the approved namespaces (ADR 0021).
  it('an attacker in the unapproved cluster that sends the SNI by hand is refused unless it takes an approved namespace', async () => {
    const fromElsewhere = await sniByHand('evil');
    process.stdout.write(
      `SNI by hand from cluster-3/evil:\n${fromElsewhere}\n`,
    );
    expect(fromElsewhere).toMatch(/HTTP\/1\.1 403/);
    expect(fromElsewhere).toContain('RBAC: access denied');

    // The mesh has one trust domain: an identity names a namespace and a service account, not
    // a cluster. A cluster admin of a member cluster who makes namespace foo passes (see
    // docs/security.md): this is the limit of what a shared trust domain allows.
    const asConsumer = await sniByHand('foo');
    process.stdout.write(`SNI by hand from cluster-3/foo:\n${asConsumer}\n`);
    expect(asConsumer).toMatch(/HTTP\/1\.1 200/);
    expect(asConsumer).toContain(
      '"caller":"spiffe://cluster.local/ns/foo/sa/attacker-foo"',
    );
    expect(asConsumer).not.toContain(SLEEP_IDENTITY);
  });
});

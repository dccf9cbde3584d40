import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT_IMPORT_ERROR_CODES } from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  SECOND_PLATFORM_MEMBER,
  startCrossmeshTestBackend,
  usersWithDefaultOnPlatformTeam,
} from '../__testUtils__/testBackend';
import {
  base64Data,
  decode,
  handWriteSecret,
  opensslVerify,
  podTemplateAnnotations,
  readSecretAsAdmin,
} from '../__testUtils__/trustTestKit';

jest.setTimeout(180_000);

const KEK = 'a-test-key-encryption-secret-of-enough-length';

function certificatesIn(pem: string): X509Certificate[] {
  return (
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? []
  ).map(block => new X509Certificate(block));
}

const waitUntil = (iso: string) =>
  new Promise(resolve =>
    setTimeout(resolve, Math.max(0, Date.parse(iso) - Date.now()) + 50),
  );

describe('trust API against real API servers', () => {
  let bed: TestBed;
  const backends: Array<{ stop(): Promise<void> }> = [];
  const responses: string[] = [];

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
  });
  afterAll(async () => {
    await bed?.stop();
  });
  afterEach(async () => {
    await Promise.all(backends.splice(0).map(b => b.stop()));
  });
  // No answer of any case carries private key material: checked after each case, so the
  // check holds whatever order the cases run in (an error thrown here fails the case).
  afterEach(() => {
    const answers = responses.splice(0);
    const leaking = answers.filter(
      body => body.includes('PRIVATE KEY') || body.includes('sealedKey'),
    );
    if (answers.length === 0 || leaking.length > 0) {
      throw new Error(
        answers.length === 0
          ? 'the case sent no request, so nothing was checked for key material'
          : `answers carried private key material: ${leaking.join('\n')}`,
      );
    }
  });

  async function startBackend(trust: object) {
    const backend = await startCrossmeshTestBackend({
      kubernetes: bed.kubernetesConfig(),
      crossmesh: { trust },
      users: usersWithDefaultOnPlatformTeam,
      // Every response body is kept so the test can prove no key ever left the backend.
      onAnswer: (_call, answer) => responses.push(JSON.stringify(answer.body)),
    });
    backends.push(backend);
    return (
      method: 'get' | 'post' | 'put',
      path: string,
      body?: object,
      /** Default: the default mock user, a platform member. */
      user?: string,
    ) => {
      if (!user) return backend.call(method, path, body);
      const caller = backend.as(user);
      return method === 'get' ? caller.get(path) : caller[method](path, body);
    };
  }

  it('generates a root, signs each cluster its intermediate, writes cacerts that openssl verifies, and rotates the root', async () => {
    const call = await startBackend({
      keyEncryptionSecret: KEK,
      intermediateKeyType: 'rsa-2048',
      workloadCertificateTtl: '6s',
    });

    const root = await call('post', '/trust/root', { keyType: 'ecdsa-p256' });
    expect(root.body).toMatchObject({ state: 'active' });
    expect(root.status).toBe(201);
    expect(root.body).toMatchObject({
      state: 'active',
      source: 'generated',
      holdsKey: true,
    });
    expect(root.body).not.toHaveProperty('sealedKey');

    const again = await call('post', '/trust/root', {});
    expect(again.status).toBe(409);
    expect(again.body.error.message).toContain(
      'replace it with a root rotation',
    );

    for (const cluster of bed.clusters) {
      const issued = await call(
        'post',
        `/trust/clusters/${cluster.name}/intermediate`,
      );
      expect(issued.status).toBe(201);
      expect(issued.body.distribution).toMatchObject({
        cluster: cluster.name,
        changed: true,
        restarted: ['istiod', 'istio-ingressgateway'],
      });
      const secret = await readSecretAsAdmin(cluster);
      const files = decode(secret.data);
      expect(Object.keys(files).sort()).toEqual([
        'ca-cert.pem',
        'ca-key.pem',
        'cert-chain.pem',
        'root-cert.pem',
      ]);
      expect(files['root-cert.pem'].trim()).toBe(root.body.certPem.trim());
      expect(files['ca-cert.pem'].trim()).toBe(
        issued.body.intermediate.certPem.trim(),
      );
      expect(opensslVerify(files)).toEqual([
        'ca-cert.pem: OK',
        'ca-cert.pem: OK',
      ]);
      expect(new X509Certificate(files['ca-cert.pem']).subject).toContain(
        `L=${cluster.name}`,
      );
      expect(await podTemplateAnnotations(cluster, 'istiod')).toHaveProperty([
        'kubectl.kubernetes.io/restartedAt',
      ]);
    }

    const redistribute = await call('post', '/trust/distribute', {});
    expect(redistribute.status).toBe(200);
    expect(redistribute.body.items.map((d: any) => d.changed)).toEqual([
      false,
      false,
    ]);

    const drift = await call('get', '/trust/drift');
    expect(
      drift.body.items.map((i: any) => [i.cluster, i.drift, i.report.status]),
    ).toEqual([
      ['cluster-1', false, 'ok'],
      ['cluster-2', false, 'ok'],
    ]);

    // Istio's multi-root procedure: trust both, move intermediates, drop the old root.
    // Two people: the default user asks, another platform member confirms.
    const confirmedBySecond = (asked: { body: any }) =>
      call(
        'post',
        `/trust/confirmations/${asked.body.confirmation.id}/confirm`,
        { fingerprintSha256: asked.body.confirmation.fingerprintSha256 },
        SECOND_PLATFORM_MEMBER,
      );
    const asked = await call('post', '/trust/rotation', {
      keyType: 'ecdsa-p256',
    });
    expect(asked.status).toBe(202);
    const started = await confirmedBySecond(asked);
    expect(started.status).toBe(200);
    expect(started.body.rotation.phase).toBe('trusting-both');
    const state = await call('get', '/trust');
    const newRoot = state.body.roots.find((r: any) => r.state === 'incoming');
    // Every phase waits one workload-certificate lifetime after it took effect (ADR 0022).
    // Asked at once, before the slower checks of the files below, while it is still too early.
    expect(state.body.workloadCertificateTtlSeconds).toBe(6);
    const wait = state.body.rotationWait;
    // Each cluster's clock starts at its istiod's restart (whole seconds) or the phase's start.
    expect(wait.heldBackBy.length).toBeGreaterThan(0);
    expect(['cluster-1', 'cluster-2']).toEqual(
      expect.arrayContaining(wait.heldBackBy),
    );
    expect(Date.parse(wait.mayAdvanceAt) - Date.parse(wait.tookEffectAt)).toBe(
      6000,
    );
    const early = await call('post', '/trust/rotation/advance');
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe(
      `Workloads may still trust only the old root: istiod in ${wait.heldBackBy.join(
        ', ',
      )} serves both roots since ${
        wait.tookEffectAt
      }, and a workload takes new roots when it renews its certificate, within one workload-certificate lifetime (crossmesh.trust.workloadCertificateTtl: 6 s). The intermediates may move to the new root at ${
        wait.mayAdvanceAt
      }; ask again then`,
    );
    let files = decode((await readSecretAsAdmin(bed.clusters[0])).data);
    expect(
      certificatesIn(files['root-cert.pem'])
        .map(c => c.fingerprint256)
        .sort(),
    ).toEqual([root.body.fingerprintSha256, newRoot.fingerprintSha256].sort());
    expect(opensslVerify(files)).toEqual([
      'ca-cert.pem: OK',
      'ca-cert.pem: OK',
    ]);

    await waitUntil(wait.mayAdvanceAt);

    const moved = await call('post', '/trust/rotation/advance');
    expect(moved.body.rotation.phase).toBe('intermediates-moved');
    const movedWait = (await call('get', '/trust')).body.rotationWait;
    const tooSoon = await call('post', '/trust/rotation/advance');
    expect(tooSoon.status).toBe(409);
    expect(tooSoon.body.error.message).toContain(
      `The old root may be dropped at ${movedWait.mayAdvanceAt}; ask again then`,
    );
    files = decode((await readSecretAsAdmin(bed.clusters[1])).data);
    expect(
      new X509Certificate(files['ca-cert.pem']).verify(
        new X509Certificate(newRoot.certPem).publicKey,
      ),
    ).toBe(true);
    expect(certificatesIn(files['root-cert.pem'])).toHaveLength(2);
    expect(opensslVerify(files)).toEqual([
      'ca-cert.pem: OK',
      'ca-cert.pem: OK',
    ]);

    await waitUntil(movedWait.mayAdvanceAt);

    const drop = await call('post', '/trust/rotation/advance');
    expect(drop.status).toBe(202);
    const done = await confirmedBySecond(drop);
    expect(done.body.rotation.phase).toBe('idle');
    expect((await call('get', '/trust')).body.rotationWait).toBeNull();
    files = decode((await readSecretAsAdmin(bed.clusters[0])).data);
    expect(
      certificatesIn(files['root-cert.pem']).map(c => c.fingerprint256),
    ).toEqual([newRoot.fingerprintSha256]);
    expect(opensslVerify(files)).toEqual([
      'ca-cert.pem: OK',
      'ca-cert.pem: OK',
    ]);
    const finalState = await call('get', '/trust');
    expect(finalState.body.roots.map((r: any) => r.state).sort()).toEqual([
      'active',
      'retired',
    ]);

    const noMore = await call('post', '/trust/rotation/advance');
    expect(noMore.status).toBe(409);

    // Someone edits cluster-2's cacerts by hand: drift, per cluster, then repaired.
    const current = decode((await readSecretAsAdmin(bed.clusters[1])).data);
    await handWriteSecret(bed.clusters[1], {
      type: 'Opaque',
      data: base64Data({ ...current, 'extra.pem': 'added by hand' }),
    });
    const drifted = await call('get', '/trust/drift');
    expect(
      drifted.body.items.map((i: any) => [
        i.cluster,
        i.drift,
        i.replacedBySomeoneElse,
      ]),
    ).toEqual([
      ['cluster-1', false, false],
      ['cluster-2', true, true],
    ]);
    const repaired = await call('post', '/trust/distribute', {
      clusterName: 'cluster-2',
    });
    expect(repaired.body.items).toEqual([
      expect.objectContaining({ cluster: 'cluster-2', secretWritten: true }),
    ]);
    expect(
      Object.keys(
        decode((await readSecretAsAdmin(bed.clusters[1])).data),
      ).sort(),
    ).toEqual(['ca-cert.pem', 'ca-key.pem', 'cert-chain.pem', 'root-cert.pem']);
    const healed = await call('get', '/trust/drift');
    expect(healed.body.items.map((i: any) => i.drift)).toEqual([false, false]);

    const audit = await call('get', '/audit-events?limit=100');
    const actions = audit.body.items.map((e: any) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        'root.generated',
        'intermediate.signed',
        'cacerts.distributed',
        'rotation.started',
        'rotation.intermediates-moved',
        'rotation.completed',
      ]),
    );
    const signed = audit.body.items.find(
      (e: any) =>
        e.action === 'intermediate.signed' && e.clusterName === 'cluster-1',
    );
    expect(signed).toMatchObject({
      actor: expect.any(String),
      serial: expect.stringMatching(/^[0-9A-F]+$/),
      fingerprintSha256: expect.stringMatching(
        /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/,
      ),
      occurredAt: expect.any(String),
    });
    const byCluster = await call(
      'get',
      '/audit-events?clusterName=cluster-2&action=intermediate.signed',
    );
    expect(
      byCluster.body.items.every((e: any) => e.clusterName === 'cluster-2'),
    ).toBe(true);
    expect(byCluster.body.totalCount).toBe(2);
  });

  it('offline root: crossmesh makes the key and CSR, an operator signs with openssl, crossmesh verifies and distributes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crossmesh-offline-root-'));
    try {
      const openssl = (...args: string[]) =>
        execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
      writeFileSync(
        join(dir, 'root.cnf'),
        '[req]\ndistinguished_name=dn\nprompt=no\nx509_extensions=v3\n[dn]\nO=Istio\nCN=Root CA\n[v3]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\n',
      );
      openssl('genrsa', '-out', 'root-key.pem', '2048');
      openssl(
        'req',
        '-new',
        '-x509',
        '-days',
        '3650',
        '-key',
        'root-key.pem',
        '-config',
        'root.cnf',
        '-out',
        'root-cert.pem',
      );
      const rootCertPem = readFileSync(join(dir, 'root-cert.pem'), 'utf8');

      // The cluster-1 secret from the first test must not confuse this mesh: new database.
      const call = await startBackend({
        mode: 'offline-root',
        keyEncryptionSecret: KEK,
        intermediateKeyType: 'rsa-2048',
      });

      const withKey = await call('post', '/trust/root/import', {
        certPem: rootCertPem,
        keyPem: readFileSync(join(dir, 'root-key.pem'), 'utf8'),
      });
      expect(withKey.status).toBe(400);
      expect(withKey.body.error.message).toContain('offline-root mode');

      const imported = await call('post', '/trust/root/import', {
        certPem: rootCertPem,
      });
      expect(imported.status).toBe(201);
      expect(imported.body).toMatchObject({
        source: 'offline',
        holdsKey: false,
      });

      const cannotSign = await call(
        'post',
        '/trust/clusters/cluster-2/intermediate',
      );
      expect(cannotSign.status).toBe(409);

      const csr = await call('post', '/trust/clusters/cluster-2/csr');
      expect(csr.status).toBe(201);
      writeFileSync(join(dir, 'cluster-2.csr'), csr.body.csrPem);
      writeFileSync(
        join(dir, 'intermediate.ext'),
        'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectAltName=DNS:istiod.istio-system.svc\n',
      );
      openssl(
        'x509',
        '-req',
        '-in',
        'cluster-2.csr',
        '-CA',
        'root-cert.pem',
        '-CAkey',
        'root-key.pem',
        '-CAcreateserial',
        '-days',
        '365',
        '-extfile',
        'intermediate.ext',
        '-out',
        'cluster-2.pem',
      );

      const wrong = await call(
        'put',
        '/trust/clusters/cluster-2/intermediate',
        {
          certPem: rootCertPem,
        },
      );
      expect(wrong.status).toBe(400);

      const uploaded = await call(
        'put',
        '/trust/clusters/cluster-2/intermediate',
        {
          certPem: readFileSync(join(dir, 'cluster-2.pem'), 'utf8'),
        },
      );
      expect(uploaded.status).toBe(200);
      expect(uploaded.body.distribution).toMatchObject({
        cluster: 'cluster-2',
        changed: true,
      });
      const files = decode((await readSecretAsAdmin(bed.clusters[1])).data);
      expect(files['root-cert.pem'].trim()).toBe(rootCertPem.trim());
      expect(opensslVerify(files)).toEqual([
        'ca-cert.pem: OK',
        'ca-cert.pem: OK',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses bad roots with the failed check, and storing keys without a key-encryption secret', async () => {
    const noKek = await startBackend({ keyEncryptionSecret: undefined });
    const refused = await noKek('post', '/trust/root', {});
    expect(refused.status).toBe(503);
    expect(refused.body.error.message).toContain('keyEncryptionSecret');

    const call = await startBackend({ keyEncryptionSecret: KEK });
    const garbage = await call('post', '/trust/root/import', {
      certPem: 'not a certificate',
      keyPem: 'not a key',
    });
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.name).toBe('InputError');
    // The first check that fails is the certificate's, and the response says so.
    expect(garbage.body.error.code).toBe(ROOT_IMPORT_ERROR_CODES.certificate);

    const unknownField = await call('post', '/trust/root/import', {
      certPem: 'x',
      extra: 1,
    });
    expect(unknownField.status).toBe(400);

    const unknownCluster = await call(
      'post',
      '/trust/clusters/nope/intermediate',
    );
    expect(unknownCluster.status).toBe(404);
  });
});

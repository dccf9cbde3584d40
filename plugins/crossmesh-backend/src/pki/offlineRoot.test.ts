import { X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { buildCacerts } from './cacerts';
import { acceptSignedIntermediate, createIntermediateCsr } from './offlineRoot';
import { generateRootCa } from './rootCa';
import {
  cfsslInitCa,
  opensslSignCsr,
  opensslText,
  opensslVerifyCacerts,
  read,
  requireCfssl,
  run,
  tempDir,
  writeFiles,
} from '../__testUtils__/pkiTools';

jest.setTimeout(120_000);

const INTERMEDIATE_EXTENSIONS = [
  'basicConstraints = critical, CA:true, pathlen:0',
  'keyUsage = critical, keyCertSign, cRLSign',
  'subjectAltName = DNS:istiod.istio-system.svc',
  'subjectKeyIdentifier = hash',
  'authorityKeyIdentifier = keyid',
];

/** The message of the InputError `fn` throws; fails when it throws anything else. */
async function inputErrorMessage(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

describe('createIntermediateCsr', () => {
  it.each(['ecdsa-p256', 'rsa-2048'] as const)(
    'makes a %s CSR that openssl verifies, asking for the Istio extensions',
    async keyType => {
      const csr = await createIntermediateCsr({ clusterName: 'c-9', keyType });
      expect(csr.csrPem).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----/);
      expect(csr.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      const out = run('openssl', ['req', '-verify', '-noout', '-text'], {
        input: csr.csrPem,
      });
      expect(out).toMatch(/verify OK/);
      expect(out).toContain(
        'Subject: O = Istio, CN = Intermediate CA, L = c-9',
      );
      expect(out).toMatch(/Basic Constraints: critical\s+CA:TRUE, pathlen:0/);
      expect(out).toContain('DNS:istiod.istio-system.svc');
    },
  );

  it('defaults to RSA-4096', async () => {
    const csr = await createIntermediateCsr({ clusterName: 'c1' });
    expect(
      run('openssl', ['req', '-noout', '-text'], { input: csr.csrPem }),
    ).toContain('Public-Key: (4096 bit)');
  });
});

describe('acceptSignedIntermediate', () => {
  it('accepts a CSR signed offline by openssl (copying the requested extensions)', async () => {
    const root = await generateRootCa({ keyType: 'rsa-2048' });
    const csr = await createIntermediateCsr({
      clusterName: 'offline-1',
      keyType: 'ecdsa-p256',
    });
    const { dir, cleanup } = tempDir();
    let certPem: string;
    try {
      writeFiles(dir, {
        'req.csr': csr.csrPem,
        'root-cert.pem': root.certPem,
        'root-key.pem': root.keyPem,
      });
      run(
        'openssl',
        [
          'x509',
          '-req',
          '-in',
          'req.csr',
          '-CA',
          'root-cert.pem',
          '-CAkey',
          'root-key.pem',
          '-set_serial',
          '7',
          '-days',
          '30',
          '-copy_extensions',
          'copy',
          '-out',
          'ca-cert.pem',
        ],
        { cwd: dir },
      );
      certPem = read(dir, 'ca-cert.pem');
    } finally {
      cleanup();
    }
    const accepted = acceptSignedIntermediate({
      certPem,
      keyPem: csr.keyPem,
      rootCertPem: root.certPem,
    });
    expect(accepted.serial).toBe('07');
    expect(accepted.fingerprintSha256).toBe(
      new X509Certificate(certPem).fingerprint256,
    );
    const files = buildCacerts({
      intermediate: accepted,
      rootCertPems: [root.certPem],
    });
    expect(opensslVerifyCacerts({ ...files })).toEqual([
      'ca-cert.pem: OK',
      'ca-cert.pem: OK',
    ]);
    expect(opensslText(files['ca-cert.pem'])).toContain('L = offline-1');
  });

  it('accepts a CSR signed by cfssl sign -profile intermediate_ca', async () => {
    requireCfssl();
    const root = cfsslInitCa({ algo: 'ecdsa', size: 256 });
    const csr = await createIntermediateCsr({
      clusterName: 'cf-1',
      keyType: 'ecdsa-p256',
    });
    const { dir, cleanup } = tempDir();
    let certPem: string;
    try {
      writeFiles(dir, {
        'req.csr': csr.csrPem,
        'ca.pem': root.certPem,
        'ca-key.pem': root.keyPem,
        'config.json': JSON.stringify({
          signing: {
            default: { expiry: '8760h' },
            profiles: {
              intermediate_ca: {
                usages: ['cert sign', 'crl sign'],
                expiry: '8760h',
                ca_constraint: {
                  is_ca: true,
                  max_path_len: 0,
                  max_path_len_zero: true,
                },
              },
            },
          },
        }),
      });
      const out = run(
        'cfssl',
        [
          'sign',
          '-ca',
          'ca.pem',
          '-ca-key',
          'ca-key.pem',
          '-config',
          'config.json',
          '-profile',
          'intermediate_ca',
          'req.csr',
        ],
        { cwd: dir, stdoutOnly: true },
      );
      certPem = JSON.parse(out.replace(/^[^{]*/, '')).cert;
    } finally {
      cleanup();
    }
    const accepted = acceptSignedIntermediate({
      certPem,
      keyPem: csr.keyPem,
      rootCertPem: root.certPem,
    });
    const files = buildCacerts({
      intermediate: accepted,
      rootCertPems: [root.certPem],
    });
    expect(opensslVerifyCacerts({ ...files })).toEqual([
      'ca-cert.pem: OK',
      'ca-cert.pem: OK',
    ]);
  });

  it('accepts any of several roots (rotation) and a bundle upload', async () => {
    const oldRoot = await generateRootCa({ keyType: 'ecdsa-p256' });
    const newRoot = await generateRootCa({ keyType: 'ecdsa-p256' });
    const csr = await createIntermediateCsr({
      clusterName: 'c1',
      keyType: 'ecdsa-p256',
    });
    const certPem = opensslSignCsr({
      csrPem: csr.csrPem,
      root: newRoot,
      extensions: INTERMEDIATE_EXTENSIONS,
    });
    const accepted = acceptSignedIntermediate({
      certPem: certPem + newRoot.certPem,
      keyPem: csr.keyPem,
      rootCertPem: oldRoot.certPem + newRoot.certPem,
    });
    expect(accepted.certPem).toBe(new X509Certificate(certPem).toString());
  });

  it('refuses a certificate signed by another root', async () => {
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    const stranger = await generateRootCa({
      keyType: 'ecdsa-p256',
      subject: { organization: 'Stranger', commonName: 'Other Root' },
    });
    const csr = await createIntermediateCsr({
      clusterName: 'c1',
      keyType: 'ecdsa-p256',
    });
    const certPem = opensslSignCsr({
      csrPem: csr.csrPem,
      root: stranger,
      extensions: INTERMEDIATE_EXTENSIONS,
    });
    expect(
      await inputErrorMessage(() =>
        acceptSignedIntermediate({
          certPem,
          keyPem: csr.keyPem,
          rootCertPem: root.certPem,
        }),
      ),
    ).toMatch(
      /^Uploaded intermediate certificate does not chain to the mesh root: it was issued by "O=Stranger, CN=Other Root"/,
    );
    // Same subject, different key: names match but the signature does not.
    const lookalike = await generateRootCa({ keyType: 'ecdsa-p256' });
    const certFromLookalike = opensslSignCsr({
      csrPem: csr.csrPem,
      root: lookalike,
      extensions: INTERMEDIATE_EXTENSIONS,
    });
    expect(
      await inputErrorMessage(() =>
        acceptSignedIntermediate({
          certPem: certFromLookalike,
          keyPem: csr.keyPem,
          rootCertPem: root.certPem,
        }),
      ),
    ).toMatch(/does not chain to the mesh root/);
  });

  it('refuses a key that does not belong to the certificate', async () => {
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    const csr = await createIntermediateCsr({
      clusterName: 'c1',
      keyType: 'ecdsa-p256',
    });
    const otherCsr = await createIntermediateCsr({
      clusterName: 'c1',
      keyType: 'ecdsa-p256',
    });
    const certPem = opensslSignCsr({
      csrPem: csr.csrPem,
      root,
      extensions: INTERMEDIATE_EXTENSIONS,
    });
    expect(
      await inputErrorMessage(() =>
        acceptSignedIntermediate({
          certPem,
          keyPem: otherCsr.keyPem,
          rootCertPem: root.certPem,
        }),
      ),
    ).toMatch(
      /^Intermediate CA key \(the one the CSR was made with\) does not match Uploaded intermediate certificate/,
    );
  });

  it('accepts an intermediate signed by a machine whose clock runs up to 5 minutes ahead', async () => {
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    const csr = await createIntermediateCsr({
      clusterName: 'c1',
      keyType: 'ecdsa-p256',
    });
    // openssl x509 -req starts validity at the signing machine's "now".
    const certPem = opensslSignCsr({
      csrPem: csr.csrPem,
      root,
      extensions: INTERMEDIATE_EXTENSIONS,
    });
    const notBefore = new Date(new X509Certificate(certPem).validFrom);
    const upload = (minutesBehind: number) =>
      acceptSignedIntermediate({
        certPem,
        keyPem: csr.keyPem,
        rootCertPem: root.certPem,
        now: new Date(notBefore.getTime() - minutesBehind * 60_000),
      });

    expect(upload(0.5).notBefore).toBe(
      notBefore.toISOString().replace('.000Z', 'Z'),
    );
    expect(upload(5).serial).toBe('1092');
    expect(await inputErrorMessage(() => upload(6))).toMatch(
      /^Uploaded intermediate certificate is not yet valid: its validity starts .*, 6 minutes after this server's clock; crossmesh allows 5 minutes of clock skew/,
    );
  });

  it('refuses a certificate that is not a CA, lacks pathlen:0 or keyCertSign, or has expired', async () => {
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    const csr = await createIntermediateCsr({
      clusterName: 'c1',
      keyType: 'ecdsa-p256',
    });
    const signWith = (extensions: string[]) =>
      opensslSignCsr({ csrPem: csr.csrPem, root, extensions });
    const accept = (certPem: string, now?: Date) =>
      acceptSignedIntermediate({
        certPem,
        keyPem: csr.keyPem,
        rootCertPem: root.certPem,
        now,
      });

    expect(
      await inputErrorMessage(() =>
        accept(signWith(['basicConstraints = critical, CA:false'])),
      ),
    ).toMatch(
      /^Uploaded intermediate certificate is not a CA certificate: basicConstraints CA:TRUE is missing/,
    );
    expect(
      await inputErrorMessage(() =>
        accept(signWith(['basicConstraints = critical, CA:true'])),
      ),
    ).toMatch(
      /^Uploaded intermediate certificate must have basicConstraints pathlen:0 .* but it has no pathlen/,
    );
    expect(
      await inputErrorMessage(() =>
        accept(signWith(['basicConstraints = critical, CA:true, pathlen:1'])),
      ),
    ).toMatch(/but it has pathlen:1/);
    expect(
      await inputErrorMessage(() =>
        accept(
          signWith([
            'basicConstraints = critical, CA:true, pathlen:0',
            'keyUsage = critical, digitalSignature',
          ]),
        ),
      ),
    ).toMatch(
      /^Uploaded intermediate certificate may not sign certificates: its keyUsage lacks keyCertSign/,
    );
    expect(
      await inputErrorMessage(() =>
        accept(
          signWith(INTERMEDIATE_EXTENSIONS),
          new Date(Date.now() + 40 * 86_400_000),
        ),
      ),
    ).toMatch(/^Uploaded intermediate certificate has expired/);
    expect(
      await inputErrorMessage(() =>
        acceptSignedIntermediate({
          certPem: 'garbage',
          keyPem: csr.keyPem,
          rootCertPem: root.certPem,
        }),
      ),
    ).toMatch(/^Uploaded intermediate certificate is not a PEM certificate/);
  });
});

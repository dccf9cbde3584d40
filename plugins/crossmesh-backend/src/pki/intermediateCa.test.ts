import { X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { buildCacerts } from './cacerts';
import { issueIntermediateCa } from './intermediateCa';
import { generateRootCa, importRootCa } from './rootCa';
import {
  cfsslInitCa,
  istioMakefileRoot,
  opensslAddSki,
  opensslRootWithoutSki,
  opensslText,
  opensslVerifyCacerts,
  opensslVerifyStrict,
  requireCfssl,
  run,
  tempDir,
  writeFiles,
} from '../__testUtils__/pkiTools';

jest.setTimeout(120_000);

const OK = ['ca-cert.pem: OK', 'ca-cert.pem: OK'];

describe('issueIntermediateCa', () => {
  it('follows the Istio conventions (RSA-4096 by default)', async () => {
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    const now = new Date();
    const intermediate = await issueIntermediateCa({
      root,
      clusterName: 'cluster-east',
      now,
    });
    const cert = new X509Certificate(intermediate.certPem);
    const rootCert = new X509Certificate(root.certPem);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(cert.checkIssued(rootCert)).toBe(true);
    expect(cert.verify(rootCert.publicKey)).toBe(true);
    expect(intermediate.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(intermediate.serial).toBe(cert.serialNumber.toUpperCase());
    expect(intermediate.fingerprintSha256).toBe(cert.fingerprint256);
    expect(new Date(intermediate.notAfter).getTime()).toBe(
      Math.floor(now.getTime() / 1000) * 1000 + 730 * 86_400_000,
    );

    const text = opensslText(intermediate.certPem);
    expect(text).toContain(
      'Subject: O = Istio, CN = Intermediate CA, L = cluster-east',
    );
    expect(text).toContain('Issuer: O = Istio, CN = Root CA');
    expect(text).toMatch(
      /X509v3 Basic Constraints: critical\s+CA:TRUE, pathlen:0/,
    );
    expect(text).toMatch(
      /X509v3 Key Usage: critical\s+Certificate Sign, CRL Sign/,
    );
    expect(text).toMatch(
      /X509v3 Subject Alternative Name:\s+DNS:istiod.istio-system.svc/,
    );
    expect(text).toContain('ecdsa-with-SHA256');
    // AKI = the root's SKI.
    const rootSki = opensslText(root.certPem).match(
      /Subject Key Identifier:\s+([0-9A-F:]+)/,
    )![1];
    expect(text).toMatch(
      new RegExp(`Authority Key Identifier:\\s+(keyid:)?${rootSki}`),
    );
  });

  it.each([
    ['rsa-2048', 'rsa-2048'],
    ['rsa-2048', 'ecdsa-p256'],
    ['ecdsa-p256', 'rsa-2048'],
    ['ecdsa-p256', 'ecdsa-p256'],
    ['rsa-4096', 'rsa-4096'],
  ] as const)(
    '%s root, %s intermediate: openssl verifies the cacerts files',
    async (rootKeyType, keyType) => {
      const root = await generateRootCa({ keyType: rootKeyType });
      const intermediate = await issueIntermediateCa({
        root,
        clusterName: 'c1',
        keyType,
      });
      const files = buildCacerts({
        intermediate,
        rootCertPems: [root.certPem],
      });
      expect(opensslVerifyCacerts({ ...files })).toEqual(OK);
      const text = opensslText(files['ca-cert.pem']);
      expect(text).toMatch(/CA:TRUE, pathlen:0/);
      expect(text).toContain('DNS:istiod.istio-system.svc');
      expect(text).toContain('L = c1');
    },
  );

  it.each([
    ['cfssl ECDSA P-256', () => cfsslInitCa({ algo: 'ecdsa', size: 256 })],
    ['cfssl RSA 2048', () => cfsslInitCa({ algo: 'rsa', size: 2048 })],
    ['Istio Makefile (openssl, RSA 4096)', () => istioMakefileRoot()],
  ])(
    'issues from an imported %s root; openssl verifies',
    async (_label, makeRoot) => {
      const made = makeRoot();
      const root = importRootCa(made.certPem, made.keyPem);
      const intermediate = await issueIntermediateCa({
        // Also accepts the key as the tool wrote it.
        root: { certPem: made.certPem, keyPem: made.keyPem },
        clusterName: 'cluster-west',
        keyType: 'ecdsa-p256',
      });
      const files = buildCacerts({
        intermediate,
        rootCertPems: [root.certPem],
      });
      expect(opensslVerifyCacerts({ ...files })).toEqual(OK);
      expect(opensslText(files['ca-cert.pem'])).toContain(
        'Subject: O = Istio, CN = Intermediate CA, L = cluster-west',
      );
    },
  );

  it('passes openssl -x509_strict and the Go x509 parser (cfssl certinfo)', async () => {
    requireCfssl();
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    const intermediate = await issueIntermediateCa({
      root,
      clusterName: 'go-check',
      keyType: 'ecdsa-p256',
    });
    const { dir, cleanup } = tempDir();
    try {
      writeFiles(dir, {
        'root-cert.pem': root.certPem,
        'ca-cert.pem': intermediate.certPem,
      });
      expect(
        run(
          'openssl',
          ['verify', '-x509_strict', '-CAfile', 'root-cert.pem', 'ca-cert.pem'],
          { cwd: dir },
        ).trim(),
      ).toBe('ca-cert.pem: OK');
      const info = JSON.parse(
        run('cfssl', ['certinfo', '-cert', 'ca-cert.pem'], {
          cwd: dir,
          stdoutOnly: true,
        }),
      );
      expect(info.subject).toMatchObject({
        common_name: 'Intermediate CA',
        organization: 'Istio',
        locality: 'go-check',
      });
      expect(info.sans).toEqual(['istiod.istio-system.svc']);
      expect(info.authority_key_id).toBe(
        JSON.parse(
          run('cfssl', ['certinfo', '-cert', 'root-cert.pem'], {
            cwd: dir,
            stdoutOnly: true,
          }),
        ).subject_key_id,
      );
    } finally {
      cleanup();
    }
  });

  it.each([
    ['generated RSA-2048', () => generateRootCa({ keyType: 'rsa-2048' })],
    ['generated ECDSA P-256', () => generateRootCa({ keyType: 'ecdsa-p256' })],
    [
      'cfssl ECDSA P-256',
      async () => cfsslInitCa({ algo: 'ecdsa', size: 256 }),
    ],
    ['cfssl RSA 2048', async () => cfsslInitCa({ algo: 'rsa', size: 2048 })],
    ['Istio Makefile', async () => istioMakefileRoot({ bits: 2048 })],
    [
      'openssl req -x509 without a Subject Key Identifier, once re-signed with one',
      async () => {
        const root = opensslRootWithoutSki();
        return { certPem: opensslAddSki(root), keyPem: root.keyPem };
      },
    ],
  ])(
    'what it issues under a %s root passes openssl verify -x509_strict',
    async (_label, makeRoot) => {
      const root = await makeRoot();
      expect(importRootCa(root.certPem, root.keyPem).warnings).toEqual([]);
      const intermediate = await issueIntermediateCa({
        root,
        clusterName: 'strict',
        keyType: 'ecdsa-p256',
      });
      expect(opensslVerifyStrict(root.certPem, intermediate.certPem)).toBe(
        'ca-cert.pem: OK',
      );
    },
  );

  it('derives the Authority Key Identifier from the root’s key when the root has no Subject Key Identifier', async () => {
    const root = opensslRootWithoutSki();
    expect(opensslText(root.certPem)).not.toContain('Key Identifier');
    const intermediate = await issueIntermediateCa({
      root,
      clusterName: 'no-ski',
      keyType: 'ecdsa-p256',
    });

    // openssl computes the same key id for the root once it carries one (RFC 5280 method 1).
    const rootWithSki = opensslAddSki(root);
    const ski = opensslText(rootWithSki).match(
      /Subject Key Identifier:\s+([0-9A-F:]+)/,
    )![1];
    expect(opensslText(intermediate.certPem)).toMatch(
      new RegExp(`Authority Key Identifier:\\s+(keyid:)?${ski}`),
    );
    expect(opensslVerifyStrict(rootWithSki, intermediate.certPem)).toBe(
      'ca-cert.pem: OK',
    );
    // Against the root as it is, -x509_strict finds nothing wrong with what crossmesh
    // issued (depth 0); only the root's own missing key id (depth 1) remains, which is
    // why importing such a root warns.
    const strict = opensslVerifyStrict(root.certPem, intermediate.certPem);
    expect(strict).not.toMatch(/at 0 depth/);
    expect(strict).toContain(
      'error 86 at 1 depth lookup: Missing Subject Key Identifier',
    );
    expect(importRootCa(root.certPem, root.keyPem).warnings).toEqual([
      expect.stringMatching(
        /^Root CA certificate has no Subject Key Identifier, so "openssl verify -x509_strict" \(RFC 5280 section 4\.2\.1\.2\) rejects every chain to it\..*openssl x509 -in root-cert\.pem -signkey root-key\.pem -extfile <\(echo subjectKeyIdentifier=hash\)/,
      ),
    ]);
  });

  it('never outlives its root', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const root = await generateRootCa({
      keyType: 'ecdsa-p256',
      validityDays: 100,
      now,
    });
    const intermediate = await issueIntermediateCa({
      root,
      clusterName: 'c1',
      keyType: 'ecdsa-p256',
      now,
    });
    expect(intermediate.notAfter).toBe('2030-04-11T00:00:00Z');
    expect(intermediate.notBefore).toBe('2029-12-31T23:55:00Z');
  });

  it('refuses a bad root or bad options', async () => {
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    const other = await generateRootCa({ keyType: 'ecdsa-p256' });
    await expect(
      issueIntermediateCa({
        root: { certPem: root.certPem, keyPem: other.keyPem },
        clusterName: 'c1',
      }),
    ).rejects.toThrow(/^Root CA key does not match Root CA certificate/);
    await expect(
      issueIntermediateCa({ root, clusterName: '' }),
    ).rejects.toThrow(InputError);
    await expect(
      issueIntermediateCa({ root, clusterName: 'a\nb' }),
    ).rejects.toThrow(/clusterName must be 1 to 128 printable characters/);
    await expect(
      issueIntermediateCa({ root, clusterName: 'c1', validityDays: 1.5 }),
    ).rejects.toThrow(/validityDays must be a whole number/);
  });
});

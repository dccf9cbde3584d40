import { createPrivateKey, X509Certificate } from 'node:crypto';
import { InputError } from '@backstage/errors';
import { rootImportFieldOf } from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  generateRootCa,
  importOfflineRootCertificate,
  importRootCa,
} from './rootCa';
import {
  cfsslInitCa,
  istioMakefileClusterFolder,
  istioMakefileRoot,
  opensslText,
  run,
  tempDir,
  read,
} from '../__testUtils__/pkiTools';

jest.setTimeout(120_000);

/** The message of the InputError `fn` throws; fails when it throws anything else. */
function inputErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.message;
    throw e;
  }
  throw new Error('expected an InputError, but nothing was thrown');
}

describe('generateRootCa', () => {
  it.each(['rsa-2048', 'ecdsa-p256'] as const)(
    'makes a self-signed %s CA with the Istio defaults',
    async keyType => {
      const root = await generateRootCa({ keyType });
      const cert = new X509Certificate(root.certPem);
      expect(cert.ca).toBe(true);
      expect(cert.subject).toBe('O=Istio\nCN=Root CA');
      expect(cert.verify(cert.publicKey)).toBe(true);
      expect(cert.checkPrivateKey(createPrivateKey(root.keyPem))).toBe(true);
      expect(root.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);

      const text = opensslText(root.certPem);
      expect(text).toMatch(/Basic Constraints: critical\s+CA:TRUE\s/);
      expect(text).toMatch(/Key Usage: critical\s+Certificate Sign, CRL Sign/);
      expect(text).toMatch(/Subject Key Identifier/);
      expect(text).toContain('Subject: O = Istio, CN = Root CA');
      expect(text).toContain(
        keyType === 'rsa-2048'
          ? 'sha256WithRSAEncryption'
          : 'ecdsa-with-SHA256',
      );

      // openssl accepts it as a trust anchor for itself.
      const { dir, cleanup } = tempDir();
      try {
        require('node:fs').writeFileSync(`${dir}/root.pem`, root.certPem);
        expect(
          run(
            'openssl',
            ['verify', '-x509_strict', '-CAfile', 'root.pem', 'root.pem'],
            { cwd: dir },
          ).trim(),
        ).toBe('root.pem: OK');
        expect(read(dir, 'root.pem')).toBe(root.certPem);
      } finally {
        cleanup();
      }
    },
  );

  it('makes RSA-4096 keys and honours subject and validity', async () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const root = await generateRootCa({
      keyType: 'rsa-4096',
      validityDays: 100,
      subject: { organization: 'Acme', commonName: 'Mesh Root', country: 'DE' },
      now,
    });
    const cert = new X509Certificate(root.certPem);
    expect(cert.publicKey.asymmetricKeyDetails?.modulusLength).toBe(4096);
    expect(cert.subject).toBe('C=DE\nO=Acme\nCN=Mesh Root');
    expect(new Date(cert.validTo).toISOString()).toBe(
      '2030-04-11T00:00:00.000Z',
    );
    // Backdated five minutes for clock skew.
    expect(new Date(cert.validFrom).toISOString()).toBe(
      '2029-12-31T23:55:00.000Z',
    );
  });

  it('makes validity dates from 2050 on as GeneralizedTime', async () => {
    const root = await generateRootCa({
      keyType: 'ecdsa-p256',
      now: new Date('2045-06-01T00:00:00Z'),
    });
    expect(
      new Date(new X509Certificate(root.certPem).validTo).getUTCFullYear(),
    ).toBe(2055);
  });

  it('refuses bad options', async () => {
    await expect(generateRootCa({ keyType: 'dsa' as any })).rejects.toThrow(
      /Unsupported keyType "dsa"/,
    );
    await expect(
      generateRootCa({ keyType: 'ecdsa-p256', validityDays: 0 }),
    ).rejects.toThrow(/validityDays must be a whole number/);
    await expect(
      generateRootCa({ keyType: 'ecdsa-p256', subject: {} }),
    ).rejects.toThrow(InputError);
  });
});

describe('importRootCa', () => {
  it('normalizes a generated root', async () => {
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    const imported = importRootCa(root.certPem, root.keyPem);
    const cert = new X509Certificate(root.certPem);
    expect(imported).toEqual({
      certPem: root.certPem,
      keyPem: root.keyPem,
      keyType: 'ecdsa-p256',
      fingerprintSha256: cert.fingerprint256,
      serial: cert.serialNumber.toUpperCase(),
      notAfter: new Date(cert.validTo).toISOString().replace('.000Z', 'Z'),
      subject: 'O=Istio, CN=Root CA',
      warnings: [],
    });
  });

  it('accepts a cfssl ECDSA root (SEC1 key) and returns PKCS#8', () => {
    const root = cfsslInitCa({ algo: 'ecdsa', size: 256 });
    expect(root.keyPem).toContain('BEGIN EC PRIVATE KEY');
    const imported = importRootCa(root.certPem, root.keyPem);
    expect(imported.keyType).toBe('ecdsa-p256');
    expect(imported.subject).toBe('O=Istio, CN=Root CA');
    expect(imported.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('accepts a cfssl RSA root (PKCS#1 key)', () => {
    const root = cfsslInitCa({ algo: 'rsa', size: 2048 });
    expect(root.keyPem).toContain('BEGIN RSA PRIVATE KEY');
    expect(importRootCa(root.certPem, root.keyPem).keyType).toBe('rsa-2048');
  });

  it('accepts a root made like Istio tools/certs (RSA 4096, PKCS#8 key)', () => {
    const root = istioMakefileRoot();
    const imported = importRootCa(root.certPem, root.keyPem);
    expect(imported.keyType).toBe('rsa-4096');
    expect(imported.subject).toBe('O=Istio, CN=Root CA');
  });

  it('accepts an EC key with an EC PARAMETERS block and a PKCS#1 RSA key from openssl', () => {
    const { dir, cleanup } = tempDir();
    try {
      const ecKey = run(
        'openssl',
        ['ecparam', '-name', 'prime256v1', '-genkey'],
        { stdoutOnly: true },
      );
      expect(ecKey).toContain('BEGIN EC PARAMETERS');
      require('node:fs').writeFileSync(`${dir}/ec.pem`, ecKey);
      const ecCert = run(
        'openssl',
        [
          'req',
          '-x509',
          '-new',
          '-key',
          `${dir}/ec.pem`,
          '-subj',
          '/O=Istio/CN=Root CA',
          '-days',
          '10',
          '-addext',
          'basicConstraints=critical,CA:true',
          '-addext',
          'keyUsage=critical,keyCertSign,cRLSign',
        ],
        { stdoutOnly: true },
      );
      expect(importRootCa(ecCert, ecKey).keyType).toBe('ecdsa-p256');

      const rsaKey = run('openssl', ['genrsa', '-traditional', '2048'], {
        stdoutOnly: true,
      });
      expect(rsaKey).toContain('BEGIN RSA PRIVATE KEY');
      require('node:fs').writeFileSync(`${dir}/rsa.pem`, rsaKey);
      const rsaCert = run(
        'openssl',
        [
          'req',
          '-x509',
          '-new',
          '-key',
          `${dir}/rsa.pem`,
          '-subj',
          '/O=Istio/CN=Root CA',
          '-days',
          '10',
          '-addext',
          'basicConstraints=critical,CA:true',
        ],
        { stdoutOnly: true },
      );
      // No keyUsage at all is acceptable.
      expect(importRootCa(rsaCert, rsaKey).keyType).toBe('rsa-2048');
    } finally {
      cleanup();
    }
  });

  it('refuses garbage PEM', async () => {
    const root = await generateRootCa({ keyType: 'ecdsa-p256' });
    expect(inputErrorMessage(() => importRootCa('hello', root.keyPem))).toMatch(
      /^Root CA certificate is not a PEM certificate: expected a "-----BEGIN CERTIFICATE-----" block/,
    );
    expect(
      inputErrorMessage(() =>
        importRootCa(
          '-----BEGIN CERTIFICATE-----\nTUlJQm9nYXJiYWdl\n-----END CERTIFICATE-----\n',
          root.keyPem,
        ),
      ),
    ).toMatch(
      /^Root CA certificate could not be parsed as an X.509 certificate/,
    );
    expect(
      inputErrorMessage(() => importRootCa(root.certPem, 'not a key')),
    ).toMatch(/^Root CA key is not a PEM private key/);
    expect(
      inputErrorMessage(() =>
        importRootCa(
          root.certPem,
          '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n',
        ),
      ),
    ).toMatch(/^Root CA key could not be parsed as a PRIVATE KEY/);
    expect(
      inputErrorMessage(() =>
        importRootCa(`${root.certPem}${root.certPem}`, root.keyPem),
      ),
    ).toMatch(/holds 2 certificates; provide exactly one/);
  });

  it('refuses an encrypted key', () => {
    const key = run(
      'openssl',
      [
        'genpkey',
        '-algorithm',
        'EC',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-aes256',
        '-pass',
        'pass:secret',
      ],
      { stdoutOnly: true },
    );
    const root = istioMakefileRoot({ bits: 2048 });
    expect(inputErrorMessage(() => importRootCa(root.certPem, key))).toMatch(
      /^Root CA key is encrypted with a passphrase; decrypt it first/,
    );
  });

  it('refuses a certificate that is not a CA', () => {
    const root = istioMakefileRoot({
      bits: 2048,
      basicConstraints: 'critical, CA:false',
    });
    expect(
      inputErrorMessage(() => importRootCa(root.certPem, root.keyPem)),
    ).toMatch(
      /^Root CA certificate is not a CA certificate: basicConstraints CA:TRUE is missing/,
    );
  });

  it('refuses a CA without keyCertSign', () => {
    const root = istioMakefileRoot({
      bits: 2048,
      keyUsage: 'critical, digitalSignature, keyEncipherment',
    });
    expect(
      inputErrorMessage(() => importRootCa(root.certPem, root.keyPem)),
    ).toMatch(
      /^Root CA certificate may not sign certificates: its keyUsage lacks keyCertSign/,
    );
  });

  it('refuses a root with pathlen:0', () => {
    const root = istioMakefileRoot({
      bits: 2048,
      basicConstraints: 'critical, CA:true, pathlen:0',
    });
    expect(
      inputErrorMessage(() => importRootCa(root.certPem, root.keyPem)),
    ).toMatch(/has pathlen:0, so it may not sign intermediate CAs/);
  });

  it('refuses a key that does not match', async () => {
    const a = await generateRootCa({ keyType: 'ecdsa-p256' });
    const b = await generateRootCa({ keyType: 'ecdsa-p256' });
    const rsa = await generateRootCa({ keyType: 'rsa-2048' });
    expect(inputErrorMessage(() => importRootCa(a.certPem, b.keyPem))).toMatch(
      /^Root CA key does not match Root CA certificate/,
    );
    expect(
      inputErrorMessage(() => importRootCa(a.certPem, rsa.keyPem)),
    ).toMatch(/^Root CA key does not match Root CA certificate/);
  });

  it('names the field each failed check is about, for the form to show it there', async () => {
    const a = await generateRootCa({ keyType: 'ecdsa-p256' });
    const b = await generateRootCa({ keyType: 'ecdsa-p256' });
    const notCa = istioMakefileRoot({
      bits: 2048,
      basicConstraints: 'critical, CA:false',
    });
    const fieldOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return rootImportFieldOf((e as { code?: unknown }).code);
      }
      throw new Error('expected the import to be refused');
    };
    expect(fieldOf(() => importRootCa('hello', a.keyPem))).toBe('certificate');
    expect(fieldOf(() => importRootCa(notCa.certPem, notCa.keyPem))).toBe(
      'certificate',
    );
    expect(fieldOf(() => importRootCa(a.certPem, 'not a key'))).toBe('key');
    expect(fieldOf(() => importRootCa(a.certPem, b.keyPem))).toBe('key');
    expect(fieldOf(() => importOfflineRootCertificate(notCa.certPem))).toBe(
      'certificate',
    );
  });

  it('refuses an expired or not yet valid root', async () => {
    const root = await generateRootCa({
      keyType: 'ecdsa-p256',
      validityDays: 1,
      now: new Date('2020-01-01T00:00:00Z'),
    });
    expect(
      inputErrorMessage(() => importRootCa(root.certPem, root.keyPem)),
    ).toMatch(
      /^Root CA certificate has expired: it was valid until 2020-01-02T00:00:00Z/,
    );
    expect(
      inputErrorMessage(() =>
        importRootCa(
          root.certPem,
          root.keyPem,
          new Date('2019-01-01T00:00:00Z'),
        ),
      ),
    ).toMatch(
      /^Root CA certificate is not yet valid: its validity starts 2019-12-31T23:55:00Z/,
    );
  });
});

describe('clock skew', () => {
  const MINUTE = 60_000;

  it('accepts a root whose validity starts up to 5 minutes ahead of this server’s clock', () => {
    // openssl x509 -req starts validity at the signing machine's "now", without back-dating.
    const root = istioMakefileRoot({ bits: 2048 });
    const notBefore = new Date(new X509Certificate(root.certPem).validFrom);
    const behind = (minutes: number) =>
      new Date(notBefore.getTime() - minutes * MINUTE);

    expect(importRootCa(root.certPem, root.keyPem, behind(2)).subject).toBe(
      'O=Istio, CN=Root CA',
    );
    expect(importOfflineRootCertificate(root.certPem, behind(4)).subject).toBe(
      'O=Istio, CN=Root CA',
    );
    expect(
      inputErrorMessage(() =>
        importRootCa(root.certPem, root.keyPem, behind(7)),
      ),
    ).toMatch(
      /^Root CA certificate is not yet valid: its validity starts .*, 7 minutes after this server's clock; crossmesh allows 5 minutes of clock skew\. Check the clocks of this server and of the machine that signed it/,
    );
  });
});

describe('a cluster folder of Istio’s tools/certs offered as the root', () => {
  // Istio's multicluster guide: `make -f tools/certs/Makefile.selfsigned.mk root-ca` makes
  // root-cert.pem and root-key.pem; `make cluster1-cacerts` makes cluster1/ with ca-cert.pem,
  // ca-key.pem (the intermediate's key), cert-chain.pem and a copy of root-cert.pem.
  let root: { certPem: string; keyPem: string };
  let cluster1: ReturnType<typeof istioMakefileClusterFolder>;

  beforeAll(() => {
    root = istioMakefileRoot({ bits: 2048 });
    cluster1 = istioMakefileClusterFolder(root, 'cluster1', 2048);
  });

  it('root-cert.pem with ca-key.pem: says ca-key.pem is the intermediate’s key and to use root-key.pem', () => {
    expect(
      inputErrorMessage(() =>
        importRootCa(cluster1['root-cert.pem'], cluster1['ca-key.pem']),
      ),
    ).toMatch(
      /^Root CA key does not match Root CA certificate: the key's public half differs from the certificate's\. The root has the subject of Istio's tools\/certs root \("O=Istio, CN=Root CA"\): if the key is ca-key\.pem from a cluster folder \(cluster1\/ in Istio's multicluster guide\), that file is the cluster's intermediate CA key, not the root's\. Use root-key\.pem, made by "make -f tools\/certs\/Makefile\.selfsigned\.mk root-ca" next to root-cert\.pem\./,
    );
  });

  it('cert-chain.pem with ca-key.pem: names the certificate the key belongs to', () => {
    expect(
      inputErrorMessage(() =>
        importRootCa(cluster1['cert-chain.pem'], cluster1['ca-key.pem']),
      ),
    ).toBe(
      'Root CA certificate holds 2 certificates, and Root CA key belongs to the first, "O=Istio, CN=Intermediate CA, L=cluster1", an intermediate CA issued by "O=Istio, CN=Root CA": these are cert-chain.pem and ca-key.pem of a cluster folder (Istio\'s tools/certs keeps the intermediate\'s key in ca-key.pem). Import the root alone: root-cert.pem with root-key.pem, made by "make -f tools/certs/Makefile.selfsigned.mk root-ca".',
    );
  });

  it('ca-cert.pem with ca-key.pem: says it is the cluster’s intermediate', () => {
    expect(
      inputErrorMessage(() =>
        importRootCa(cluster1['ca-cert.pem'], cluster1['ca-key.pem']),
      ),
    ).toBe(
      'Root CA certificate "O=Istio, CN=Intermediate CA, L=cluster1" is an intermediate CA issued by "O=Istio, CN=Root CA", not a root: these are ca-cert.pem and ca-key.pem of a cluster folder (Istio\'s tools/certs keeps the intermediate\'s key in ca-key.pem). Import the root alone: root-cert.pem with root-key.pem, made by "make -f tools/certs/Makefile.selfsigned.mk root-ca".',
    );
  });

  it('still imports the right pair', () => {
    expect(importRootCa(cluster1['root-cert.pem'], root.keyPem).subject).toBe(
      'O=Istio, CN=Root CA',
    );
  });
});

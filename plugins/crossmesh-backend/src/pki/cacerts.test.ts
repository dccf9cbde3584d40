import { InputError } from '@backstage/errors';
import {
  buildCacerts,
  CACERTS_KEYS,
  CacertsFiles,
  inspectCacerts,
} from './cacerts';
import { issueIntermediateCa } from './intermediateCa';
import { CaKeyPair, generateRootCa } from './rootCa';
import { opensslVerifyCacerts } from '../__testUtils__/pkiTools';

jest.setTimeout(120_000);

const DAY = 86_400_000;

describe('buildCacerts', () => {
  let root: CaKeyPair;
  let otherRoot: CaKeyPair;
  let files: CacertsFiles;

  beforeAll(async () => {
    root = await generateRootCa({ keyType: 'ecdsa-p256' });
    otherRoot = await generateRootCa({ keyType: 'ecdsa-p256' });
    const intermediate = await issueIntermediateCa({
      root,
      clusterName: 'c1',
      keyType: 'ecdsa-p256',
    });
    files = buildCacerts({
      intermediate,
      rootCertPems: [otherRoot.certPem, root.certPem, root.certPem],
    });
  });

  it('writes exactly the four keys; cert-chain is ca-cert then its root', () => {
    expect(Object.keys(files)).toEqual([...CACERTS_KEYS]);
    expect(files['cert-chain.pem']).toBe(files['ca-cert.pem'] + root.certPem);
    // Several roots for rotation, duplicates dropped, order kept.
    expect(files['root-cert.pem']).toBe(otherRoot.certPem + root.certPem);
    expect(files['ca-key.pem']).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });

  it('passes both openssl verify forms with several roots in root-cert.pem', () => {
    expect(opensslVerifyCacerts({ ...files })).toEqual([
      'ca-cert.pem: OK',
      'ca-cert.pem: OK',
    ]);
  });

  it('refuses when no root signed the intermediate, or the key does not match', async () => {
    const intermediate = {
      certPem: files['ca-cert.pem'],
      keyPem: files['ca-key.pem'],
    };
    expect(() =>
      buildCacerts({ intermediate, rootCertPems: [otherRoot.certPem] }),
    ).toThrow(/was not signed by any of the 1 given root certificate\(s\)/);
    expect(() => buildCacerts({ intermediate, rootCertPems: [] })).toThrow(
      InputError,
    );
    expect(() =>
      buildCacerts({
        intermediate: { certPem: intermediate.certPem, keyPem: root.keyPem },
        rootCertPems: [root.certPem],
      }),
    ).toThrow(
      /^Intermediate CA key does not match Intermediate CA certificate/,
    );
  });
});

describe('inspectCacerts', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  let root: CaKeyPair;
  let files: CacertsFiles;
  let foreign: CacertsFiles;

  beforeAll(async () => {
    root = await generateRootCa({ keyType: 'ecdsa-p256', now });
    files = buildCacerts({
      intermediate: await issueIntermediateCa({
        root,
        clusterName: 'east',
        keyType: 'ecdsa-p256',
        validityDays: 365,
        now,
      }),
      rootCertPems: [root.certPem],
    });
    const otherRoot = await generateRootCa({ keyType: 'ecdsa-p256', now });
    foreign = buildCacerts({
      intermediate: await issueIntermediateCa({
        root: otherRoot,
        clusterName: 'east',
        keyType: 'ecdsa-p256',
        now,
      }),
      rootCertPems: [otherRoot.certPem],
    });
  });

  const inspect = (
    f: Record<string, string | undefined>,
    at = now,
    renewalWindowDays?: number,
  ) =>
    inspectCacerts(f, {
      expectedRootPems: [root.certPem],
      now: at,
      renewalWindowDays,
    });

  it('reports ok with the intermediate and expiry', () => {
    const report = inspect({ ...files });
    expect(report).toMatchObject({
      status: 'ok',
      intermediate: {
        subject: 'O=Istio, CN=Intermediate CA, L=east',
        clusterName: 'east',
        notAfter: '2031-01-01T00:00:00Z',
      },
      expiresAt: '2031-01-01T00:00:00Z',
      daysRemaining: 365,
    });
    expect(report.unexpectedKeys).toBeUndefined();
  });

  it('reports missing keys', () => {
    const report = inspect({
      'ca-cert.pem': files['ca-cert.pem'],
      'ca-key.pem': files['ca-key.pem'],
      'cert-chain.pem': '  ',
      'ca.crt': 'x',
    });
    expect(report.status).toBe('missing-keys');
    expect(report.missingKeys).toEqual(['root-cert.pem', 'cert-chain.pem']);
    expect(report.unexpectedKeys).toEqual(['ca.crt']);
    expect(report.detail).toMatch(
      /^cacerts lacks root-cert.pem, cert-chain.pem/,
    );
  });

  it('reports a cacerts chaining to another root as foreign-root', () => {
    const report = inspect({ ...foreign });
    expect(report.status).toBe('foreign-root');
    expect(report.detail).toMatch(/not a root crossmesh manages/);
    expect(report.rootFingerprintSha256).toBeDefined();
  });

  it('reports expiring within the renewal window and expired', () => {
    expect(
      inspect({ ...files }, new Date(now.getTime() + 340 * DAY)).status,
    ).toBe('expiring');
    expect(
      inspect({ ...files }, new Date(now.getTime() + 300 * DAY), 90),
    ).toMatchObject({ status: 'expiring', daysRemaining: 65 });
    const expired = inspect({ ...files }, new Date(now.getTime() + 400 * DAY));
    expect(expired.status).toBe('expired');
    expect(expired.detail).toMatch(
      /^The intermediate CA expired on 2031-01-01T00:00:00Z/,
    );
    expect(expired.daysRemaining).toBe(-35);
  });

  it('allows 5 minutes of clock skew before calling ca-cert.pem not yet valid', () => {
    // Issued at `now`, back-dated 5 minutes: valid from 23:55.
    const notBefore = new Date('2029-12-31T23:55:00Z').getTime();
    expect(inspect({ ...files }, new Date(notBefore - 4 * 60_000)).status).toBe(
      'ok',
    );
    expect(
      inspect({ ...files }, new Date(notBefore - 6 * 60_000)),
    ).toMatchObject({
      status: 'invalid',
      detail: expect.stringMatching(
        /^ca-cert.pem is not valid until 2029-12-31T23:55:00Z, 6 minutes after this server's clock; crossmesh allows 5 minutes of clock skew/,
      ),
    });
  });

  it('reports invalid contents', () => {
    expect(inspect({ ...files, 'ca-cert.pem': 'garbage' })).toMatchObject({
      status: 'invalid',
      detail: expect.stringMatching(/^ca-cert.pem is not a PEM certificate/),
    });
    expect(
      inspect({ ...files, 'ca-key.pem': foreign['ca-key.pem'] }).detail,
    ).toMatch(/^ca-key.pem does not match ca-cert.pem/);
    expect(
      inspect({
        ...files,
        'cert-chain.pem': root.certPem + files['ca-cert.pem'],
      }).detail,
    ).toMatch(/^cert-chain.pem does not start with ca-cert.pem/);
    expect(
      inspect({ ...files, 'cert-chain.pem': files['ca-cert.pem'] }).detail,
    ).toMatch(/^cert-chain.pem does not continue with the root/);
    const mixed = inspect({
      ...files,
      'root-cert.pem': foreign['root-cert.pem'],
    });
    expect(mixed.status).toBe('invalid');
    expect(mixed.detail).toMatch(
      /^root-cert.pem lacks the root that signed ca-cert.pem/,
    );
    expect(inspect({ ...files }, new Date(now.getTime() - DAY)).status).toBe(
      'invalid',
    );
  });
});

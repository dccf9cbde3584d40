import {
  certificateFingerprint,
  contentDigest,
  decodeSecretData,
  encodeCacertsData,
  sameData,
} from './cacertsSecret';
import { checkCacertsFiles } from './checkCacertsFiles';
import { fingerprintOf, meshPki } from '../../__testUtils__/trustTestKit';

describe('cacerts Secret helpers', () => {
  let mesh: Awaited<ReturnType<typeof meshPki>>;
  beforeAll(async () => {
    mesh = await meshPki('cluster-1');
  });

  it('encodes the four files in order and decodes them back byte for byte', () => {
    const data = encodeCacertsData(mesh.files);
    expect(Object.keys(data)).toEqual([
      'ca-cert.pem',
      'ca-key.pem',
      'root-cert.pem',
      'cert-chain.pem',
    ]);
    expect(decodeSecretData(data)).toEqual({ ...mesh.files });
  });

  it('compares data by exact keys and bytes', () => {
    const data = encodeCacertsData(mesh.files);
    expect(sameData({ ...data }, data)).toBe(true);
    expect(sameData({ ...data, extra: 'eA==' }, data)).toBe(false);
    const { 'ca-key.pem': _omitted, ...three } = data;
    expect(sameData(three, data)).toBe(false);
    expect(
      sameData(
        {
          ...data,
          'root-cert.pem': Buffer.from(
            `${mesh.files['root-cert.pem']}\n`,
          ).toString('base64'),
        },
        data,
      ),
    ).toBe(false);
    expect(sameData(undefined, data)).toBe(false);
  });

  it('digests every key, so moving bytes between keys changes the digest', () => {
    expect(contentDigest({ a: 'xy', b: '' })).not.toBe(
      contentDigest({ a: 'x', b: 'y' }),
    );
    expect(contentDigest({ b: '1', a: '2' })).toBe(
      contentDigest({ a: '2', b: '1' }),
    );
  });

  it('fingerprints as the PKI module does', () => {
    expect(certificateFingerprint(mesh.files['ca-cert.pem'])).toBe(
      mesh.intermediate.fingerprintSha256,
    );
    expect(certificateFingerprint('not a certificate')).toBeUndefined();
  });
});

describe('checkCacertsFiles', () => {
  it('accepts consistent files and a matching root fingerprint in any notation', async () => {
    const mesh = await meshPki('cluster-1');
    const fingerprint = fingerprintOf(mesh.root.certPem);
    expect(checkCacertsFiles(mesh.files, {})).toBeUndefined();
    expect(
      checkCacertsFiles(mesh.files, {
        rootFingerprints: [fingerprint.replace(/:/g, '').toLowerCase()],
      }),
    ).toBeUndefined();
  });

  it('refuses files with a key that does not match, expired ones, and another root', async () => {
    const mesh = await meshPki('cluster-1');
    const other = await meshPki('cluster-1');
    expect(
      checkCacertsFiles(
        { ...mesh.files, 'ca-key.pem': other.files['ca-key.pem'] },
        {},
      ),
    ).toMatch(/^the cacerts files to distribute are not usable \(invalid\): /);
    expect(
      checkCacertsFiles(mesh.files, {
        now: new Date(Date.now() + 800 * 24 * 60 * 60 * 1000),
      }),
    ).toMatch(/not usable \(expired\)/);
    expect(
      checkCacertsFiles(mesh.files, {
        rootFingerprints: [fingerprintOf(other.root.certPem)],
      }),
    ).toMatch(/chain to root .* which is not one of the mesh's roots/);
  });
});

import {
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
} from 'node:crypto';
import { createIntermediateCsr } from '../pki';
import { opensslRoot } from './__testUtils__/opensslRoot';
import { describeFindings, SecretScanner } from './__testUtils__/secretScanner';

const root = opensslRoot();
const ecKeyPem = generateKeyPairSync('ec', {
  namedCurve: 'P-256',
  privateKeyEncoding: { type: 'sec1', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
}).privateKey;
const token = randomBytes(24).toString('hex');

function scanner() {
  return new SecretScanner()
    .addPrivateKey('the root key', root.keyPem, [root.certPem])
    .addPrivateKey('the EC key', ecKeyPem)
    .addString('the token', token);
}

const found = (where: string, text: string) =>
  scanner()
    .scan([{ where, text }])
    .map(f => `${f.secret}: ${f.form}`);

describe('SecretScanner', () => {
  it('finds a private key PEM line, whole or inside JSON', () => {
    expect(
      found(
        'body',
        JSON.stringify({ keyPem: 'x\n-----BEGIN PRIVATE KEY-----' }),
      ),
    ).toEqual(['a PEM private key: "-----BEGIN PRIVATE KEY-----" line']);
    expect(found('body', JSON.stringify({ ecKeyPem }))).toEqual(
      expect.arrayContaining([
        'a PEM private key: "-----BEGIN EC PRIVATE KEY-----" line',
        'the EC key: DER in base64',
      ]),
    );
  });

  it('finds a piece of a key without its PEM lines: a line of its base64, its base64 inside a Secret, its DER in upper-case hex, its private number', () => {
    const lines = root.keyPem.split('\n');
    expect(found('log', `error near ${lines[10].slice(5, 40)}!`)).toContain(
      'the root key: DER in base64',
    );
    // The first lines hold the modulus, which the certificate holds too: not a secret.
    expect(found('log', lines[2])).toEqual([]);
    // A Secret's data: base64 of the PEM text, after other bytes that shift it.
    const secretData = Buffer.from(`xy${root.keyPem}`).toString('base64');
    expect(found('body', secretData)).toContain(
      'the root key: PEM text in base64',
    );
    const der = Buffer.from(
      ecKeyPem.replace(/-----[^-]+-----|\s/g, ''),
      'base64',
    );
    expect(
      found('log', `bytes=${der.toString('hex').toUpperCase().slice(20, 60)}`),
    ).toContain('the EC key: DER in hex');
    const d = createPrivateKey(ecKeyPem).export({ format: 'jwk' }).d;
    expect(found('body', `{"d":"${d}"}`)).toContain(
      'the EC key: private number d in base64url',
    );
  });

  it('finds a token as is, in base64 at any offset, and in hex', () => {
    expect(found('header', `Bearer ${token}`)).toEqual(['the token: as is']);
    expect(
      found('body', Buffer.from(`a:${token}`).toString('base64')),
    ).toContain('the token: in base64');
    expect(found('log', Buffer.from(token).toString('hex'))).toContain(
      'the token: in hex',
    );
  });

  it('does not count public material: the certificate, in PEM, DER hex or base64 of its PEM', () => {
    const certDer = Buffer.from(
      root.certPem.replace(/-----[^-]+-----|\s/g, ''),
      'base64',
    );
    expect(
      found(
        'body',
        JSON.stringify({
          certPem: root.certPem,
          hex: certDer.toString('hex'),
          data: Buffer.from(root.certPem).toString('base64'),
        }),
      ),
    ).toEqual([]);
  });

  it('does not count the public key in a CSR, where other DER follows the public exponent', async () => {
    for (const keyType of ['rsa-2048', 'ecdsa-p256'] as const) {
      const { csrPem, keyPem } = await createIntermediateCsr({
        clusterName: 'cluster-2',
        keyType,
      });
      expect(
        new SecretScanner()
          .addPrivateKey('the CSR key', keyPem)
          .scan([{ where: 'body', text: JSON.stringify({ csrPem }) }]),
      ).toEqual([]);
    }
  });

  it('names where and what it found, never the secret', () => {
    const findings = scanner().scan([
      { where: 'response 3: GET /trust', text: `token ${token}` },
    ]);
    const described = describeFindings(findings);
    expect(described).toBe(
      'response 3: GET /trust at offset 6: the token (as is)',
    );
    expect(described).not.toContain(token.slice(0, 8));
  });
});

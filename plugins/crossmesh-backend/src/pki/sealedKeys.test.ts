import { generateKeyPairSync } from 'node:crypto';
import { InputError } from '@backstage/errors';
import {
  checkKeyEncryptionKey,
  deriveKek,
  isKekMisconfiguration,
  openPrivateKey,
  SealedKeyError,
  sealPrivateKey,
} from './sealedKeys';

const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();

describe('sealed private keys', () => {
  const kek = deriveKek('correct horse battery staple 1');
  const otherKek = deriveKek('correct horse battery staple 2');

  it('derives a stable KEK and key id from the secret', () => {
    const again = deriveKek('correct horse battery staple 1');
    expect(again.key.equals(kek.key)).toBe(true);
    expect(kek.key).toHaveLength(32);
    expect(kek.keyId).toMatch(/^[0-9a-f]{12}$/);
    expect(otherKek.keyId).not.toBe(kek.keyId);
    expect(
      deriveKek('correct horse battery staple 1', { keyId: '2025-q1' }).keyId,
    ).toBe('2025-q1');
    expect(() => deriveKek('short')).toThrow(InputError);
    expect(() => deriveKek('long enough secret!!', { keyId: 'a.b' })).toThrow(
      /keyId must be/,
    );
  });

  it('round-trips, with a fresh data key and IVs each time', () => {
    const a = sealPrivateKey(keyPem, kek);
    const b = sealPrivateKey(keyPem, kek);
    expect(a).not.toBe(b);
    expect(a.startsWith(`cmk1.${kek.keyId}.`)).toBe(true);
    expect(a).not.toContain('PRIVATE KEY');
    expect(openPrivateKey(a, kek)).toBe(keyPem);
    // Rotation: the KEK named in the record is picked from the list.
    expect(openPrivateKey(a, [otherKek, kek])).toBe(keyPem);
  });

  it('refuses a wrong KEK', () => {
    const sealed = sealPrivateKey(keyPem, kek);
    expect(() => openPrivateKey(sealed, otherKek)).toThrow(
      new SealedKeyError(
        `The key was sealed with KEK "${kek.keyId}", but the configured KEK(s) are "${otherKek.keyId}". Configure the secret that KEK was derived from (keep old secrets while rotating).`,
        'unknown-kek',
      ),
    );
    // Same key id, different secret.
    const impostor = { keyId: kek.keyId, key: otherKek.key };
    expect(() => openPrivateKey(sealed, impostor)).toThrow(
      /failed authentication with KEK .*the secret configured for that key id is wrong/,
    );
  });

  it('refuses tampered records', () => {
    const sealed = sealPrivateKey(keyPem, kek);
    const parts = sealed.split('.');
    const flip = (field: number) => {
      const bytes = Buffer.from(parts[field], 'base64url');
      bytes[0] ^= 1;
      const copy = [...parts];
      copy[field] = bytes.toString('base64url');
      return copy.join('.');
    };
    for (const field of [2, 3, 4]) {
      expect(() => openPrivateKey(flip(field), kek)).toThrow(SealedKeyError);
    }
    expect(() => openPrivateKey(flip(5), kek)).toThrow(
      /ciphertext was tampered with or corrupted/,
    );
    // Relabelling the key id breaks the AAD binding.
    const relabelled = { keyId: 'other', key: kek.key };
    expect(() =>
      openPrivateKey(sealed.replace(kek.keyId, 'other'), relabelled),
    ).toThrow(SealedKeyError);
    expect(() => openPrivateKey(sealed.slice(0, -10), kek)).toThrow(
      SealedKeyError,
    );
    expect(() => openPrivateKey('not sealed', kek)).toThrow(
      /^Not a sealed crossmesh key/,
    );
  });

  it('says which failure it is, and whether the configured key-encryption secret is to blame', () => {
    const sealed = sealPrivateKey(keyPem, kek);
    const failure = (open: () => unknown) => {
      try {
        open();
      } catch (e) {
        if (e instanceof SealedKeyError) return e;
        throw e;
      }
      throw new Error('expected a SealedKeyError');
    };
    const tampered = `${sealed.slice(0, -4)}${
      sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA'
    }`;
    const cases = [
      [failure(() => openPrivateKey(sealed, [])), 'no-kek', true],
      [failure(() => openPrivateKey(sealed, otherKek)), 'unknown-kek', true],
      [
        failure(() =>
          openPrivateKey(sealed, { keyId: kek.keyId, key: otherKek.key }),
        ),
        'wrong-kek',
        true,
      ],
      [failure(() => openPrivateKey(tampered, kek)), 'tampered', false],
      [failure(() => openPrivateKey('not sealed', kek)), 'malformed', false],
    ] as const;
    for (const [error, reason, misconfiguration] of cases) {
      expect({ reason: error.reason, misconfiguration }).toEqual({
        reason,
        misconfiguration: isKekMisconfiguration(error),
      });
    }
    expect(cases[0][0].message).toBe(
      `No key-encryption key is configured, so the key sealed with KEK "${kek.keyId}" cannot be opened. Configure the secret that KEK was derived from.`,
    );
    expect(isKekMisconfiguration(new Error('boom'))).toBe(false);
  });

  it('checks a key-encryption key against a record with the same verdicts and words, tampered ciphertext aside', () => {
    const sealed = sealPrivateKey(keyPem, kek);
    const outcome = (attempt: () => unknown) => {
      try {
        attempt();
        return 'opens';
      } catch (e) {
        return e instanceof SealedKeyError
          ? `${e.reason}: ${e.message}`
          : `not a SealedKeyError: ${e}`;
      }
    };
    const wrongKey = { keyId: kek.keyId, key: otherKek.key };
    const keksToTry = {
      right: [otherKek, kek],
      none: [],
      unknown: [otherKek],
      wrong: [wrongKey],
    };
    for (const keks of Object.values(keksToTry)) {
      expect(outcome(() => checkKeyEncryptionKey(sealed, keks))).toBe(
        outcome(() => openPrivateKey(sealed, keks)),
      );
    }
    expect(
      Object.values(keksToTry).map(keks =>
        outcome(() => checkKeyEncryptionKey(sealed, keks)).replace(/:.*/, ''),
      ),
    ).toEqual(['opens', 'no-kek', 'unknown-kek', 'wrong-kek']);
    expect(outcome(() => checkKeyEncryptionKey('cmk1.x', [kek]))).toMatch(
      /^malformed: /,
    );
  });

  it('seals only private keys', () => {
    expect(() => sealPrivateKey('hello', kek)).toThrow(InputError);
  });
});

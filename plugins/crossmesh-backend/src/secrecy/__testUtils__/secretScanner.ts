import { createPrivateKey, createPublicKey } from 'node:crypto';

/**
 * Length of the pieces a secret is cut into: any 32 characters of its base64 (24 bytes) or
 * hex (16 bytes) found anywhere count as a leak.
 */
export const WINDOW = 32;

/** One way a secret can show up in text. */
interface Form {
  secret: string;
  form: string;
  /** Hex is matched against lower-cased text. */
  caseless: boolean;
}

/** Text that was captured, and where from ("response 12: GET /trust", "log line 40"). */
export interface Haystack {
  where: string;
  text: string;
}

/** A leak, described without the secret itself. */
export interface Finding {
  where: string;
  /** Character offset in the haystack. */
  offset: number;
  secret: string;
  form: string;
}

const PEM_PRIVATE_KEY_LINE = /-----(BEGIN|END) [A-Z0-9 ]*PRIVATE KEY-----/g;

const base64 = (bytes: Buffer) => bytes.toString('base64');
const base64url = (bytes: Buffer) => bytes.toString('base64url');

/**
 * Base64 of `bytes` as it reads inside a longer base64 text: the encoding of a byte depends
 * on its offset modulo 3, so all three shifts are taken. Unless `whole`, each is cut short
 * of the characters at its end that depend on the bytes that follow. Public material is
 * taken whole: its last characters, encoded with zero bits after it, are what a secret
 * followed by a byte with leading zero bits (a DER tag such as INTEGER) looks like.
 */
function embeddedEncodings(
  bytes: Buffer,
  encode: (b: Buffer) => string,
  whole = false,
): string[] {
  return [0, 1, 2].map(shift => {
    const text = encode(bytes.subarray(shift)).replace(/=+$/, '');
    return whole ? text : text.slice(0, Math.max(0, text.length - 4));
  });
}

/**
 * Collects the secrets to look for and finds any piece of them in captured text.
 */
export class SecretScanner {
  private readonly windows = new Map<string, Form>();
  private readonly caselessWindows = new Map<string, Form>();
  private readonly names = new Set<string>();

  /** How many distinct pieces are looked for. */
  get size(): number {
    return this.windows.size + this.caselessWindows.size;
  }

  /** The names of the secrets added. */
  get secrets(): string[] {
    return [...this.names];
  }

  /**
   * A private key, PEM: its DER as in the PEM and as PKCS#8, in base64, base64url and hex,
   * embedded at any offset; the PEM text itself in base64 (as in a Secret's `data`); and
   * its private numbers (JWK `d`, `p`, `q`, ...) in base64url, base64 and hex. Pieces that
   * also occur in its public key or in `publicPems` (its certificate) are left out: they are
   * not secret, and the API returns certificates.
   */
  addPrivateKey(name: string, pem: string, publicPems: string[] = []): this {
    const key = createPrivateKey(pem);
    const spki = createPublicKey(key).export({ type: 'spki', format: 'pem' });
    const publicWindows = {
      exact: new Set<string>(),
      caseless: new Set<string>(),
    };
    for (const publicPem of [spki.toString(), ...publicPems]) {
      for (const { text, caseless = false } of pemForms(publicPem, true)) {
        const into = caseless ? publicWindows.caseless : publicWindows.exact;
        for (const window of windowsOf(text, caseless)) into.add(window);
      }
    }
    const jwk = key.export({ format: 'jwk' }) as Record<string, unknown>;
    const privateNumbers = ['d', 'p', 'q', 'dp', 'dq', 'qi'].flatMap(field => {
      const value = jwk[field];
      if (typeof value !== 'string') return [];
      const bytes = Buffer.from(value, 'base64url');
      return [
        { form: `private number ${field} in base64url`, text: value },
        {
          form: `private number ${field} in base64`,
          text: base64(bytes).replace(/=+$/, ''),
        },
        {
          form: `private number ${field} in hex`,
          text: bytes.toString('hex'),
          caseless: true,
        },
      ];
    });
    const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
    for (const { form, text, caseless = false } of [
      ...pemForms(pem),
      ...derForms('PKCS#8 DER', pkcs8),
      ...privateNumbers,
    ]) {
      const exclude = caseless ? publicWindows.caseless : publicWindows.exact;
      this.addText(name, form, text, caseless, exclude);
    }
    this.names.add(name);
    return this;
  }

  /** A secret string (a token, a config secret): as is, in base64 and in hex. */
  addString(name: string, value: string): this {
    const bytes = Buffer.from(value, 'utf8');
    this.addText(name, 'as is', value);
    for (const text of embeddedEncodings(bytes, base64)) {
      this.addText(name, 'in base64', text);
    }
    this.addText(name, 'in hex', bytes.toString('hex'), true);
    this.names.add(name);
    return this;
  }

  /** Raw secret bytes (a derived key): in base64, base64url and hex. */
  addBytes(name: string, bytes: Buffer): this {
    for (const text of embeddedEncodings(bytes, base64)) {
      this.addText(name, 'in base64', text);
    }
    for (const text of embeddedEncodings(bytes, base64url)) {
      this.addText(name, 'in base64url', text);
    }
    this.addText(name, 'in hex', bytes.toString('hex'), true);
    this.names.add(name);
    return this;
  }

  /** Every piece of every secret, and every PEM private-key line, found in `haystacks`. */
  scan(haystacks: Haystack[]): Finding[] {
    const findings: Finding[] = [];
    for (const { where, text } of haystacks) {
      for (const match of text.matchAll(PEM_PRIVATE_KEY_LINE)) {
        findings.push({
          where,
          offset: match.index ?? 0,
          secret: 'a PEM private key',
          form: `"${match[0]}" line`,
        });
      }
      const lower = text.toLowerCase();
      // One finding per secret and form per haystack is enough to say where.
      const seen = new Set<Form>();
      for (let i = 0; i + WINDOW <= text.length; i++) {
        const form =
          this.windows.get(text.slice(i, i + WINDOW)) ??
          this.caselessWindows.get(lower.slice(i, i + WINDOW));
        if (form && !seen.has(form)) {
          seen.add(form);
          findings.push({
            where,
            offset: i,
            secret: form.secret,
            form: form.form,
          });
        }
      }
    }
    return findings;
  }

  private addText(
    secret: string,
    form: string,
    text: string,
    caseless = false,
    exclude: Set<string> = new Set(),
  ) {
    const target = caseless ? this.caselessWindows : this.windows;
    const entry: Form = { secret, form, caseless };
    if (text.length < WINDOW) {
      throw new Error(
        `${secret} (${form}) is shorter than ${WINDOW} characters; too short to look for`,
      );
    }
    for (const window of windowsOf(text, caseless)) {
      // The first form a piece was added under names it.
      if (!exclude.has(window) && !target.has(window)) {
        target.set(window, entry);
      }
    }
  }
}

function windowsOf(text: string, caseless: boolean): string[] {
  const value = caseless ? text.toLowerCase() : text;
  const windows: string[] = [];
  for (let i = 0; i + WINDOW <= value.length; i++) {
    windows.push(value.slice(i, i + WINDOW));
  }
  return windows;
}

interface TextForm {
  form: string;
  text: string;
  caseless?: boolean;
}

/** DER bytes in base64 and base64url at every offset, and in hex. */
function derForms(what: string, der: Buffer, whole = false): TextForm[] {
  return [
    ...embeddedEncodings(der, base64, whole).map(text => ({
      form: `${what} in base64`,
      text,
    })),
    ...embeddedEncodings(der, base64url, whole).map(text => ({
      form: `${what} in base64url`,
      text,
    })),
    { form: `${what} in hex`, text: der.toString('hex'), caseless: true },
  ];
}

/** A PEM's DER (see {@link derForms}) and its text in base64 at every offset. */
function pemForms(pem: string, whole = false): TextForm[] {
  const der = Buffer.from(
    pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''),
    'base64',
  );
  return [
    ...derForms('DER', der, whole),
    ...embeddedEncodings(Buffer.from(pem, 'utf8'), base64, whole).map(text => ({
      form: 'PEM text in base64',
      text,
    })),
  ];
}

/** One line per finding, naming where and what, never the secret's value. */
export function describeFindings(findings: Finding[]): string {
  return findings
    .map(f => `${f.where} at offset ${f.offset}: ${f.secret} (${f.form})`)
    .join('\n');
}

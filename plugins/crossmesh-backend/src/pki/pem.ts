/** One decoded PEM block. */
export interface PemBlock {
  label: string;
  der: Buffer;
}

const PEM_BLOCK =
  /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/g;

/** Splits text into its PEM blocks; text outside the blocks is ignored. */
export function decodePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  for (const match of String(text ?? '').matchAll(PEM_BLOCK)) {
    const body = match[2];
    // Encrypted legacy PEM carries headers such as "Proc-Type:"; keep them
    // out of the base64 so the caller gets a parse error it can explain.
    const base64 = body
      .split(/\r?\n/)
      .filter(line => !line.includes(':'))
      .join('');
    blocks.push({ label: match[1], der: Buffer.from(base64, 'base64') });
  }
  return blocks;
}

/** Encodes DER as a PEM block with 64-character lines and a final newline. */
export function encodePem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join(
    '\n',
  )}\n-----END ${label}-----\n`;
}

/** Ensures a PEM string ends with exactly one newline. */
export function withFinalNewline(pem: string): string {
  return `${pem.replace(/\s+$/, '')}\n`;
}

import { postJson } from './postJson';

/** One key of etcd as its v3 JSON gateway returns it; key and value decoded to bytes. */
export interface EtcdEntry {
  key: string;
  modRevision: number;
  value?: Buffer;
}

export type EtcdWrite =
  | { put: { key: string; value: Buffer } }
  | { delete: { key: string } };

// etcd's default --max-txn-ops is 128.
const WRITES_PER_TXN = 100;

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

/** The key just after every key that starts with `prefix`, as etcd's range_end wants it. */
export function prefixEnd(prefix: string): string {
  const bytes = Buffer.from(prefix);
  bytes[bytes.length - 1] += 1;
  return bytes.toString('latin1');
}

async function post(url: string, path: string, body: unknown): Promise<any> {
  const answer = await postJson(`${url}${path}`, body, { timeoutMs: 30_000 });
  if (answer.status !== 200) {
    throw new Error(
      `etcd ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`,
    );
  }
  return answer.body;
}

/** Every key under `prefix`, with values unless `keysOnly`. */
export async function rangePrefix(
  etcdUrl: string,
  prefix: string,
  { keysOnly = false }: { keysOnly?: boolean } = {},
): Promise<EtcdEntry[]> {
  const answer = await post(etcdUrl, '/v3/kv/range', {
    key: b64(prefix),
    range_end: b64(Buffer.from(prefixEnd(prefix), 'latin1')),
    keys_only: keysOnly,
  });
  return (answer.kvs ?? []).map((kv: any) => ({
    key: Buffer.from(kv.key, 'base64').toString('latin1'),
    modRevision: Number(kv.mod_revision),
    value: keysOnly ? undefined : Buffer.from(kv.value ?? '', 'base64'),
  }));
}

/**
 * Applies the writes in transactions of up to 100 and returns the revision of each key put
 * (a transaction's writes share its revision).
 */
export async function writeAll(
  etcdUrl: string,
  writes: EtcdWrite[],
): Promise<Map<string, number>> {
  const revisions = new Map<string, number>();
  for (let start = 0; start < writes.length; start += WRITES_PER_TXN) {
    const chunk = writes.slice(start, start + WRITES_PER_TXN);
    const answer = await post(etcdUrl, '/v3/kv/txn', {
      success: chunk.map(write =>
        'put' in write
          ? {
              request_put: {
                key: b64(Buffer.from(write.put.key, 'latin1')),
                value: b64(write.put.value),
              },
            }
          : {
              request_delete_range: {
                key: b64(Buffer.from(write.delete.key, 'latin1')),
              },
            },
      ),
    });
    const revision = Number(answer.header.revision);
    for (const write of chunk) {
      if ('put' in write) revisions.set(write.put.key, revision);
    }
  }
  return revisions;
}

import type { LoadRecord } from '@crossmesh/test-bed';

/** A request that did not get svc-2's answer. */
export function failed(record: LoadRecord): boolean {
  return record.status !== 200;
}

/** Why a request failed, in a few words: curl's error code, or the status and Envoy's reason. */
export function causeOf(record: LoadRecord): string {
  if (record.error) return `no answer: ${record.error}`;
  const body =
    typeof record.answer === 'string'
      ? record.answer
      : JSON.stringify(record.answer);
  return `HTTP ${record.status}: ${body.replace(/\s+/g, ' ').slice(0, 160)}`;
}

/** Failed requests counted by cause, most frequent first, with when each cause was first and last seen. */
export function failureCauses(records: LoadRecord[], since: number) {
  const causes = new Map<
    string,
    { count: number; first: number; last: number }
  >();
  for (const record of records.filter(failed)) {
    const cause = causeOf(record);
    const entry = causes.get(cause) ?? {
      count: 0,
      first: record.at,
      last: record.at,
    };
    entry.count += 1;
    entry.last = record.at;
    causes.set(cause, entry);
  }
  return [...causes.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .map(
      ([cause, { count, first, last }]) =>
        `${count} × ${cause} (from +${((first - since) / 1000).toFixed(
          1,
        )} s to +${((last - since) / 1000).toFixed(1)} s)`,
    );
}

/**
 * When the callers' chains moved from one root to another, as svc-2 saw them: the first request
 * on the new root, the last on the old (connections opened before a certificate was renewed keep
 * its chain, so the two overlap), and how many came on a chain to any other root or none.
 */
export function rootMove(
  seen: Array<{ time: number; peerRoot: string | null }>,
  roots: { old: string; new: string },
) {
  const onNew = seen.filter(r => r.peerRoot === roots.new);
  const onOld = seen.filter(r => r.peerRoot === roots.old);
  return {
    firstOnNew: onNew[0]?.time,
    lastOnOld: onOld[onOld.length - 1]?.time,
    onOld: onOld.length,
    onNew: onNew.length,
    onOther: seen.length - onNew.length - onOld.length,
  };
}

/** One line for the log: how many requests, how many failed, and why. */
export function summarize(
  what: string,
  records: LoadRecord[],
  since: number,
): string {
  const failures = records.filter(failed);
  const seconds = records.length
    ? (records[records.length - 1].at - since) / 1000
    : 0;
  return [
    `${what}: ${records.length} requests in ${seconds.toFixed(0)} s, ${
      failures.length
    } failed`,
    ...failureCauses(records, since).map(line => `  ${line}`),
  ].join('\n');
}

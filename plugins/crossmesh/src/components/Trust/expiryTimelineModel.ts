import { TrustState } from '@crossmesh/backstage-plugin-crossmesh-common';

const DAY = 86_400_000;

/** One bar of the timeline: a certificate's life, or a marker for the next renewal. */
export interface TimelineEntry {
  kind: 'root' | 'intermediate' | 'renewal';
  label: string;
  /** ISO 8601; the certificate's start (markers have none). */
  from?: string;
  /** ISO 8601; expiry, or the renewal's date. */
  to: string;
}

export interface ExpiryTimeline {
  /** The span the picture covers, ms since the epoch. */
  start: number;
  end: number;
  entries: TimelineEntry[];
}

/**
 * The certificates of the mesh along one time axis: each root that is still trusted,
 * each cluster's current intermediate, and the next renewal (the earliest intermediate's
 * expiry less the renewal window). Undefined when there is nothing to draw.
 */
export function expiryTimeline(
  trust: TrustState,
  now: number = Date.now(),
): ExpiryTimeline | undefined {
  const roots = trust.roots.filter(r => r.state !== 'retired');
  const intermediates = trust.intermediates
    .filter(i => i.state === 'current')
    .sort((a, b) => a.clusterName.localeCompare(b.clusterName));
  if (!roots.length && !intermediates.length) return undefined;

  const entries: TimelineEntry[] = [
    ...roots.map(root => ({
      kind: 'root' as const,
      label: `Root CA${root.state === 'incoming' ? ' (incoming)' : ''}`,
      from: root.createdAt,
      to: root.notAfter,
    })),
    ...intermediates.map(i => ({
      kind: 'intermediate' as const,
      label: `${i.clusterName} intermediate`,
      from: i.notBefore,
      to: i.notAfter,
    })),
  ];
  const soonest = intermediates.reduce<
    (typeof intermediates)[number] | undefined
  >(
    (first, i) => (!first || i.notAfter < first.notAfter ? i : first),
    undefined,
  );
  if (soonest) {
    const renewal = Math.max(
      now,
      Date.parse(soonest.notAfter) - trust.renewalWindowDays * DAY,
    );
    entries.push({
      kind: 'renewal',
      label: `Next renewal (${soonest.clusterName})`,
      to: new Date(renewal).toISOString(),
    });
  }
  const times = entries.flatMap(e => [
    Date.parse(e.to),
    ...(e.from ? [Date.parse(e.from)] : []),
  ]);
  const start = Math.min(now, ...times);
  const latest = Math.max(...times);
  // A little room after the last expiry so its end is visible.
  const end = latest + Math.max((latest - start) * 0.03, DAY);
  return { start, end, entries };
}

/** Where an instant falls on the axis, 0 to 100. */
export function positionOf(timeline: ExpiryTimeline, iso: string): number {
  const at = Date.parse(iso);
  return ((at - timeline.start) / (timeline.end - timeline.start)) * 100;
}

/** The first day of each year within the axis, for its ticks. */
export function yearTicks(timeline: ExpiryTimeline): string[] {
  const first = new Date(timeline.start).getUTCFullYear() + 1;
  const last = new Date(timeline.end).getUTCFullYear();
  const years: string[] = [];
  const step = Math.max(1, Math.ceil((last - first + 1) / 12));
  for (let year = first; year <= last; year += step) {
    years.push(`${year}-01-01T00:00:00.000Z`);
  }
  return years;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function span(ms: number): string {
  const plural = (n: number, unit: string) =>
    `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (ms < MINUTE) return plural(Math.round(ms / 1000), 'second');
  if (ms < HOUR) return plural(Math.round(ms / MINUTE), 'minute');
  if (ms < DAY) return plural(Math.round(ms / HOUR), 'hour');
  return plural(Math.round(ms / DAY), 'day');
}

/** How long ago a past instant was, e.g. `5 minutes ago`. */
export function timeAgo(iso: string, now = Date.now()): string {
  const ms = now - Date.parse(iso);
  return ms < 5_000 ? 'just now' : `${span(ms)} ago`;
}

/** An expiry date and how far off it is, e.g. `2027-11-25 (in 365 days)`. */
export function expiryLabel(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const date = iso.slice(0, 10);
  return ms >= 0
    ? `${date} (in ${span(ms)})`
    : `${date} (expired ${span(-ms)} ago)`;
}

/** Whether an instant is less than `days` away (or past). */
export function isWithinDays(iso: string, days: number, now = Date.now()) {
  return Date.parse(iso) - now < days * DAY;
}

/** A length of time in words, e.g. `2 minutes`. */
export function durationWords(ms: number): string {
  return span(ms);
}

/** An instant to the second in UTC and how far off it is, e.g. `2026-12-02 23:10:05 UTC (in 3 minutes)`. */
export function instantLabel(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const instant = `${new Date(iso)
    .toISOString()
    .slice(0, 19)
    .replace('T', ' ')} UTC`;
  return ms > 0 ? `${instant} (in ${span(ms)})` : `${instant} (passed)`;
}

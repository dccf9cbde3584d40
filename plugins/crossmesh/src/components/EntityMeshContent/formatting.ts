import { parseEntityRef } from '@backstage/catalog-model';

/** `2027-01-31`, in UTC like the backend's dates. */
export function formatDay(iso: string): string {
  return iso.slice(0, 10);
}

/** `2027-01-31 14:05 UTC`. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return iso;
  }
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A user's name from their entity ref (`user:default/carol` is `carol`); other refs as given. */
export function personName(ref: string): string {
  try {
    const parsed = parseEntityRef(ref);
    return parsed.kind.toLocaleLowerCase('en-US') === 'user' &&
      parsed.namespace === 'default'
      ? parsed.name
      : ref;
  } catch {
    return ref;
  }
}

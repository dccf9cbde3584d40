/**
 * An object as a write returns it and a watch reports it: enough to tell one version.
 *
 * @internal
 */
export interface VersionedObject {
  kind?: string;
  metadata?: { namespace?: string; name?: string; resourceVersion?: string };
}

/**
 * Runs crossmesh's writes to a cluster so that their watch events can be told apart.
 *
 * @internal
 */
export interface WriteTracker {
  track<T>(cluster: string, write: () => Promise<T>): Promise<T>;
}

/** An echo arrives within moments; a version never echoed (a no-op apply) is forgotten. */
const REMEMBER_MS = 120_000;

/**
 * The versions of objects that crossmesh's own writes produced, per cluster. A watch event
 * carrying one of them is the echo of that write: the object is as the pass that wrote it
 * left it, so it asks for no further pass. Any other change (a hand edit, a delete, another
 * writer's version) does.
 *
 * @internal
 */
export class OwnWrites implements WriteTracker {
  private readonly versions = new Map<string, number>();
  private readonly inFlight = new Map<string, Set<Promise<unknown>>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Runs a write and remembers the version it answers with (an object, or none). */
  async track<T>(cluster: string, write: () => Promise<T>): Promise<T> {
    const writes = this.inFlight.get(cluster) ?? new Set();
    this.inFlight.set(cluster, writes);
    const running = write();
    writes.add(running);
    try {
      const answer = await running;
      this.record(cluster, answer as VersionedObject);
      return answer;
    } finally {
      writes.delete(running);
    }
  }

  /**
   * Whether the event's object is the version one of crossmesh's writes produced. The
   * event can come before the write's answer: then that write is still in flight, and the
   * answer is waited for.
   */
  async isEcho(cluster: string, object: VersionedObject): Promise<boolean> {
    const key = versionKey(cluster, object);
    if (key === undefined) return false;
    if (this.versions.delete(key)) return true;
    const writes = [...(this.inFlight.get(cluster) ?? [])];
    if (writes.length === 0) return false;
    await Promise.allSettled(writes);
    return this.versions.delete(key);
  }

  private record(cluster: string, object: VersionedObject | undefined): void {
    const key = object && versionKey(cluster, object);
    if (!key) return;
    const now = this.now();
    for (const [old, at] of this.versions) {
      if (now - at <= REMEMBER_MS) break; // insertion order: the rest are newer
      this.versions.delete(old);
    }
    this.versions.set(key, now);
  }
}

function versionKey(
  cluster: string,
  { kind, metadata }: VersionedObject,
): string | undefined {
  if (!kind || !metadata?.name || !metadata.resourceVersion) return undefined;
  return `${cluster} ${kind} ${metadata.namespace ?? ''}/${metadata.name} ${
    metadata.resourceVersion
  }`;
}

import { Knex } from 'knex';

const TABLE = 'reconcile_lease';

/**
 * A lease in the database that one replica holds while it writes to the clusters.
 * Backstage's scheduler already runs a task on one replica at a time; the lease also
 * covers passes started outside it, so two replicas never write the same object.
 *
 * @internal
 */
export class ReconcileLease {
  constructor(
    private readonly db: Knex,
    private readonly name = 'exposures',
    private readonly now: () => number = () => Date.now(),
  ) {}

  private async ensureRow() {
    await this.db(TABLE)
      .insert({ name: this.name, holder: null, expires_at_ms: 0 })
      .onConflict('name')
      .ignore();
  }

  /** Takes the lease when it is free, expired or already ours. */
  async tryAcquire(holder: string, ttlMs: number): Promise<boolean> {
    await this.ensureRow();
    const now = this.now();
    const taken = await this.db(TABLE)
      .where({ name: this.name })
      .andWhere(q =>
        q
          .whereNull('holder')
          .orWhere('holder', holder)
          .orWhere('expires_at_ms', '<', now),
      )
      .update({ holder, expires_at_ms: now + ttlMs });
    return taken === 1;
  }

  /**
   * Renews the lease every third of `ttlMs` until the returned function is called. A
   * holder that dies stops renewing, so the others may take over `ttlMs` later, however
   * long its pass would have run.
   */
  keepAlive(holder: string, ttlMs: number): () => void {
    const timer = setInterval(() => {
      // A failed renewal is retried on the next tick; the lease lasts a full ttl.
      this.tryAcquire(holder, ttlMs).catch(() => {});
    }, ttlMs / 3);
    timer.unref?.();
    return () => clearInterval(timer);
  }

  /**
   * Asks for a pass: raises the counter that the holder compares after its pass (see
   * {@link ReconcileLease.wanted}), so a change made while another replica's pass runs is
   * converged by one more pass there.
   */
  async requestPass(): Promise<void> {
    await this.ensureRow();
    await this.db(TABLE).where({ name: this.name }).increment('wanted', 1);
  }

  /** The counter {@link ReconcileLease.requestPass} raises. */
  async wanted(): Promise<number> {
    const row = await this.db(TABLE).where({ name: this.name }).first('wanted');
    return Number(row?.wanted ?? 0);
  }

  /**
   * Runs `pass` under the lease, again while {@link ReconcileLease.requestPass} was called
   * during it, and once more if it was called between the last look and the release (that
   * caller found the lease taken, so the pass is ours to run). Empty when another holder
   * has the lease. `pass` is told how many passes ran before it.
   */
  async runWhileWanted<T>(
    holder: string,
    ttlMs: number,
    pass: (before: number) => Promise<T>,
  ): Promise<T[]> {
    const results: T[] = [];
    for (;;) {
      if (!(await this.tryAcquire(holder, ttlMs))) {
        return results;
      }
      const stopRenewing = this.keepAlive(holder, ttlMs);
      let seen: number;
      try {
        do {
          seen = await this.wanted();
          results.push(await pass(results.length));
        } while ((await this.wanted()) !== seen);
      } finally {
        stopRenewing();
        await this.release(holder);
      }
      if ((await this.wanted()) === seen) {
        return results;
      }
    }
  }

  async release(holder: string): Promise<void> {
    await this.db(TABLE)
      .where({ name: this.name, holder })
      .update({ holder: null, expires_at_ms: 0 });
  }
}

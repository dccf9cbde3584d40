import type { ReconcileMode, ReconcileReport } from './ExposureReconciler';

/** Triggers arriving this close together share one pass. */
const GATHER_MS = 20;
/** A timer longer than this is set again when it fires (setTimeout's limit is ~24.8 days). */
const LONGEST_TIMER_MS = 24 * 3600_000;

/**
 * Runs reconcile passes of one replica one at a time: the timer's passes, and a pass soon
 * after each change (an approval, a revoke, a watched object changing, an end date
 * reached). Changes that arrive while a pass runs are gathered into one more pass.
 *
 * @internal
 */
export class ReconcileTrigger {
  private running: Promise<unknown> = Promise.resolve();
  private scheduled: NodeJS.Timeout | undefined;
  private endDateTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly options: {
      reconcile: (mode: ReconcileMode) => Promise<ReconcileReport>;
      /** Receives each pass's report, or its error. */
      onReport?: (report: ReconcileReport, cause: string) => void;
      onError?: (error: unknown, cause: string) => void;
      now?: () => number;
    },
  ) {}

  /** Asks for a pass soon; the replica holding the lease runs it. */
  request(cause: string): void {
    if (this.stopped || this.scheduled) return;
    this.scheduled = setTimeout(() => {
      this.scheduled = undefined;
      this.run({ wanted: true }, cause).catch(() => undefined);
    }, GATHER_MS);
    this.scheduled.unref?.();
  }

  /** The timer's pass: reads every cluster afresh, after any pass already running. */
  timerPass(): Promise<ReconcileReport> {
    return this.run({ fresh: true }, 'timer');
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.scheduled);
    clearTimeout(this.endDateTimer);
  }

  /** Resolves once the pass running now (if any) has ended; for a clean shutdown. */
  settled(): Promise<void> {
    return this.running.then(() => undefined);
  }

  private run(mode: ReconcileMode, cause: string): Promise<ReconcileReport> {
    const pass = this.running.then(async () => {
      try {
        const report = await this.options.reconcile(mode);
        this.options.onReport?.(report, cause);
        this.wakeAtEndDate(report.nextEndDate);
        return report;
      } catch (error) {
        this.options.onError?.(error, cause);
        throw error;
      }
    });
    this.running = pass.catch(() => undefined);
    return pass;
  }

  private wakeAtEndDate(endDate: string | undefined) {
    clearTimeout(this.endDateTimer);
    if (!endDate || this.stopped) return;
    const now = this.options.now?.() ?? Date.now();
    const delay = Math.max(0, new Date(endDate).getTime() - now);
    this.endDateTimer = setTimeout(
      () =>
        delay > LONGEST_TIMER_MS
          ? this.wakeAtEndDate(endDate)
          : this.request('end date reached'),
      Math.min(delay, LONGEST_TIMER_MS),
    );
    this.endDateTimer.unref?.();
  }
}

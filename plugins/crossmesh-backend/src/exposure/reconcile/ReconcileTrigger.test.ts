import type { ReconcileMode, ReconcileReport } from './ExposureReconciler';
import { ReconcileTrigger } from './ReconcileTrigger';

const report = (nextEndDate?: string): ReconcileReport => ({
  clusters: [],
  dns: [],
  transitions: [],
  ...(nextEndDate ? { nextEndDate } : {}),
});

const until = async (check: () => boolean) => {
  for (let waited = 0; !check(); waited += 10) {
    if (waited > 5_000) throw new Error('gave up after 5 s');
    await new Promise(resolve => setTimeout(resolve, 10));
  }
};

describe('ReconcileTrigger', () => {
  let trigger: ReconcileTrigger | undefined;
  afterEach(() => trigger?.stop());

  it('runs passes one at a time, and gathers the requests made during a pass into one more', async () => {
    const passes: Array<{ mode: ReconcileMode; overlapping: boolean }> = [];
    let running = 0;
    let release: () => void = () => {};
    trigger = new ReconcileTrigger({
      reconcile: async mode => {
        passes.push({ mode, overlapping: running > 0 });
        running++;
        await new Promise<void>(resolve => {
          release = resolve;
        });
        running--;
        return report();
      },
    });

    const timer = trigger.timerPass();
    await until(() => passes.length === 1);
    for (let i = 0; i < 5; i++) trigger.request(`change ${i}`);
    await new Promise(resolve => setTimeout(resolve, 50));
    release();
    await timer;
    await until(() => passes.length === 2);
    release();
    await new Promise(resolve => setTimeout(resolve, 50));

    expect(passes).toEqual([
      { mode: { fresh: true }, overlapping: false },
      { mode: { wanted: true }, overlapping: false },
    ]);
  });

  it('settles once the running pass ends, and starts none after stop', async () => {
    let passes = 0;
    let release: () => void = () => {};
    trigger = new ReconcileTrigger({
      reconcile: async () => {
        passes++;
        await new Promise<void>(resolve => {
          release = resolve;
        });
        return report();
      },
    });
    const timer = trigger.timerPass();
    await until(() => passes === 1);
    trigger.request('a change while the pass runs');
    trigger.stop();
    let settled = false;
    const settling = trigger.settled().then(() => {
      settled = true;
    });
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    release();
    await settling;
    await timer;
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(passes).toBe(1);
  });

  it('wakes when the earliest end date ahead is reached', async () => {
    const causes: string[] = [];
    let now = Date.parse('2030-01-01T00:00:00Z');
    trigger = new ReconcileTrigger({
      reconcile: async () =>
        report(
          causes.length === 0 ? new Date(now + 100).toISOString() : undefined,
        ),
      onReport: (_report, cause) => causes.push(cause),
      now: () => now,
    });
    await trigger.timerPass();
    now += 100;
    await until(() => causes.length === 2);
    expect(causes).toEqual(['timer', 'end date reached']);
  });
});

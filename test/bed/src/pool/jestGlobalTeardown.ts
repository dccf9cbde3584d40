import type { BedBroker } from './bedBroker';
import { BED_POOL_ENV } from './leaseTestBed';

/** Stops the pool's beds and says how much they were shared. */
export default async function jestGlobalTeardown() {
  const broker: BedBroker | undefined = (globalThis as any).crossmeshBedBroker;
  if (!broker) return;
  (globalThis as any).crossmeshBedBroker = undefined;
  delete process.env[BED_POOL_ENV];
  await broker.close();
  const { started, leases, dropped } = broker.counts;
  if (leases > 0) {
    // eslint-disable-next-line no-console
    console.error(
      `test bed pool: ${leases} leases served by ${started} beds started (${dropped} stopped instead of reused)`,
    );
  }
}

import fs from 'node:fs';
import { SEED_TEMPLATES_ENV, seedTemplateCounts } from '../seedTemplates';
import type { BedBroker } from './bedBroker';
import { BED_POOL_ENV } from './leaseTestBed';

/** Stops the pool's beds, says how much they were shared, and removes the run's seeded copies. */
export default async function jestGlobalTeardown() {
  const templates: string | undefined = (globalThis as any)
    .crossmeshSeedTemplates;
  if (templates) {
    (globalThis as any).crossmeshSeedTemplates = undefined;
    delete process.env[SEED_TEMPLATES_ENV];
    const { seeded, copied } = seedTemplateCounts(templates);
    fs.rmSync(templates, { recursive: true, force: true });
    if (seeded > 0) {
      // eslint-disable-next-line no-console
      console.error(
        `test beds: ${seeded} kinds of cluster seeded through the API, ${copied} clusters copied from them`,
      );
    }
  }
  const broker: BedBroker | undefined = (globalThis as any).crossmeshBedBroker;
  if (!broker) return;
  (globalThis as any).crossmeshBedBroker = undefined;
  delete process.env[BED_POOL_ENV];
  await broker.close();
  const { started, leases, dropped, repaired } = broker.counts;
  if (leases > 0) {
    // eslint-disable-next-line no-console
    console.error(
      `test bed pool: ${leases} leases served by ${started} beds started (${dropped} stopped instead of reused, ${repaired} restores settled again after the API server's IP repairs)`,
    );
  }
}

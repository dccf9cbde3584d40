import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SEED_TEMPLATES_ENV } from '../seedTemplates';
import { startBedBroker } from './bedBroker';
import { BED_POOL_ENV } from './leaseTestBed';

/**
 * Starts the run's test bed pool in jest's main process; its test processes inherit its
 * address. Beds start when first leased, so a run that leases none starts none.
 * `CROSSMESH_BED_POOL=off` runs every test on a bed of its own. The run's beds, pooled or not,
 * seed each kind of cluster once and copy it after that (`seedTemplates.ts`).
 */
export default async function jestGlobalSetup() {
  if (!process.env[SEED_TEMPLATES_ENV]) {
    process.env[SEED_TEMPLATES_ENV] = fs.mkdtempSync(
      path.join(os.tmpdir(), 'crossmesh-seeded-'),
    );
    (globalThis as any).crossmeshSeedTemplates =
      process.env[SEED_TEMPLATES_ENV];
  }
  if (process.env[BED_POOL_ENV]) return;
  const broker = await startBedBroker({
    maxIdle: 2,
    // eslint-disable-next-line no-console
    log: line => console.error(line),
  });
  process.env[BED_POOL_ENV] = broker.url;
  (globalThis as any).crossmeshBedBroker = broker;
}

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { snapshotCluster } from './pool/clusterSnapshot';
import { writeAll } from './pool/etcdClient';
import type { SeedOptions } from './seedCluster';

/**
 * A folder where one test run keeps the clusters it has seeded, set by the jest global set-up
 * of the packages that lease beds. The next bed of the run that seeds a cluster the same way
 * gets that cluster's keys written into its etcd before its API server starts: the server
 * boots with the Istio CRDs and objects in place, about half the CPU of seeding them through
 * its API. `CROSSMESH_SEED_TEMPLATES=off` seeds every cluster through its API.
 */
export const SEED_TEMPLATES_ENV = 'CROSSMESH_SEED_TEMPLATES';

/** The run's folder of seeded clusters, if it keeps one. */
export function seedTemplatesDir(): string | undefined {
  const dir = process.env[SEED_TEMPLATES_ENV];
  return dir && dir !== 'off' ? dir : undefined;
}

/** One line per cluster copied, appended by whichever test process copied it. */
const COPIES_FILE = 'copies.log';

/** Everything that makes two seeded clusters differ, as a file name. */
function templateFile(
  dir: string,
  clusterName: string,
  seed: SeedOptions,
): string {
  const id = crypto
    .createHash('sha256')
    .update(
      JSON.stringify([
        clusterName,
        seed.istioVersion,
        seed.gatewayAddress,
        seed.crossmeshAccess ?? 'cluster-admin',
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return path.join(dir, `${clusterName}-${id}.json`);
}

/**
 * Writes the run's seeded copy of the cluster into etcd, before its API server starts;
 * false when the run has seeded no such cluster yet.
 */
export async function restoreSeedTemplate(
  dir: string,
  etcdUrl: string,
  clusterName: string,
  seed: SeedOptions,
): Promise<boolean> {
  const file = templateFile(dir, clusterName, seed);
  if (!fs.existsSync(file)) return false;
  const entries: Array<[string, string]> = JSON.parse(
    fs.readFileSync(file, 'utf8'),
  );
  await writeAll(
    etcdUrl,
    entries.map(([key, value]) => ({
      put: { key, value: Buffer.from(value, 'base64') },
    })),
  );
  fs.appendFileSync(path.join(dir, COPIES_FILE), `${clusterName}\n`);
  return true;
}

/** How many kinds of cluster the run seeded, and how many clusters it copied from them. */
export function seedTemplateCounts(dir: string): {
  seeded: number;
  copied: number;
} {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  const copies = files.includes(COPIES_FILE)
    ? fs.readFileSync(path.join(dir, COPIES_FILE), 'utf8').split('\n')
    : [];
  return {
    seeded: files.filter(file => file.endsWith('.json')).length,
    copied: copies.filter(Boolean).length,
  };
}

/**
 * Keeps a cluster just seeded for the run's next beds: its keys in etcd but those the API
 * server writes for itself (leases, events, flow control), which it makes again when it starts.
 */
export async function saveSeedTemplate(
  dir: string,
  etcdUrl: string,
  clusterName: string,
  seed: SeedOptions,
): Promise<void> {
  const snapshot = await snapshotCluster(etcdUrl, clusterName);
  const entries = [...snapshot.entries].map(([key, { value }]) => [
    key,
    value.toString('base64'),
  ]);
  const file = templateFile(dir, clusterName, seed);
  // Beds of other test processes may read it at any moment: it appears whole or not at all.
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, JSON.stringify(entries));
  fs.renameSync(partial, file);
}

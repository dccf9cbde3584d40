import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { findIstioBinaries } from '../istio/istioBinaries';
import { packageDir, repoRoot } from '../paths';

const run = promisify(execFile);

/** What the data plane runs, each installed or built once into a version-keyed cache. */
export interface DataPlaneBinaries {
  pilotAgent: string;
  envoy: string;
  bootstrapTemplate: string;
  coredns: string;
}

async function lastLineOf(script: string, what: string): Promise<string> {
  try {
    const { stdout } = await run('bash', [script], { maxBuffer: 16 << 20 });
    return stdout.trim().split('\n').pop() ?? '';
  } catch (error) {
    throw new Error(
      `${script} failed to provide ${what}: ${
        (error as { stderr?: string }).stderr?.trim() || error
      }`,
    );
  }
}

/** pilot-agent and Istio's bootstrap template (build-istio.sh), Envoy (install-envoy.sh), CoreDNS. */
export async function findDataPlaneBinaries(): Promise<DataPlaneBinaries> {
  const [istio, envoy, coredns] = await Promise.all([
    findIstioBinaries(),
    lastLineOf(path.join(packageDir, 'install-envoy.sh'), 'Envoy'),
    lastLineOf(
      path.join(
        repoRoot,
        'plugins/crossmesh-backend/src/exposure/dns/__testUtils__/build-coredns.sh',
      ),
      'CoreDNS',
    ),
  ]);
  const bootstrapTemplate = path.join(
    path.dirname(istio.pilotAgent),
    'envoy_bootstrap.json',
  );
  if (!fs.existsSync(bootstrapTemplate)) {
    throw new Error(
      `${bootstrapTemplate} is missing: build-istio.sh copies Istio's tools/packaging/common/envoy_bootstrap.json there (run it again), or put it beside pilot-agent in CROSSMESH_ISTIO_BIN.`,
    );
  }
  return { pilotAgent: istio.pilotAgent, envoy, bootstrapTemplate, coredns };
}

import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { TestCluster } from '../types';
import { findIstioBinaries } from './istioBinaries';

const run = promisify(execFile);

/**
 * One finding of `istioctl analyze`.
 *
 * @public
 */
export interface AnalysisMessage {
  code: string;
  level: 'Error' | 'Warning' | 'Info';
  /** e.g. `ServiceEntry foo/crossmesh-svc-2-bar-0123456789` */
  origin: string;
  message: string;
  documentationUrl?: string;
}

/**
 * Runs Istio's own analyzer (`istioctl analyze --all-namespaces`) against a bed cluster's
 * apiserver and returns every message it printed.
 *
 * @public
 */
export async function analyzeCluster(
  cluster: TestCluster,
): Promise<AnalysisMessage[]> {
  const { istioctl } = await findIstioBinaries();
  const args = [
    'analyze',
    `--kubeconfig=${cluster.kubeconfigPath}`,
    '--all-namespaces',
    '--output=json',
    // Report Info too, so a caller sees everything; it filters by level itself.
    '--output-threshold=Info',
  ];
  let stdout: string;
  try {
    ({ stdout } = await run(istioctl, args, { maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    // istioctl exits non-zero when it finds issues; its JSON is still on stdout.
    const failed = error as { stdout?: string; stderr?: string };
    if (!failed.stdout?.trim().startsWith('[')) {
      throw new Error(
        `istioctl analyze against ${cluster.name} failed: ${
          failed.stderr?.trim() || error
        }`,
      );
    }
    stdout = failed.stdout;
  }
  return JSON.parse(stdout) as AnalysisMessage[];
}

import { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  OnboardingJob,
  OnboardingJobInput,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshService } from '@crossmesh/backstage-plugin-crossmesh-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { callBackend, onboardingJobFailure } from './backendFailure';
import { clusterNameOf } from './clusterName';
import { examples } from './onboardCluster.examples';
import { OnboardingProgressLog } from './onboardingProgress';

const KEY_TYPES = ['rsa-4096', 'rsa-2048', 'ecdsa-p256'] as const;

/** How often the job is read while it runs. */
const POLL_INTERVAL_MS = 500;

/**
 * `crossmesh:cluster:onboard`: adds a cluster of the Kubernetes plugin's configuration to
 * the mesh, through the crossmesh backend and with the permissions of the task's user. The
 * backend's onboarding job does the work; the action starts it, writes each step's
 * progress to the task log, and fails as the job failed.
 *
 * @public
 */
export function createOnboardClusterAction(options: {
  crossmesh: CrossmeshService;
}) {
  const { crossmesh } = options;
  return createTemplateAction({
    id: 'crossmesh:cluster:onboard',
    description:
      'Adds a cluster to the mesh: checks its prerequisites, issues its intermediate CA from the mesh root, writes cacerts and restarts istiod and the gateway, wires the DNS its strategy needs (.global forwarding under legacy-global), registers the cluster, and checks it again. Each change is made once, even when the task is retried. In a dry run it only runs the preflight and says what it would do.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z
            .string()
            .min(1)
            .describe(
              "The cluster: its name in the Kubernetes plugin's configuration, or its catalog Resource (resource:default/<name>)",
            ),
        network: z =>
          z
            .string()
            .min(1)
            .max(63)
            .describe("The cluster's Istio network name, e.g. network-1"),
        gatewayAddress: z =>
          z
            .string()
            .optional()
            .describe(
              "Address other clusters reach this cluster's gateway on, instead of the one discovered (an IP or a DNS name)",
            ),
        gatewayPort: z =>
          z
            .number()
            .int()
            .min(1)
            .max(65535)
            .optional()
            .describe('Port for gatewayAddress; 15443 when left out'),
        keyType: z =>
          z
            .enum(KEY_TYPES)
            .optional()
            .describe(
              "Key type of the cluster's intermediate CA; crossmesh.trust.intermediateKeyType when left out",
            ),
      },
      output: {
        cluster: z => z.string().describe("The cluster's name"),
        intermediateSerial: z =>
          z
            .string()
            .optional()
            .describe("Serial of the cluster's intermediate CA"),
        intermediateFingerprint: z =>
          z
            .string()
            .optional()
            .describe("SHA-256 fingerprint of the cluster's intermediate CA"),
        preflightOk: z =>
          z.boolean().describe('Whether the last preflight found no failure'),
      },
    },
    async handler(ctx) {
      const cluster = clusterNameOf(ctx.input.cluster, 'cluster');
      const auth = { credentials: await ctx.getInitiatorCredentials() };
      ctx.output('cluster', cluster);
      const input: OnboardingJobInput = {
        cluster,
        network: ctx.input.network,
        gatewayAddress: ctx.input.gatewayAddress ?? null,
        gatewayPort: ctx.input.gatewayPort ?? null,
        keyType: ctx.input.keyType ?? null,
        dryRun: ctx.isDryRun,
      };
      const start = () =>
        callBackend('Starting onboarding', () =>
          crossmesh.startOnboarding(input, auth),
        );

      let job: OnboardingJob;
      if (ctx.isDryRun) {
        job = await start();
      } else {
        // A retried task follows the job it started; one that failed is started again,
        // and its steps that were done change nothing the second time.
        const { jobId } = await ctx.checkpoint({
          key: 'onboarding-job',
          fn: async () => ({ jobId: (await start()).id }),
        });
        job = await readJob(crossmesh, jobId, auth);
        if (job.state === 'failed') {
          ctx.logger.info(
            `Onboarding job ${jobId} of an earlier attempt failed; starting it again`,
          );
          job = await start();
        }
      }

      const progress = new OnboardingProgressLog(ctx.logger);
      progress.write(job);
      while (job.state === 'running') {
        await new Promise(resolve => setTimeout(resolve, POLL_INTERVAL_MS));
        job = await readJob(crossmesh, job.id, auth);
        progress.write(job);
      }

      const { intermediateSerial, intermediateFingerprint, preflightOk } =
        job.result;
      if (intermediateSerial && intermediateFingerprint) {
        ctx.output('intermediateSerial', intermediateSerial);
        ctx.output('intermediateFingerprint', intermediateFingerprint);
      }
      if (preflightOk !== undefined) {
        ctx.output('preflightOk', preflightOk);
      }
      if (job.failure) {
        if (job.resume) {
          ctx.logger.warn(job.resume);
        }
        throw onboardingJobFailure(job.failure);
      }
    },
  });
}

function readJob(
  crossmesh: CrossmeshService,
  jobId: string,
  auth: { credentials: BackstageCredentials },
): Promise<OnboardingJob> {
  return callBackend(`Reading onboarding job ${jobId}`, () =>
    crossmesh.getOnboardingJob(jobId, auth),
  );
}

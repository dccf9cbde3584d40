import { ConflictError } from '@backstage/errors';
import {
  ClusterMembership,
  ClusterMembershipInput,
  describePreflightCheck,
  DnsWiringResult,
  IntermediateKeyType,
  ONBOARDING_ERROR_CODES,
  OnboardingJob,
  OnboardingJobResult,
  OnboardingMessage,
  OnboardingStepId,
  PreflightCheck,
  PreflightReport,
  TrustState,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { onboardingFailure } from './onboardingFailure';

/**
 * What the steps call: the backend's own services, with the actor of the job.
 *
 * @internal
 */
export interface OnboardingStepServices {
  preflight(cluster: string): Promise<PreflightReport>;
  trustState(): Promise<TrustState>;
  issueIntermediate(
    cluster: string,
    actor: string,
    keyType: IntermediateKeyType | undefined,
  ): Promise<{
    intermediate: {
      serial: string;
      keyType: string;
      fingerprintSha256: string;
      notAfter: string;
    };
    distribution: { changed: boolean; restarted: string[]; error?: string };
  }>;
  distributeCacerts(
    cluster: string,
    actor: string,
  ): Promise<{
    changed: boolean;
    restarted: string[];
    missingDeployments: string[];
    error?: string;
  }>;
  wireDns(cluster: string, actor: string): Promise<DnsWiringResult>;
  register(
    cluster: string,
    membership: ClusterMembershipInput,
    actor: string,
  ): Promise<ClusterMembership>;
}

/**
 * What a running step may read and report.
 *
 * @internal
 */
export interface StepContext {
  readonly job: OnboardingJob;
  readonly actor: string;
  log(level: OnboardingMessage['level'], message: string): Promise<void>;
  attachPreflight(report: PreflightReport): Promise<void>;
  addResult(result: OnboardingJobResult): Promise<void>;
}

type Step = (
  ctx: StepContext,
  services: OnboardingStepServices,
) => Promise<void>;

const gatewayOf = (input: ClusterMembershipInput) =>
  input.gatewayAddress
    ? ` with gateway ${input.gatewayAddress}:${input.gatewayPort ?? 15443}`
    : '';

function membershipOf(job: OnboardingJob): ClusterMembershipInput {
  const { network, gatewayAddress, gatewayPort, keyType } = job.input;
  return {
    network,
    gatewayAddress: gatewayAddress ?? null,
    gatewayPort: gatewayPort ?? null,
    keyType: keyType ?? null,
  };
}

/** The report of the job's first preflight; the steps after it run only once it passed. */
function firstPreflight(job: OnboardingJob): PreflightReport {
  const report = job.steps.find(s => s.id === 'preflight')?.preflight;
  if (!report) {
    throw new Error('the preflight step has not run');
  }
  return report;
}

/** The steps in {@link ONBOARDING_STEPS}' order, each safe to run again. */
export const ONBOARDING_STEP_RUNNERS: Record<OnboardingStepId, Step> = {
  async preflight(ctx, services) {
    const report = await services.preflight(ctx.job.cluster);
    await ctx.attachPreflight(report);
    const blocking = report.checks.filter(
      c => c.status === 'fail' && !c.fixedByOnboarding,
    );
    if (blocking.length) {
      throw onboardingFailure(
        ONBOARDING_ERROR_CODES.notReady,
        new ConflictError(
          `Cluster ${
            report.cluster
          } is not ready for the mesh; nothing was changed. Fix these and run the template again:\n${blocking
            .map(describePreflightCheck)
            .join('\n')}`,
        ),
      );
    }
  },

  async 'issue-intermediate'(ctx, services) {
    const cluster = ctx.job.cluster;
    const keyType = ctx.job.input.keyType ?? undefined;
    const current = (await services.trustState()).intermediates.find(
      i => i.clusterName === cluster,
    );
    const cacertsOk =
      firstPreflight(ctx.job).checks.find(c => c.id === 'cacerts')?.status ===
      'pass';
    if (current && cacertsOk && (!keyType || current.keyType === keyType)) {
      await ctx.log(
        'info',
        `Kept the current intermediate (serial ${current.serial}, ${current.keyType}): cacerts already chains to the mesh root`,
      );
      await ctx.addResult({
        intermediateSerial: current.serial,
        intermediateFingerprint: current.fingerprintSha256,
      });
      return;
    }
    const issued = await services.issueIntermediate(
      cluster,
      ctx.actor,
      keyType,
    );
    const { intermediate, distribution } = issued;
    await ctx.log(
      'info',
      `Issued intermediate serial ${intermediate.serial} (${intermediate.keyType}, SHA-256 ${intermediate.fingerprintSha256}), valid until ${intermediate.notAfter}`,
    );
    if (distribution.error) {
      await ctx.log(
        'warn',
        `Writing cacerts with it failed, so the next step tries again: ${distribution.error}`,
      );
    } else if (distribution.changed) {
      await ctx.log(
        'info',
        `Wrote cacerts and restarted ${
          distribution.restarted.join(', ') || 'nothing'
        }`,
      );
    }
    await ctx.addResult({
      intermediateSerial: intermediate.serial,
      intermediateFingerprint: intermediate.fingerprintSha256,
    });
  },

  async 'distribute-cacerts'(ctx, services) {
    const cluster = ctx.job.cluster;
    const distribution = await services.distributeCacerts(cluster, ctx.actor);
    if (distribution.error) {
      throw new ConflictError(
        `writing cacerts to cluster ${cluster} failed: ${distribution.error}`,
      );
    }
    const restarted = distribution.restarted.join(', ');
    await ctx.log(
      'info',
      distribution.changed
        ? `Wrote cacerts and restarted ${restarted || 'nothing'}`
        : `cacerts holds the intermediate${
            restarted ? `; restarted ${restarted}` : ''
          }`,
    );
    if (distribution.missingDeployments.length) {
      await ctx.log(
        'warn',
        `Not found, so not restarted: ${distribution.missingDeployments.join(
          ', ',
        )}`,
      );
    }
  },

  async 'wire-dns'(ctx, services) {
    const dns = await services.wireDns(ctx.job.cluster, ctx.actor);
    await ctx.log('info', dns.detail);
  },

  async 'register-membership'(ctx, services) {
    const cluster = ctx.job.cluster;
    const registered = await services.register(
      cluster,
      membershipOf(ctx.job),
      ctx.actor,
    );
    await ctx.log(
      'info',
      `Registered ${cluster} on network ${registered.network}${gatewayOf(
        registered,
      )} (onboarded ${registered.onboardedAt} by ${registered.onboardedBy})`,
    );
  },

  async 'final-preflight'(ctx, services) {
    const report = await services.preflight(ctx.job.cluster);
    await ctx.attachPreflight(report);
    await ctx.addResult({ preflightOk: report.ok });
    if (!report.ok) {
      throw onboardingFailure(
        ONBOARDING_ERROR_CODES.stillFailing,
        new ConflictError(
          `Cluster ${
            report.cluster
          } was onboarded, but its preflight still fails:\n${report.checks
            .filter(c => c.status === 'fail')
            .map(describePreflightCheck)
            .join('\n')}`,
        ),
      );
    }
    await ctx.log('info', `Cluster ${ctx.job.cluster} is in the mesh`);
  },
};

/**
 * What a real run would do after the first preflight, step by step, for a dry run: the
 * same decisions the steps make, from the same report.
 *
 * @internal
 */
export function dryRunPlan(
  job: OnboardingJob,
): Partial<Record<OnboardingStepId, string>> {
  const report = firstPreflight(job);
  const check = (id: string) => report.checks.find(c => c.id === id);
  const wiring = check('dns-wiring');
  const membership = membershipOf(job);
  return {
    'issue-intermediate':
      check('cacerts')?.status === 'pass'
        ? 'keep the current intermediate CA, whose cacerts chains to the mesh root'
        : `issue an intermediate CA (${
            membership.keyType ?? 'the configured key type'
          }) from the mesh root and write cacerts, restarting istiod and istio-ingressgateway`,
    'wire-dns': dnsPlan(wiring?.status, check('mesh-config') !== undefined),
    'register-membership': `register ${job.cluster} on network ${
      membership.network
    }${gatewayOf(membership)}, then run the preflight again`,
  };
}

function dnsPlan(
  wiring: PreflightCheck['status'] | undefined,
  multiPrimary: boolean,
): string {
  if (multiPrimary) {
    return "wire no DNS: the sidecars' DNS proxy resolves other clusters' Service names";
  }
  if (!wiring) {
    return "wire no DNS: the sidecars' DNS proxy resolves .global names";
  }
  return wiring === 'pass'
    ? 'leave .global DNS as it is (already forwarded to istiocoredns)'
    : 'add the .global forwarding to istiocoredns in the cluster DNS';
}

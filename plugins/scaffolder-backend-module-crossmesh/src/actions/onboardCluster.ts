import { ConflictError, InputError } from '@backstage/errors';
import {
  ClusterMembershipInput,
  IntermediateKeyType,
  PreflightReport,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import { CrossmeshService } from '@crossmesh/backstage-plugin-crossmesh-node';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { callBackend } from './backendFailure';
import { clusterNameOf } from './clusterName';
import { describeCheck, logPreflight } from './logPreflight';
import { examples } from './onboardCluster.examples';

const KEY_TYPES = ['rsa-4096', 'rsa-2048', 'ecdsa-p256'] as const;

/**
 * `crossmesh:cluster:onboard`: adds a cluster of the Kubernetes plugin's configuration to
 * the mesh, through the crossmesh backend and with the permissions of the task's user.
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
      'Adds a cluster to the mesh: checks its prerequisites, issues its intermediate CA from the mesh root, writes cacerts and restarts istiod and the gateway, wires .global DNS, registers the cluster, and checks it again. Each change is made once, even when the task is retried. In a dry run it only runs the preflight and says what it would do.',
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
      const membership = membershipInput(ctx.input);
      const keyType = membership.keyType ?? undefined;
      const credentials = await ctx.getInitiatorCredentials();
      const auth = { credentials };
      ctx.output('cluster', cluster);

      ctx.logger.info(`Step 1: preflight of cluster ${cluster}`);
      const before = await callBackend('The preflight', () =>
        crossmesh.getPreflight(cluster, auth),
      );
      logPreflight(ctx.logger, before);
      requireReady(before);
      await requireNoGatewayConflict(cluster, membership, () =>
        crossmesh.getCluster(cluster, auth),
      );

      if (ctx.isDryRun) {
        logPlan(ctx.logger, before, membership);
        ctx.output('preflightOk', before.ok);
        return;
      }

      const intermediate = await ctx.checkpoint({
        key: 'issue-intermediate',
        fn: async () => {
          ctx.logger.info(`Step 2: the intermediate CA of ${cluster}`);
          const trust = await callBackend('Reading the mesh trust', () =>
            crossmesh.getTrust(auth),
          );
          const current = trust.intermediates.find(
            i => i.clusterName === cluster,
          );
          const cacertsOk =
            before.checks.find(c => c.id === 'cacerts')?.status === 'pass';
          if (
            current &&
            cacertsOk &&
            (!keyType || current.keyType === keyType)
          ) {
            ctx.logger.info(
              `Kept the current intermediate (serial ${current.serial}, ${current.keyType}): cacerts already chains to the mesh root`,
            );
            return {
              serial: current.serial,
              fingerprintSha256: current.fingerprintSha256,
            };
          }
          const issued = await callBackend('Issuing the intermediate CA', () =>
            crossmesh.issueIntermediate(cluster, { keyType }, auth),
          );
          ctx.logger.info(
            `Issued intermediate serial ${issued.intermediate.serial} (${issued.intermediate.keyType}, SHA-256 ${issued.intermediate.fingerprintSha256}), valid until ${issued.intermediate.notAfter}`,
          );
          const { distribution } = issued;
          if (distribution.error) {
            ctx.logger.warn(
              `Writing cacerts with it failed, so the next step tries again: ${distribution.error}`,
            );
          } else if (distribution.changed) {
            ctx.logger.info(
              `Wrote cacerts and restarted ${
                distribution.restarted.join(', ') || 'nothing'
              }`,
            );
          }
          return {
            serial: issued.intermediate.serial,
            fingerprintSha256: issued.intermediate.fingerprintSha256,
          };
        },
      });
      ctx.output('intermediateSerial', intermediate.serial);
      ctx.output('intermediateFingerprint', intermediate.fingerprintSha256);

      await ctx.checkpoint({
        key: 'distribute-cacerts',
        fn: async () => {
          ctx.logger.info(
            `Step 3: cacerts in ${cluster}, and restarts of istiod and the gateway`,
          );
          const distribution = await callBackend('Writing cacerts', () =>
            crossmesh.distributeCacerts(cluster, auth),
          );
          if (distribution.error) {
            throw new ConflictError(
              `Writing cacerts to cluster ${cluster} failed: ${distribution.error}`,
            );
          }
          ctx.logger.info(
            distribution.changed
              ? `Wrote cacerts and restarted ${
                  distribution.restarted.join(', ') || 'nothing'
                }`
              : `cacerts holds the intermediate${
                  distribution.restarted.length
                    ? `; restarted ${distribution.restarted.join(', ')}`
                    : ''
                }`,
          );
          if (distribution.missingDeployments.length) {
            ctx.logger.warn(
              `Not found, so not restarted: ${distribution.missingDeployments.join(
                ', ',
              )}`,
            );
          }
          return { changed: distribution.changed };
        },
      });

      await ctx.checkpoint({
        key: 'wire-dns',
        fn: async () => {
          ctx.logger.info(`Step 4: .global DNS in ${cluster}`);
          const dns = await callBackend('Wiring .global DNS', () =>
            crossmesh.wireDns(cluster, auth),
          );
          ctx.logger.info(dns.detail);
          return { changed: dns.changed };
        },
      });

      await ctx.checkpoint({
        key: 'register-membership',
        fn: async () => {
          ctx.logger.info(`Step 5: registering ${cluster} in the mesh`);
          const registered = await callBackend('Registering the cluster', () =>
            crossmesh.registerMembership(cluster, membership, auth),
          );
          ctx.logger.info(
            `Registered ${cluster} on network ${registered.network}${
              registered.gatewayAddress
                ? ` with gateway ${registered.gatewayAddress}:${
                    registered.gatewayPort ?? 15443
                  }`
                : ''
            } (onboarded ${registered.onboardedAt} by ${
              registered.onboardedBy
            })`,
          );
          return { onboardedAt: registered.onboardedAt };
        },
      });

      ctx.logger.info(`Step 6: preflight of cluster ${cluster} again`);
      const after = await callBackend('The final preflight', () =>
        crossmesh.getPreflight(cluster, auth),
      );
      logPreflight(ctx.logger, after);
      ctx.output('preflightOk', after.ok);
      if (!after.ok) {
        throw new ConflictError(
          `Cluster ${cluster} was onboarded, but its preflight still fails:\n${after.checks
            .filter(c => c.status === 'fail')
            .map(describeCheck)
            .join('\n')}`,
        );
      }
      ctx.logger.info(`Cluster ${cluster} is in the mesh`);
    },
  });
}

function membershipInput(input: {
  network: string;
  gatewayAddress?: string;
  gatewayPort?: number;
  keyType?: IntermediateKeyType;
}): ClusterMembershipInput {
  const gatewayAddress = input.gatewayAddress?.trim() || null;
  if (input.gatewayPort !== undefined && !gatewayAddress) {
    throw new InputError(
      'gatewayPort was given without gatewayAddress; give both, or neither',
    );
  }
  if (
    input.keyType &&
    !(KEY_TYPES as readonly string[]).includes(input.keyType)
  ) {
    throw new InputError(
      `keyType '${input.keyType}' is not one of ${KEY_TYPES.join(', ')}`,
    );
  }
  return {
    network: input.network.trim(),
    gatewayAddress,
    gatewayPort: gatewayAddress ? input.gatewayPort ?? null : null,
    keyType: input.keyType ?? null,
  };
}

/** Fails on any failed check that onboarding does not fix by itself. */
function requireReady(report: PreflightReport) {
  const blocking = report.checks.filter(
    c => c.status === 'fail' && !c.fixedByOnboarding,
  );
  if (blocking.length) {
    throw new ConflictError(
      `Cluster ${
        report.cluster
      } is not ready for the mesh; nothing was changed. Fix these and run the template again:\n${blocking
        .map(describeCheck)
        .join('\n')}`,
    );
  }
}

/** A gateway address set in config wins; asking for another one would fail at the end. */
async function requireNoGatewayConflict(
  cluster: string,
  membership: ClusterMembershipInput,
  observe: () => Promise<{
    gateway: { address: string; port: number; source: string } | null;
    membership?: { gatewayAddress: string | null };
  }>,
) {
  if (!membership.gatewayAddress) {
    return;
  }
  const observed = await callBackend(`Reading cluster ${cluster}`, observe);
  const gateway = observed.gateway;
  const fromConfig =
    gateway?.source === 'config' &&
    observed.membership?.gatewayAddress !== gateway.address;
  if (
    fromConfig &&
    (gateway.address !== membership.gatewayAddress ||
      gateway.port !== (membership.gatewayPort ?? 15443))
  ) {
    throw new ConflictError(
      `crossmesh.clusters.${cluster}.gatewayAddress in the app config sets the gateway to ${gateway.address}:${gateway.port}, and config wins; leave the gateway address empty, or change the config. Nothing was changed.`,
    );
  }
}

function logPlan(
  logger: { info(message: string): void },
  before: PreflightReport,
  membership: ClusterMembershipInput,
) {
  const check = (id: string) => before.checks.find(c => c.id === id);
  const cacerts = check('cacerts');
  const wiring = check('dns-wiring');
  logger.info('Dry run: nothing was changed. A real run would:');
  logger.info(
    cacerts?.status === 'pass'
      ? '- keep the current intermediate CA, whose cacerts chains to the mesh root'
      : `- issue an intermediate CA (${
          membership.keyType ?? 'the configured key type'
        }) from the mesh root and write cacerts, restarting istiod and istio-ingressgateway`,
  );
  if (wiring) {
    logger.info(
      wiring.status === 'pass'
        ? '- leave .global DNS as it is (already forwarded to istiocoredns)'
        : '- add the .global forwarding to istiocoredns in the cluster DNS',
    );
  } else {
    logger.info(
      "- wire no DNS: the sidecars' DNS proxy resolves .global names",
    );
  }
  logger.info(
    `- register ${before.cluster} on network ${membership.network}${
      membership.gatewayAddress
        ? ` with gateway ${membership.gatewayAddress}:${
            membership.gatewayPort ?? 15443
          }`
        : ''
    }, then run the preflight again`,
  );
}

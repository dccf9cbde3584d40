import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  CrossmeshGroups,
  MeshStrategy,
  readCrossmeshGroups,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import {
  ClusterConnection,
  readClusterConnections,
} from './clusters/clusterConnections';
import { deriveKek, KeyType } from './pki';
import { TrustMode, TrustSettings } from './trust';
import {
  DeliverySettings,
  readDeliverySettings,
} from './exposure/delivery/deliverySettings';

/**
 * Everything crossmesh reads from the app's config, read once by the plugin and handed
 * down, with the defaults `config.d.ts` documents applied.
 *
 * @internal
 */
export interface CrossmeshSettings {
  /** The mesh's clusters, from `kubernetes.clusterLocatorMethods` and `crossmesh.clusters`. */
  clusters: ClusterConnection[];
  /** Cluster locators crossmesh cannot read clusters from. */
  unsupportedLocators: string[];
  /** `crossmesh.strategy`: wins over the strategy detected from istiod's version. */
  strategy?: MeshStrategy;
  /** `crossmesh.clusterTimeoutSeconds`, in milliseconds. */
  clusterTimeoutMs: number;
  /**
   * `crossmesh.reconcileIntervalSeconds`: the timer's pass, a safety net behind the
   * watches and the passes each change triggers.
   */
  reconcileIntervalSeconds: number;
  /** `crossmesh.watchClusters`: watch what crossmesh manages in each cluster. */
  watchClusters: boolean;
  /** `crossmesh.reconcileOnChange`: a pass after each approval, revoke, cancel or rejection. */
  reconcileOnChange: boolean;
  /** `crossmesh.approvers.groups` and `crossmesh.platform.groups`. */
  groups: CrossmeshGroups;
  /** `crossmesh.exposure.allowedSystemNamespaces`. */
  allowedSystemNamespaces: string[];
  trust: Omit<TrustSettings, 'keyTypeFor' | 'strategyOf'> & {
    renewalCheckMinutes: number;
  };
  /** `crossmesh.multiPrimary.keepGlobalNames`: `.global` objects beside multi-primary's entries. */
  keepGlobalNames: boolean;
  /** `crossmesh.multiPrimary.revisions`: whose mesh configs crossmesh keeps. */
  meshConfigRevisions: string[];
  /** `crossmesh.delivery`: clusters whose objects go through Git (ADR 0037). */
  delivery: DeliverySettings;
  /** `app.baseUrl`: where pull requests and notifications link back to. */
  appBaseUrl: string;
  /** `crossmesh.remoteSecrets`: the remote secrets crossmesh keeps for istiod (ADR 0033). */
  remoteSecrets: {
    enabled: boolean;
    tokenLifetimeSeconds: number;
    checkIntervalSeconds: number;
  };
}

const STRATEGIES: readonly MeshStrategy[] = [
  'legacy-global',
  'dns-proxy',
  'multi-primary',
];
const TRUST_MODES: readonly TrustMode[] = ['managed', 'offline-root'];
const KEY_TYPES: readonly KeyType[] = ['rsa-4096', 'rsa-2048', 'ecdsa-p256'];

/**
 * Reads crossmesh's settings.
 *
 * @throws Error naming the key, the value and the values allowed, for a value crossmesh
 *   does not know.
 * @internal
 */
export function readCrossmeshSettings(config: Config): CrossmeshSettings {
  const { clusters, unsupportedLocators } = readClusterConnections(config);
  const trust = config.getOptionalConfig('crossmesh.trust');
  const secret = trust?.getOptionalString('keyEncryptionSecret');
  return {
    clusters,
    unsupportedLocators,
    delivery: readDeliverySettings(
      config,
      clusters.map(c => c.name),
    ),
    appBaseUrl: config.getOptionalString('app.baseUrl') ?? '',
    strategy: oneOf(config, 'crossmesh.strategy', STRATEGIES),
    clusterTimeoutMs:
      (config.getOptionalNumber('crossmesh.clusterTimeoutSeconds') ?? 10) *
      1000,
    reconcileIntervalSeconds:
      config.getOptionalNumber('crossmesh.reconcileIntervalSeconds') ?? 600,
    watchClusters: config.getOptionalBoolean('crossmesh.watchClusters') ?? true,
    reconcileOnChange:
      config.getOptionalBoolean('crossmesh.reconcileOnChange') ?? true,
    groups: readCrossmeshGroups(config),
    allowedSystemNamespaces:
      config.getOptionalStringArray(
        'crossmesh.exposure.allowedSystemNamespaces',
      ) ?? [],
    trust: {
      mode: oneOf(config, 'crossmesh.trust.mode', TRUST_MODES) ?? 'managed',
      kek: secret ? deriveKek(secret) : undefined,
      previousKeks: (
        trust?.getOptionalStringArray('previousKeyEncryptionSecrets') ?? []
      ).map(previous => deriveKek(previous)),
      intermediateKeyType:
        oneOf(config, 'crossmesh.trust.intermediateKeyType', KEY_TYPES) ??
        'rsa-4096',
      intermediateValidityDays:
        trust?.getOptionalNumber('intermediateValidityDays') ?? 730,
      renewalWindowDays: trust?.getOptionalNumber('renewalWindowDays') ?? 30,
      renewalCheckMinutes:
        trust?.getOptionalNumber('renewalCheckMinutes') ?? 60,
      workloadCertificateTtlMs: readWorkloadCertificateTtl(config),
    },
    remoteSecrets: readRemoteSecrets(config),
    keepGlobalNames:
      config.getOptionalBoolean('crossmesh.multiPrimary.keepGlobalNames') ??
      false,
    meshConfigRevisions: readRevisions(config),
  };
}

/** A revision as `istioctl install --revision` accepts it: part of a DNS label. */
const REVISION = /^[a-z0-9]([a-z0-9-]{0,56}[a-z0-9])?$/;

function readRevisions(config: Config): string[] {
  const key = 'crossmesh.multiPrimary.revisions';
  const revisions = config.getOptionalStringArray(key) ?? ['default'];
  if (revisions.length === 0) {
    throw new Error(
      `${key} is empty; name the Istio revisions whose istiods run in the clusters, e.g. ['default'] or ['1-24', '1-25'] during a canary upgrade`,
    );
  }
  const bad = revisions.find(r => !REVISION.test(r));
  if (bad !== undefined) {
    throw new Error(
      `${key} holds '${bad}', which is not an Istio revision name (lowercase letters, digits and '-', as in istioctl install --revision 1-24); use 'default' for an install without a revision`,
    );
  }
  return [...new Set(revisions)];
}

/** The API server's shortest TokenRequest lifetime. */
const MIN_TOKEN_LIFETIME_S = 600;

function readRemoteSecrets(config: Config): CrossmeshSettings['remoteSecrets'] {
  const seconds = (key: string, fallbackMs: number, example: string) =>
    Math.round(
      (config.has(key) ? readDurationMs(config, key, example) : fallbackMs) /
        1000,
    );
  const tokenLifetimeSeconds = seconds(
    'crossmesh.remoteSecrets.tokenLifetime',
    24 * 60 * 60 * 1000,
    "e.g. '24h'",
  );
  const checkIntervalSeconds = seconds(
    'crossmesh.remoteSecrets.checkInterval',
    10 * 60 * 1000,
    "e.g. '10m'",
  );
  if (tokenLifetimeSeconds < MIN_TOKEN_LIFETIME_S) {
    throw new Error(
      `crossmesh.remoteSecrets.tokenLifetime is ${tokenLifetimeSeconds}s, shorter than the 10 minutes an API server grants a token at least; give 10m or more, e.g. '24h'`,
    );
  }
  if (
    checkIntervalSeconds <= 0 ||
    checkIntervalSeconds * 2 > tokenLifetimeSeconds
  ) {
    throw new Error(
      `crossmesh.remoteSecrets.checkInterval (${checkIntervalSeconds}s) must be positive and at most half of tokenLifetime (${tokenLifetimeSeconds}s), since tokens are renewed once half their life has passed; e.g. '10m' for '24h'`,
    );
  }
  return {
    enabled:
      config.getOptionalBoolean('crossmesh.remoteSecrets.enabled') ?? false,
    tokenLifetimeSeconds,
    checkIntervalSeconds,
  };
}

const WORKLOAD_CERTIFICATE_TTL = 'crossmesh.trust.workloadCertificateTtl';
/** istiod's default lifetime of workload certificates. */
const DEFAULT_WORKLOAD_CERTIFICATE_TTL_MS = 24 * 60 * 60 * 1000;

function readWorkloadCertificateTtl(config: Config): number {
  if (!config.has(WORKLOAD_CERTIFICATE_TTL)) {
    return DEFAULT_WORKLOAD_CERTIFICATE_TTL_MS;
  }
  return readDurationMs(
    config,
    WORKLOAD_CERTIFICATE_TTL,
    "the lifetime of the mesh's workload certificates, e.g. '24h' (istiod's default)",
  );
}

/** A duration key in milliseconds; a malformed or negative one is refused with `example`. */
function readDurationMs(config: Config, key: string, example: string): number {
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (error) {
    throw new Error(
      `${key} is not a duration (${
        (error as Error).message
      }); give ${example} or { hours: 24 }`,
    );
  }
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`${key} must not be negative; give ${example}`);
  }
  return ms;
}

function oneOf<T extends string>(
  config: Config,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = config.getOptionalString(key);
  if (value !== undefined && !allowed.includes(value as T)) {
    throw new Error(
      `${key} is '${value}', which crossmesh does not know; use one of ${allowed.join(
        ', ',
      )}`,
    );
  }
  return value as T | undefined;
}

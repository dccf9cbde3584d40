import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../../clusters/clusterConnections';
import { describeKubernetesError } from '../../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../../clusters/KubernetesClients';
import { TimeoutError, withTimeout } from '../../../clusters/kubernetesModule';
import type { GlobalServerBlockAction } from '../corefile';
import { editCorednsData } from '../corednsData';
import {
  ensureGlobalCustomServer,
  removeGlobalCustomServer,
} from '../corednsCustom';
import { detectDnsFlavour, DnsFlavour } from '../dnsFlavour';
import {
  ensureGlobalStubDomain,
  removeGlobalStubDomain,
  StubDomainAction,
} from '../stubDomains';
import {
  clusterDnsReads,
  DnsConfigMaps,
  istiocorednsIp,
  readDnsFacts,
} from './dnsFacts';
import {
  ConfigMapWriteInfo,
  Edit,
  GuardedConfigMaps,
} from './GuardedConfigMaps';
import { EditRefused, KeptChanging, WiringError } from './wiringErrors';

export type { ConfigMapWriteInfo } from './GuardedConfigMaps';

const DEFAULT_WRITE_ATTEMPTS = 3;

/** The ConfigMap each DNS flavour is wired through. */
const CONFIG_MAP_OF: Record<
  Exclude<DnsFlavour, 'unknown'>,
  keyof DnsConfigMaps
> = {
  coredns: 'coredns',
  'coredns-custom': 'coredns-custom',
  'kube-dns': 'kube-dns',
};

/**
 * What {@link ClusterDnsWiring.wire} did to a ConfigMap; `none` when it did
 * not get as far as editing one.
 *
 * @internal
 */
export type DnsWiringAction =
  | GlobalServerBlockAction
  | StubDomainAction
  | 'none';

/**
 * What {@link ClusterDnsWiring.wire} did in one cluster.
 *
 * @internal
 */
export interface DnsWiring {
  cluster: string;
  /** `unknown` also when the cluster could not be read. */
  flavour: DnsFlavour;
  /** A ConfigMap was written. */
  changed: boolean;
  action: DnsWiringAction;
  /** Why this flavour was chosen, from `detectDnsFlavour`. */
  reason?: string;
  /** The ConfigMap in kube-system that was (or would have been) edited. */
  configMap?: string;
  /** Set when `.global` names are not wired; says why and what to do. */
  error?: string;
}

/**
 * What {@link ClusterDnsWiring.unwire} did in one cluster.
 *
 * @internal
 */
export interface DnsUnwiring {
  cluster: string;
  /** At least one ConfigMap was written. */
  changed: boolean;
  /** ConfigMaps in kube-system crossmesh's entries were removed from. */
  configMaps?: string[];
  /** Entries that looked like crossmesh's but were left alone, and why. */
  skipped?: string[];
  error?: string;
}

/**
 * Options of {@link ClusterDnsWiring}.
 *
 * @internal
 */
export interface ClusterDnsWiringOptions {
  /** Per call to `wire` or `unwire`; default 30 s. */
  timeoutMs?: number;
  /** Writes tried per ConfigMap before a conflict is reported; default 3. */
  writeAttempts?: number;
  /**
   * Called after a ConfigMap was read and edited, right before it is
   * written. Tests use it to change the ConfigMap in between.
   */
  beforeWrite?: (info: ConfigMapWriteInfo) => Promise<void> | void;
}

/**
 * Wires `.global` names to istiocoredns in a cluster's own DNS (the legacy-global strategy
 * of Istio before 1.8): finds which DNS the cluster runs, edits only crossmesh's entry in
 * the one ConfigMap that DNS reads (after taking crossmesh's entries out of the others, as
 * CoreDNS refuses two blocks for one zone), and writes with guarded replaces. Unwiring
 * leaves each ConfigMap as crossmesh found it, deleting those it created. Never throws;
 * failures are in the result's `error`.
 *
 * @internal
 */
export class ClusterDnsWiring {
  constructor(
    private readonly clients: KubernetesClients,
    private readonly options: ClusterDnsWiringOptions = {},
  ) {}

  async wire(connection: ClusterConnection): Promise<DnsWiring> {
    const result: DnsWiring = {
      cluster: connection.name,
      flavour: 'unknown',
      changed: false,
      action: 'none',
    };
    const refusal = unsupportedAuthProblem(connection);
    if (refusal) return { ...result, error: refusal };
    try {
      await this.withTimeout(connection, this.applyWire(connection, result));
    } catch (error) {
      result.error = this.describe(error, connection, 'wire', result.changed);
    }
    return { ...result };
  }

  async unwire(connection: ClusterConnection): Promise<DnsUnwiring> {
    const result: DnsUnwiring = { cluster: connection.name, changed: false };
    const refusal = unsupportedAuthProblem(connection);
    if (refusal) return { ...result, error: refusal };
    try {
      await this.withTimeout(
        connection,
        this.openCluster(connection).then(async ({ configMaps, current }) =>
          removeWiring(configMaps, current, result),
        ),
      );
    } catch (error) {
      result.error = this.describe(error, connection, 'unwire', result.changed);
    }
    return {
      ...result,
      ...(result.configMaps && { configMaps: [...result.configMaps] }),
      ...(result.skipped && { skipped: [...result.skipped] }),
    };
  }

  private async openCluster(connection: ClusterConnection) {
    const apis = await this.clients.forCluster(connection);
    const configMaps = new GuardedConfigMaps(apis.core, connection.name, {
      attempts: this.options.writeAttempts ?? DEFAULT_WRITE_ATTEMPTS,
      beforeWrite: this.options.beforeWrite,
    });
    const facts = await readDnsFacts(clusterDnsReads(apis));
    return { apis, configMaps, current: facts.configMaps, facts };
  }

  private async applyWire(
    connection: ClusterConnection,
    result: DnsWiring,
  ): Promise<void> {
    const { apis, configMaps, facts } = await this.openCluster(connection);
    const ip = await istiocorednsIp(apis.core, connection.name);
    if (ip === undefined) {
      throw new WiringError(
        `the legacy-global DNS strategy needs the istiocoredns Service in namespace istio-system, and cluster '${connection.name}' has none; install Istio's istiocoredns addon there, or mesh this cluster with the dns-proxy strategy (Istio 1.8 and later)`,
      );
    }
    const { flavour, reason } = detectDnsFlavour(facts.input);
    result.flavour = flavour;
    result.reason = reason;
    if (flavour === 'unknown') {
      throw new WiringError(reason);
    }
    const name = CONFIG_MAP_OF[flavour];
    result.configMap = name;

    // Out of the other ConfigMaps first: a moment without .global names beats two blocks
    // for one zone, which CoreDNS refuses when it next starts.
    const cleaned: DnsUnwiring = { cluster: connection.name, changed: false };
    await removeWiring(configMaps, facts.configMaps, cleaned, name);
    result.changed = cleaned.changed;

    let action: DnsWiringAction = 'none';
    const edit: Edit = ({ data, record }) => {
      if (flavour === 'coredns') {
        const edited = editCorednsData(data, { forwardTo: ip });
        if (!edited) {
          throw new WiringError(
            `ConfigMap kube-system/coredns has no Corefile key (any more); the next run looks again`,
          );
        }
        action = edited.action!;
        return { data: edited.data, record, changed: edited.changed };
      }
      if (flavour === 'coredns-custom') {
        const edited = ensureGlobalCustomServer(data, ip);
        action = edited.action;
        return { ...edited, record };
      }
      const { record: stubDomains, ...edited } = ensureGlobalStubDomain(
        data,
        ip,
        record.stubDomains,
      );
      action = edited.action;
      return {
        ...edited,
        record: { ...record, stubDomains },
      };
    };

    // Only coredns-custom and kube-dns may be created: an absent coredns
    // ConfigMap means the flavour was detected wrong or it was deleted.
    const written = await configMaps.edit(name, edit, {
      first: facts.configMaps[name],
      create: flavour !== 'coredns',
    });
    result.action = action;
    result.changed ||= written;
  }

  private withTimeout<T>(
    connection: ClusterConnection,
    work: Promise<T>,
  ): Promise<T> {
    const timeoutMs = this.options.timeoutMs ?? 30_000;
    return withTimeout(
      work,
      timeoutMs,
      `the API server at ${connection.url} of cluster '${connection.name}' did not finish within ${timeoutMs} ms; the next run checks the DNS wiring again`,
    );
  }

  private describe(
    error: unknown,
    connection: ClusterConnection,
    what: 'wire' | 'unwire',
    changed: boolean,
  ): string {
    if (error instanceof TimeoutError) return error.message;
    const done =
      what === 'wire'
        ? `crossmesh did not wire .global DNS in cluster '${connection.name}'`
        : `crossmesh did not finish removing its .global DNS wiring from cluster '${
            connection.name
          }'${changed ? ' (some ConfigMaps were already cleaned)' : ''}`;
    if (error instanceof EditRefused) {
      return `${done}; ConfigMap kube-system/${error.configMap} was left as it is: ${error.message}`;
    }
    if (error instanceof KeptChanging) {
      return `${done}: ConfigMap kube-system/${
        error.configMap
      } changed under crossmesh on each of ${
        error.attempts
      } tries, so crossmesh left it as it is and the next run tries again (${describeKubernetesError(
        error.cause,
        connection.url,
      )})`;
    }
    if (error instanceof WiringError) {
      return `${done}: ${error.message}`;
    }
    return `${done}: ${describeKubernetesError(error, connection.url)}`;
  }
}

/** An entry that looked like crossmesh's and was left alone. */
class Skipped extends Error {}

const isEmpty = (data: Record<string, string>) =>
  Object.keys(data).length === 0;

/** Each DNS ConfigMap's remover: takes crossmesh's entry out and nothing else. */
const REMOVERS: Record<keyof DnsConfigMaps, Edit> = {
  coredns: ({ data, record }) => {
    const edited = editCorednsData(data, 'none');
    return {
      data: edited?.data ?? { ...data },
      record,
      changed: edited?.changed ?? false,
    };
  },
  'coredns-custom': ({ data, record }) => {
    const edited = removeGlobalCustomServer(data);
    return finishRemoval(edited.data, edited.changed, record.created);
  },
  'kube-dns': ({ data, record }) => {
    const edited = removeGlobalStubDomain(data, record.stubDomains);
    if (edited.skipped) throw new Skipped(edited.skipped);
    return finishRemoval(edited.data, edited.changed, record.created);
  },
};

/** What is left once crossmesh's part is out: no record, and the ConfigMap goes if it was crossmesh's and is empty. */
function finishRemoval(
  data: Record<string, string>,
  changed: boolean,
  created: boolean | undefined,
) {
  return {
    data,
    record: {},
    changed,
    remove: created === true && isEmpty(data),
  };
}

/**
 * Takes crossmesh's entries out of every DNS ConfigMap but `except`: it looks everywhere
 * it could have put one, as the cluster's DNS flavour may have changed since it wired it.
 */
async function removeWiring(
  configMaps: GuardedConfigMaps,
  current: DnsConfigMaps,
  result: DnsUnwiring,
  except?: keyof DnsConfigMaps,
): Promise<void> {
  for (const name of Object.keys(REMOVERS) as Array<keyof DnsConfigMaps>) {
    const first = current[name];
    if (name === except || !first) continue;
    let changed: boolean;
    try {
      changed = await configMaps.edit(name, REMOVERS[name], {
        first,
        create: false,
      });
    } catch (error) {
      if (error instanceof EditRefused && error.cause instanceof Skipped) {
        (result.skipped ??= []).push(
          `ConfigMap kube-system/${name}: ${error.message}`,
        );
        continue;
      }
      throw error;
    }
    if (changed) {
      result.changed = true;
      (result.configMaps ??= []).push(name);
    }
  }
}

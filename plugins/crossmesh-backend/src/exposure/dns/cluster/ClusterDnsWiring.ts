import type { CoreV1Api, V1ConfigMap } from '@kubernetes/client-node';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from '../../../clusters/clusterConnections';
import {
  describeKubernetesError,
  isNotFound,
} from '../../../clusters/kubernetesErrors';
import { KubernetesClients } from '../../../clusters/KubernetesClients';
import {
  isConflict,
  TimeoutError,
  withTimeout,
} from '../../../clusters/kubernetesModule';
import {
  ensureGlobalServerBlock,
  GlobalServerBlockAction,
  removeGlobalServerBlock,
} from '../corefile';
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

const KUBE_SYSTEM = 'kube-system';
const ISTIO_NAMESPACE = 'istio-system';
const ISTIOCOREDNS_SERVICE = 'istiocoredns';
const FIELD_MANAGER = 'crossmesh';
const DEFAULT_WRITE_ATTEMPTS = 3;

/** The ConfigMap each DNS flavour is wired through. */
const CONFIG_MAP_OF: Record<Exclude<DnsFlavour, 'unknown'>, string> = {
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
 * Which ConfigMap is about to be replaced.
 *
 * @internal
 */
export interface ConfigMapWriteInfo {
  cluster: string;
  namespace: string;
  name: string;
  /** 1 for the first write, counting up on each retry after a conflict. */
  attempt: number;
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

/** An error whose message is already meant for people. */
class WiringError extends Error {}

/** Every guarded write of a ConfigMap met a conflict. */
class KeptChanging extends Error {
  constructor(
    readonly configMap: string,
    readonly attempts: number,
    readonly cause: unknown,
  ) {
    super(`ConfigMap kube-system/${configMap} kept changing`);
  }
}

/** An editor's refusal (ConflictError, InputError): nothing was written. */
class EditRefused extends Error {
  constructor(readonly configMap: string, readonly cause: Error) {
    super(cause.message);
  }
}

type Edit = (data: Record<string, string> | undefined) => {
  data: Record<string, string>;
  changed: boolean;
};

/**
 * Wires `.global` names to istiocoredns in a cluster's own DNS (the
 * legacy-global strategy of Istio before 1.8): finds which DNS the cluster
 * runs, edits only crossmesh's entry in the one ConfigMap that DNS reads,
 * and writes it back with a replace guarded by resourceVersion, re-reading
 * and re-editing on a conflict so that others' concurrent edits survive.
 * Never throws; failures are in the result's `error`.
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
      await this.withTimeout(connection, this.applyUnwire(connection, result));
    } catch (error) {
      result.error = this.describe(error, connection, 'unwire', result.changed);
    }
    return {
      ...result,
      ...(result.configMaps && { configMaps: [...result.configMaps] }),
      ...(result.skipped && { skipped: [...result.skipped] }),
    };
  }

  private async applyWire(
    connection: ClusterConnection,
    result: DnsWiring,
  ): Promise<void> {
    const { core, apps } = await this.clients.forCluster(connection);
    const ip = await istiocorednsIp(core, connection.name);
    if (ip === undefined) {
      throw new WiringError(
        `the legacy-global DNS strategy needs the istiocoredns Service in namespace istio-system, and cluster '${connection.name}' has none; install Istio's istiocoredns addon there, or mesh this cluster with the dns-proxy strategy (Istio 1.8 and later)`,
      );
    }

    const [
      coredns,
      corednsCustom,
      kubeDns,
      corednsDeployment,
      kubeDnsDeployment,
    ] = await Promise.all([
      readConfigMap(core, 'coredns'),
      readConfigMap(core, 'coredns-custom'),
      readConfigMap(core, 'kube-dns'),
      exists(() =>
        apps.readNamespacedDeployment({
          name: 'coredns',
          namespace: KUBE_SYSTEM,
        }),
      ),
      exists(() =>
        apps.readNamespacedDeployment({
          name: 'kube-dns',
          namespace: KUBE_SYSTEM,
        }),
      ),
    ]);
    const { flavour, reason } = detectDnsFlavour({
      corednsConfigMap: coredns,
      corednsCustomConfigMap: corednsCustom,
      kubeDnsConfigMap: kubeDns,
      corednsDeploymentPresent: corednsDeployment,
      kubeDnsDeploymentPresent: kubeDnsDeployment,
    });
    result.flavour = flavour;
    result.reason = reason;
    if (flavour === 'unknown') {
      throw new WiringError(reason);
    }
    const name = CONFIG_MAP_OF[flavour];
    result.configMap = name;

    let action: DnsWiringAction = 'none';
    const edit: Edit = data => {
      if (flavour === 'coredns') {
        const corefile = data?.Corefile;
        if (corefile === undefined) {
          throw new WiringError(
            `ConfigMap kube-system/coredns has no Corefile key (any more); the next run looks again`,
          );
        }
        const edited = ensureGlobalServerBlock(corefile, ip);
        action = edited.action;
        return {
          data: { ...data, Corefile: edited.corefile },
          changed: edited.changed,
        };
      }
      const edited =
        flavour === 'coredns-custom'
          ? ensureGlobalCustomServer(data, ip)
          : ensureGlobalStubDomain(data, ip);
      action = edited.action;
      return edited;
    };

    const seed = {
      coredns,
      'coredns-custom': corednsCustom,
      'kube-dns': kubeDns,
    }[flavour];
    // Only coredns-custom and kube-dns may be created: an absent coredns
    // ConfigMap means the flavour was detected wrong or it was deleted.
    const written = await this.editConfigMap(
      core,
      connection.name,
      name,
      edit,
      {
        first: seed,
        create: flavour !== 'coredns',
      },
    );
    result.action = action;
    result.changed = written;
  }

  private async applyUnwire(
    connection: ClusterConnection,
    result: DnsUnwiring,
  ): Promise<void> {
    const { core } = await this.clients.forCluster(connection);
    const [coredns, corednsCustom, kubeDns] = await Promise.all([
      readConfigMap(core, 'coredns'),
      readConfigMap(core, 'coredns-custom'),
      readConfigMap(core, 'kube-dns'),
    ]);
    const record = (name: string, changed: boolean) => {
      if (!changed) return;
      result.changed = true;
      (result.configMaps ??= []).push(name);
    };

    // crossmesh's entry is looked for everywhere it could have put one, as
    // the cluster's DNS flavour may have changed since it was wired.
    if (coredns?.data?.Corefile !== undefined) {
      const changed = await this.editConfigMap(
        core,
        connection.name,
        'coredns',
        removeFromCorefile,
        { first: coredns, create: false },
      );
      record('coredns', changed);
    }
    if (corednsCustom) {
      const changed = await this.editConfigMap(
        core,
        connection.name,
        'coredns-custom',
        data => removeGlobalCustomServer(data),
        { first: corednsCustom, create: false },
      );
      record('coredns-custom', changed);
    }
    if (kubeDns?.data?.stubDomains !== undefined) {
      // JSON has no room for a mark: the stub domain is crossmesh's only if
      // it points to istiocoredns.
      const ip = await istiocorednsIp(core, connection.name);
      if (ip === undefined) {
        throw new WiringError(
          `ConfigMap kube-system/kube-dns has stubDomains, but without the istiocoredns Service in istio-system crossmesh cannot tell whether its "global" entry is crossmesh's; remove "global" from stubDomains by hand if it is`,
        );
      }
      const changed = await this.editConfigMap(
        core,
        connection.name,
        'kube-dns',
        data => {
          const edited = removeGlobalStubDomain(data, ip);
          if (edited.skipped) {
            (result.skipped ??= []).push(
              `ConfigMap kube-system/kube-dns: ${edited.skipped}`,
            );
          }
          return edited;
        },
        { first: kubeDns, create: false },
      );
      record('kube-dns', changed);
    }
  }

  /**
   * Applies `edit` to ConfigMap kube-system/`name` and writes the result
   * with a replace guarded by resourceVersion (or a create, when allowed and
   * absent). On a conflict the ConfigMap is read again and `edit` applied to
   * what is there now. Resolves to whether anything was written.
   */
  private async editConfigMap(
    core: CoreV1Api,
    cluster: string,
    name: string,
    edit: Edit,
    options: { first?: V1ConfigMap; create: boolean },
  ): Promise<boolean> {
    const attempts = Math.max(
      1,
      this.options.writeAttempts ?? DEFAULT_WRITE_ATTEMPTS,
    );
    let current: V1ConfigMap | undefined = options.first;
    let fresh = false;
    for (let attempt = 1; ; attempt++) {
      if (fresh) current = await readConfigMap(core, name);
      fresh = true;
      if (!current && !options.create) {
        throw new WiringError(
          `ConfigMap kube-system/${name} was deleted while crossmesh was editing it; the next run looks again`,
        );
      }

      let edited: ReturnType<Edit>;
      try {
        edited = edit(current?.data);
      } catch (error) {
        if (error instanceof WiringError) throw error;
        throw new EditRefused(name, error as Error);
      }
      if (!edited.changed) return false;

      await this.options.beforeWrite?.({
        cluster,
        namespace: KUBE_SYSTEM,
        name,
        attempt,
      });
      try {
        if (current) {
          await core.replaceNamespacedConfigMap({
            name,
            namespace: KUBE_SYSTEM,
            fieldManager: FIELD_MANAGER,
            body: replacement(current, edited.data),
          });
        } else {
          await core.createNamespacedConfigMap({
            namespace: KUBE_SYSTEM,
            fieldManager: FIELD_MANAGER,
            body: {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name, namespace: KUBE_SYSTEM },
              data: edited.data,
            },
          });
        }
        return true;
      } catch (error) {
        // 409: changed (or created) meanwhile; 404: deleted meanwhile.
        if (attempt < attempts && (isConflict(error) || isNotFound(error))) {
          continue;
        }
        if (isConflict(error)) throw new KeptChanging(name, attempts, error);
        throw error;
      }
    }
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

function removeFromCorefile(data: Record<string, string> | undefined): {
  data: Record<string, string>;
  changed: boolean;
} {
  if (data?.Corefile === undefined)
    return { data: { ...data }, changed: false };
  const edited = removeGlobalServerBlock(data.Corefile);
  return {
    data: { ...data, Corefile: edited.corefile },
    changed: edited.changed,
  };
}

async function istiocorednsIp(
  core: CoreV1Api,
  cluster: string,
): Promise<string | undefined> {
  let service;
  try {
    service = await core.readNamespacedService({
      name: ISTIOCOREDNS_SERVICE,
      namespace: ISTIO_NAMESPACE,
    });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const ip = service.spec?.clusterIP;
  if (!ip || ip === 'None') {
    throw new WiringError(
      `Service istio-system/istiocoredns in cluster '${cluster}' has no ClusterIP (${
        ip ?? 'none'
      }), so there is no address to forward .global names to; make it a ClusterIP Service`,
    );
  }
  return ip;
}

async function readConfigMap(
  core: CoreV1Api,
  name: string,
): Promise<V1ConfigMap | undefined> {
  try {
    return await core.readNamespacedConfigMap({ name, namespace: KUBE_SYSTEM });
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

async function exists(read: () => Promise<unknown>): Promise<boolean> {
  try {
    await read();
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * The ConfigMap as read with only `data` changed. resourceVersion stays, so
 * the API server refuses the write if anyone changed it since; managedFields
 * go, so the server keeps its own record.
 */
function replacement(
  current: V1ConfigMap,
  data: Record<string, string>,
): V1ConfigMap {
  const { managedFields: _managedFields, ...metadata } = current.metadata ?? {};
  return {
    ...current,
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata,
    data,
  };
}

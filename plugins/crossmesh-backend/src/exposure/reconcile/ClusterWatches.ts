import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { loadKubernetesModule } from '../../clusters/kubernetesModule';
import {
  ResourceWatch,
  ResourceWatchTarget,
  WatchedObject,
  WatchList,
  WatchRecovery,
} from '../../clusters/ResourceWatch';
import { DNS_CONFIG_MAPS } from '../dns/dnsFlavour';
import type { ObservedKubeObject } from '../render/types';
import { MANAGED_KINDS, MANAGED_SELECTOR } from './istioObjects';
import { OwnWrites, WriteTracker } from './OwnWrites';

/**
 * What a change in a cluster is about: the Istio objects and DNS wiring the reconciler
 * converges, or the `cacerts` Secret, whose drift is reported, not rewritten.
 *
 * @internal
 */
export type WatchedConcern = 'exposures' | 'cacerts';

/**
 * The state of one watch, for tests and the logs.
 *
 * @internal
 */
export interface ClusterWatchStatus {
  cluster: string;
  watch: string;
  synced: boolean;
  history: WatchRecovery[];
}

type ManagedKind = { kind: string; apiVersion: string };

interface NamedWatch {
  name: string;
  /** The managed kind it watches; absent for cacerts and the DNS ConfigMaps. */
  managed?: ManagedKind;
  watch: ResourceWatch;
}

/**
 * Watches, in every cluster, what crossmesh manages: its ServiceEntries, DestinationRules
 * and Gateways (by the managed-by label), the DNS ConfigMaps in kube-system and the
 * `cacerts` Secret in istio-system. Each watch runs on its own, so a cluster that is down
 * only retries its own watches. Keeps the managed Istio objects of each cluster, so a
 * reconcile pass need not LIST them while the watches are in sync.
 *
 * @internal
 */
export class ClusterWatches implements WriteTracker {
  private readonly watches = new Map<string, NamedWatch[]>();
  private readonly ownWrites = new OwnWrites();

  constructor(
    private readonly options: {
      clients: KubernetesClients;
      connections: ClusterConnection[];
      onError?: (cluster: string, watch: string, message: string) => void;
    },
  ) {}

  /** Starts every watch; `onChange` hears of each change, and of each (re)LIST. */
  async start(
    onChange: (
      cluster: string,
      concern: WatchedConcern,
      reason: string,
    ) => void,
  ): Promise<void> {
    const k8s = await loadKubernetesModule();
    for (const connection of this.options.connections) {
      const kubeConfig = async () =>
        (await this.options.clients.forCluster(connection)).kubeConfig;
      const make = (
        name: string,
        concern: WatchedConcern,
        target: ResourceWatchTarget,
        managed?: ManagedKind,
      ): NamedWatch => ({
        name,
        managed,
        watch: new ResourceWatch({
          target,
          kubeConfig,
          url: connection.url,
          onChange: reason => onChange(connection.name, concern, reason),
          isEcho: managed
            ? object => this.ownWrites.isEcho(connection.name, object)
            : undefined,
          onError: message =>
            this.options.onError?.(connection.name, name, message),
        }),
      });
      const custom = (kc: KubeConfig) => kc.makeApiClient(k8s.CustomObjectsApi);
      const watches: NamedWatch[] = [
        ...MANAGED_KINDS.map(({ kind, plural, apiVersion }) =>
          make(
            plural,
            'exposures',
            {
              path: `/apis/${apiVersion}/${plural}`,
              labelSelector: MANAGED_SELECTOR,
              list: async kc =>
                (await custom(kc).listClusterCustomObject({
                  group: apiVersion.split('/')[0],
                  version: apiVersion.split('/')[1],
                  plural,
                  labelSelector: MANAGED_SELECTOR,
                })) as WatchList,
            },
            { kind, apiVersion },
          ),
        ),
        // One watch per name, selecting it by metadata.name: RBAC grants the watch of named
        // objects only to such requests (deploy/rbac.yaml).
        ...DNS_CONFIG_MAPS.map(name =>
          make(`configmap ${name}`, 'exposures', {
            path: '/api/v1/namespaces/kube-system/configmaps',
            fieldSelector: `metadata.name=${name}`,
          }),
        ),
        make('cacerts', 'cacerts', {
          path: '/api/v1/namespaces/istio-system/secrets',
          fieldSelector: 'metadata.name=cacerts',
        }),
      ];
      this.watches.set(connection.name, watches);
      for (const w of watches) w.watch.start();
    }
  }

  /**
   * Runs one of crossmesh's writes of a managed object, so that its event (the echo) does
   * not ask for another pass: the pass that wrote it left the cluster as it wants it.
   */
  track<T>(cluster: string, write: () => Promise<T>): Promise<T> {
    return this.ownWrites.track(cluster, write);
  }

  stop(): void {
    for (const watches of this.watches.values()) {
      for (const w of watches) w.watch.stop();
    }
    this.watches.clear();
  }

  /**
   * The managed Istio objects of a cluster, when its watches of every managed kind are in
   * sync; undefined otherwise, and the caller reads the cluster itself.
   */
  managedObjects(cluster: string): ObservedKubeObject[] | undefined {
    const out: ObservedKubeObject[] = [];
    for (const w of this.watches.get(cluster) ?? []) {
      if (!w.managed) continue;
      const objects = w.watch.objects();
      if (!objects) return undefined;
      out.push(...objects.map(o => asObserved(o, w.managed!)));
    }
    return this.watches.has(cluster) ? out : undefined;
  }

  status(): ClusterWatchStatus[] {
    return [...this.watches].flatMap(([cluster, watches]) =>
      watches.map(w => ({
        cluster,
        watch: w.name,
        synced: w.watch.synced,
        history: w.watch.history(),
      })),
    );
  }
}

function asObserved(
  object: WatchedObject,
  managed: ManagedKind,
): ObservedKubeObject {
  // Items of a custom resource list carry these, but a missing one must not make two
  // objects of different kinds look alike.
  return {
    ...(object as unknown as ObservedKubeObject),
    apiVersion: object.apiVersion ?? managed.apiVersion,
    kind: object.kind ?? managed.kind,
  };
}

import { TestCluster } from '@crossmesh/test-bed';
import { eventually } from '../../../__testUtils__/eventually';

const SERVICE_ENTRIES = {
  group: 'networking.istio.io',
  version: 'v1beta1',
  plural: 'serviceentries',
};

async function adminApis(cluster: TestCluster) {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  return {
    k8s,
    kubeConfig,
    core: kubeConfig.makeApiClient(k8s.CoreV1Api),
    customObjects: kubeConfig.makeApiClient(k8s.CustomObjectsApi),
  };
}

/**
 * Writes a ServiceEntry with the admin token, as a person following Istio 1.6's
 * "replicated control planes" page did: host svc-2.bar.global, MESH_INTERNAL, resolution
 * DNS, one VIP, the remote gateway on 15443.
 */
export async function createHandMadeEntry(
  cluster: TestCluster,
  entry: {
    name: string;
    namespace: string;
    host: string;
    vip: string;
    gateway: string;
    ports?: Array<{ name: string; number: number; protocol: string }>;
  },
) {
  const { core, customObjects } = await adminApis(cluster);
  try {
    await core.createNamespace({
      body: { metadata: { name: entry.namespace } },
    });
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
  const ports = entry.ports ?? [
    { name: 'http', number: 8000, protocol: 'http' },
  ];
  await customObjects.createNamespacedCustomObject({
    ...SERVICE_ENTRIES,
    version: 'v1alpha3',
    namespace: entry.namespace,
    body: {
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'ServiceEntry',
      metadata: { name: entry.name, namespace: entry.namespace },
      spec: {
        hosts: [entry.host],
        location: 'MESH_INTERNAL',
        ports,
        resolution: 'DNS',
        addresses: [entry.vip],
        endpoints: [
          {
            address: entry.gateway,
            ports: Object.fromEntries(ports.map(p => [p.name, 15443])),
          },
        ],
      },
    },
  });
}

/** Deletes every ServiceEntry in the cluster, hand-made or crossmesh's, as admin. */
export async function deleteAllServiceEntries(cluster: TestCluster) {
  const { customObjects } = await adminApis(cluster);
  const list: any = await customObjects.listClusterCustomObject(
    SERVICE_ENTRIES,
  );
  await Promise.all(
    list.items.map((item: any) =>
      customObjects.deleteNamespacedCustomObject({
        ...SERVICE_ENTRIES,
        namespace: item.metadata.namespace,
        name: item.metadata.name,
      }),
    ),
  );
}

/** Every ServiceEntry for `host` in the cluster, hand-made or not, read as admin. */
export async function entriesForHost(
  cluster: TestCluster,
  host: string,
): Promise<any[]> {
  const { customObjects } = await adminApis(cluster);
  const list: any = await customObjects.listClusterCustomObject(
    SERVICE_ENTRIES,
  );
  return list.items.filter((item: any) => item.spec?.hosts?.includes(host));
}

/** Names and resourceVersions of every ServiceEntry in the cluster: changes when anything is written. */
export async function serviceEntrySnapshot(cluster: TestCluster) {
  const { customObjects } = await adminApis(cluster);
  const list: any = await customObjects.listClusterCustomObject(
    SERVICE_ENTRIES,
  );
  return list.items
    .map(
      (item: any) =>
        `${item.metadata.namespace}/${item.metadata.name}@${item.metadata.resourceVersion}`,
    )
    .sort();
}

/**
 * Follows the ServiceEntries for `host` in a cluster from now on, event by event, and
 * remembers the fewest there ever were: 0 means a moment with no entry for the host.
 */
export async function watchHostEntries(cluster: TestCluster, host: string) {
  const { k8s, kubeConfig, customObjects } = await adminApis(cluster);
  const list: any = await customObjects.listClusterCustomObject(
    SERVICE_ENTRIES,
  );
  const present = new Set<string>(
    list.items
      .filter((item: any) => item.spec?.hosts?.includes(host))
      .map((item: any) => `${item.metadata.namespace}/${item.metadata.name}`),
  );
  const events: string[] = [];
  let fewest = present.size;
  const controller = await new k8s.Watch(kubeConfig).watch(
    '/apis/networking.istio.io/v1beta1/serviceentries',
    { resourceVersion: list.metadata.resourceVersion },
    (phase, object) => {
      if (!object?.spec?.hosts?.includes(host)) return;
      const key = `${object.metadata.namespace}/${object.metadata.name}`;
      events.push(`${phase} ${key}`);
      if (phase === 'DELETED') present.delete(key);
      else present.add(key);
      fewest = Math.min(fewest, present.size);
    },
    () => {},
  );
  return {
    events,
    fewest: () => fewest,
    /** Waits until the watch has delivered an event matching `pattern`. */
    seen: (pattern: RegExp) =>
      eventually(
        `the watch on ${cluster.name} delivered ${pattern}`,
        async () => {
          if (!events.some(e => pattern.test(e))) {
            throw new Error(`events so far: ${events.join(', ') || 'none'}`);
          }
        },
        { timeoutMs: 10_000, intervalMs: 50 },
      ),
    stop: () => controller.abort(),
  };
}

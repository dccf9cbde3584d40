import type {
  CoreV1Api,
  V1ConfigMap,
  V1Deployment,
  V1Node,
} from '@kubernetes/client-node';
import { isNotFound } from '../../../clusters/kubernetesErrors';
import { ClusterApis } from '../../../clusters/KubernetesClients';
import { DnsFlavourInput } from '../dnsFlavour';
import { WiringError } from './wiringErrors';

const KUBE_SYSTEM = 'kube-system';
// Enough to tell k3s, whose every node carries its marks.
const NODES_LOOKED_AT = 3;

/**
 * The reads that tell a cluster's DNS flavour, each undefined when the object does not
 * exist; the wiring and the preflight pass their own clients.
 *
 * @internal
 */
export interface DnsReads {
  configMap(name: string): Promise<V1ConfigMap | undefined>;
  deployment(name: string): Promise<V1Deployment | undefined>;
  /** A few nodes; undefined when crossmesh may not list them. */
  nodes(): Promise<V1Node[] | undefined>;
}

/**
 * The ConfigMaps of kube-system a DNS flavour may be wired through.
 *
 * @internal
 */
export type DnsConfigMaps = Record<
  'coredns' | 'coredns-custom' | 'kube-dns',
  V1ConfigMap | undefined
>;

/**
 * Reads what {@link detectDnsFlavour} decides on: the three DNS ConfigMaps, the coredns
 * and kube-dns Deployments (and the ConfigMaps coredns mounts) and a few nodes.
 *
 * @internal
 */
export async function readDnsFacts(
  reads: DnsReads,
): Promise<{ input: DnsFlavourInput; configMaps: DnsConfigMaps }> {
  const [coredns, corednsCustom, kubeDns, corednsDeploy, kubeDnsDeploy, nodes] =
    await Promise.all([
      reads.configMap('coredns'),
      reads.configMap('coredns-custom'),
      reads.configMap('kube-dns'),
      reads.deployment('coredns'),
      reads.deployment('kube-dns'),
      reads.nodes(),
    ]);
  return {
    configMaps: {
      coredns,
      'coredns-custom': corednsCustom,
      'kube-dns': kubeDns,
    },
    input: {
      corednsConfigMap: coredns,
      corednsCustomConfigMap: corednsCustom,
      kubeDnsConfigMap: kubeDns,
      corednsDeploymentPresent: corednsDeploy !== undefined,
      kubeDnsDeploymentPresent: kubeDnsDeploy !== undefined,
      corednsDeploymentConfigMaps: corednsDeploy?.spec?.template?.spec?.volumes
        ?.map(v => v.configMap?.name)
        .filter((name): name is string => name !== undefined),
      nodes: nodes?.map(node => ({
        name: node.metadata?.name,
        labels: node.metadata?.labels,
        kubeletVersion: node.status?.nodeInfo?.kubeletVersion,
      })),
    },
  };
}

async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * {@link DnsReads} through a cluster's API clients.
 *
 * @internal
 */
export function clusterDnsReads(
  apis: Pick<ClusterApis, 'core' | 'apps'>,
): DnsReads {
  return {
    configMap: name =>
      orUndefined(
        apis.core.readNamespacedConfigMap({ name, namespace: KUBE_SYSTEM }),
      ),
    deployment: name =>
      orUndefined(
        apis.apps.readNamespacedDeployment({ name, namespace: KUBE_SYSTEM }),
      ),
    nodes: async () => {
      try {
        return (await apis.core.listNode({ limit: NODES_LOOKED_AT })).items;
      } catch (error) {
        if ((error as { code?: unknown })?.code === 403) return undefined;
        throw error;
      }
    },
  };
}

/**
 * The ClusterIP of Service istio-system/istiocoredns; undefined when there is no such
 * Service.
 *
 * @internal
 */
export async function istiocorednsIp(
  core: CoreV1Api,
  cluster: string,
): Promise<string | undefined> {
  const service = await orUndefined(
    core.readNamespacedService({
      name: 'istiocoredns',
      namespace: 'istio-system',
    }),
  );
  if (!service) return undefined;
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

import {
  MeshCluster,
  MeshStrategy,
} from '@crossmesh/backstage-plugin-crossmesh-common';
import type {
  V1ConfigMap,
  V1Deployment,
  V1Service,
} from '@kubernetes/client-node';
import {
  ClusterConnection,
  unsupportedAuthProblem,
} from './clusterConnections';
import { DnsCaptureReading, parseDnsCapture } from './dnsCapture';
import { resolveGatewayAddress } from './gatewayAddress';
import { parseIstioVersion, strategyForIstioVersion } from './istioVersion';
import { describeKubernetesError, isNotFound } from './kubernetesErrors';
import { TimeoutError, withTimeout } from './kubernetesModule';
import { ClusterApis, KubernetesClients } from './KubernetesClients';

const ISTIO_NAMESPACE = 'istio-system';

/**
 * Reads what crossmesh needs to know about a cluster: whether it answers, Istio's
 * version, the strategy in force, the gateway address and, under `dns-proxy` and
 * `multi-primary`, whether the sidecars capture DNS.
 *
 * @internal
 */
export class ClusterObserver {
  constructor(
    private readonly clients: KubernetesClients,
    private readonly options: {
      configuredStrategy?: MeshStrategy;
      timeoutMs: number;
      now?: () => Date;
    },
  ) {}

  async observe(connection: ClusterConnection): Promise<MeshCluster> {
    const observedAt = (this.options.now?.() ?? new Date()).toISOString();
    const unreachable = (error: string): MeshCluster => ({
      name: connection.name,
      reachable: false,
      error,
      istio: null,
      strategy: this.options.configuredStrategy ?? null,
      strategySource: this.options.configuredStrategy ? 'config' : null,
      gateway: null,
      observedAt,
    });

    const authProblem = unsupportedAuthProblem(connection);
    if (authProblem) {
      return unreachable(authProblem);
    }

    try {
      // Loading the client module is a one-time cost that is not the cluster's slowness.
      const apis = await this.clients.forCluster(connection);
      return await withTimeout(
        this.read(apis, connection, observedAt),
        this.options.timeoutMs,
        `the API server at ${connection.url} did not answer within ${this.options.timeoutMs} ms`,
      );
    } catch (error) {
      return unreachable(
        error instanceof TimeoutError
          ? error.message
          : describeKubernetesError(error, connection.url),
      );
    }
  }

  private async read(
    { apps, core }: ClusterApis,
    connection: ClusterConnection,
    observedAt: string,
  ): Promise<MeshCluster> {
    const [istiod, gatewayService] = await Promise.all([
      orNullWhenMissing<V1Deployment>(
        apps.readNamespacedDeployment({
          name: 'istiod',
          namespace: ISTIO_NAMESPACE,
        }),
      ),
      orNullWhenMissing<V1Service>(
        core.readNamespacedService({
          name: 'istio-ingressgateway',
          namespace: ISTIO_NAMESPACE,
        }),
      ),
    ]);

    const problems: string[] = [];
    const containers = istiod?.spec?.template?.spec?.containers ?? [];
    const image = (
      containers.find(c => c.name === 'discovery') ?? containers[0]
    )?.image;
    const version = image ? parseIstioVersion(image) : null;
    if (!istiod) {
      problems.push(
        `istiod was not found in ${ISTIO_NAMESPACE}; install Istio in this cluster`,
      );
    } else if (!version) {
      problems.push(
        `istiod's image '${
          image ?? '(none)'
        }' carries no version tag; set crossmesh.strategy to choose the strategy`,
      );
    }

    const needsNodes =
      !connection.gatewayOverride &&
      gatewayService &&
      !gatewayService.status?.loadBalancer?.ingress?.length;
    const nodes = needsNodes ? (await core.listNode()).items : undefined;
    const resolution = resolveGatewayAddress({
      override: connection.gatewayOverride,
      service: gatewayService ?? undefined,
      nodes,
    });
    const configured = this.options.configuredStrategy;
    const detected = version ? strategyForIstioVersion(version) : null;
    let strategySource: MeshCluster['strategySource'] = null;
    if (configured) {
      strategySource = 'config';
    } else if (detected) {
      strategySource = 'detected';
    }
    const strategy = configured ?? detected;
    // multi-primary clusters on one network reach each other's pods without a gateway.
    if (!resolution.gateway && strategy !== 'multi-primary') {
      problems.push(resolution.problem);
    }
    const dns =
      strategy === 'dns-proxy' || strategy === 'multi-primary'
        ? await readDnsCapture(core, connection.url)
        : undefined;
    return {
      name: connection.name,
      reachable: true,
      ...(problems.length ? { error: problems.join('; ') } : {}),
      istio: image && version ? { version: version.text, image } : null,
      strategy,
      strategySource,
      gateway: resolution.gateway,
      ...dns,
      observedAt,
    };
  }
}

async function readDnsCapture(
  core: ClusterApis['core'],
  url: string,
): Promise<DnsCaptureReading> {
  let meshConfig: V1ConfigMap | null;
  try {
    meshConfig = await orNullWhenMissing<V1ConfigMap>(
      core.readNamespacedConfigMap({
        name: 'istio',
        namespace: ISTIO_NAMESPACE,
      }),
    );
  } catch (error) {
    // The rest of the observation stands; only this check is unanswered.
    return {
      dnsCapture: 'unknown',
      dnsCaptureDetail: `ConfigMap ${ISTIO_NAMESPACE}/istio could not be read, so DNS capture cannot be checked: ${describeKubernetesError(
        error,
        url,
      )}`,
    };
  }
  if (!meshConfig) {
    return {
      dnsCapture: 'unknown',
      dnsCaptureDetail: `ConfigMap ${ISTIO_NAMESPACE}/istio was not found, so DNS capture cannot be checked; Istio's installer creates it`,
    };
  }
  return parseDnsCapture(meshConfig.data?.mesh);
}

async function orNullWhenMissing<T>(request: Promise<T>): Promise<T | null> {
  try {
    return await request;
  } catch (error) {
    if (isNotFound(error)) {
      return null;
    }
    throw error;
  }
}

import { MeshStrategy } from '@crossmesh/backstage-plugin-crossmesh-common';
import type {
  V1Deployment,
  V1Namespace,
  V1Service,
} from '@kubernetes/client-node';
import {
  MESH_TLS_PORT,
  resolveGatewayAddress,
} from '../../clusters/gatewayAddress';
import {
  istiodContainer,
  IstioVersion,
  legacyGlobalGatewaySupport,
  parseIstioVersion,
  strategyForIstioVersion,
} from '../../clusters/istioVersion';
import { accessDependency } from './accessChecks';
import { CREDENTIALS } from './connectionChecks';
import { PreflightSession } from './PreflightSession';
import { CheckDefinition, CheckOutcome } from './runChecks';

/** @internal */
export const ISTIO_SYSTEM = 'istio-system';
/** @internal */
export const STRATEGY = 'strategy';

const NS = 'istio-system';

/**
 * Where the gateway address override in the connection came from.
 *
 * @internal
 */
export type GatewayOverrideOrigin = 'config' | 'membership';

/**
 * Reads of Istio's installation that other checks use.
 *
 * @internal
 */
export interface IstioFindings {
  strategy?: MeshStrategy;
}

/**
 * Deployment istio-system/istiod, read once per session.
 *
 * @internal
 */
export function readIstiod(session: PreflightSession) {
  return session.read<V1Deployment>('istiod', () =>
    session.apis.apps.readNamespacedDeployment({
      name: 'istiod',
      namespace: NS,
    }),
  );
}

function istiodImage(istiod: V1Deployment): string | undefined {
  return istiodContainer(istiod)?.image;
}

/**
 * The strategy check's outcome: a pass, or a warning when `legacy-global` meets an istiod
 * whose gateway no longer routes `.global` SNI (the exporting side of the strategy).
 */
function strategyOutcome(
  strategy: MeshStrategy,
  version: IstioVersion | null,
  source: string,
): CheckOutcome {
  const support =
    strategy === 'legacy-global' && version
      ? legacyGlobalGatewaySupport(version)
      : 'native';
  if (support === 'native') {
    return { status: 'pass', detail: `${strategy}, ${source}` };
  }
  const why =
    support === 'none'
      ? `Istio ${
          version!.text
        }'s gateway cannot route the .global SNI of legacy-global to a local service (Istio 1.8.6 and 1.9.5 stopped rewriting it, and 1.18 removed PILOT_ENABLE_LEGACY_AUTO_PASSTHROUGH, the flag that brought it back), so services of this cluster cannot be exposed; calling other clusters still works`
      : `Istio ${
          version!.text
        }'s gateway routes the .global SNI of legacy-global to a local service only when istiod runs with PILOT_ENABLE_LEGACY_AUTO_PASSTHROUGH=true (Istio 1.8.6 and 1.9.5 stopped doing it by default; 1.18 removed the flag)`;
  return {
    status: 'warn',
    detail: `${strategy}, ${source}; but ${why}`,
    remedy:
      support === 'none'
        ? 'Use the dns-proxy strategy (remove crossmesh.strategy, or set it to dns-proxy) for meshes on Istio 1.8 or later'
        : 'Set PILOT_ENABLE_LEGACY_AUTO_PASSTHROUGH=true on istiod (istioctl install --set values.pilot.env.PILOT_ENABLE_LEGACY_AUTO_PASSTHROUGH=true), or use the dns-proxy strategy',
  };
}

/**
 * Istio itself: its namespace, istiod and its version, the strategy in force, and the
 * gateway other clusters reach this one through.
 *
 * @internal
 */
export function istioChecks(
  session: PreflightSession,
  options: {
    configuredStrategy?: MeshStrategy;
    gatewayOverrideOrigin?: GatewayOverrideOrigin;
    findings: IstioFindings;
  },
): CheckDefinition[] {
  const { connection, apis } = session;
  const { configuredStrategy, findings } = options;
  const gatewayService = () =>
    session.read<V1Service>('istio-ingressgateway', () =>
      apis.core.readNamespacedService({
        name: 'istio-ingressgateway',
        namespace: NS,
      }),
    );

  return [
    {
      id: ISTIO_SYSTEM,
      title: 'Namespace istio-system exists',
      dependsOn: [accessDependency('get', 'namespaces')],
      run: async () => {
        const namespace = await session.read<V1Namespace>('ns', () =>
          apis.core.readNamespace({ name: NS }),
        );
        return namespace
          ? { status: 'pass', detail: `Namespace ${NS} exists` }
          : {
              status: 'fail',
              detail: `Namespace ${NS} does not exist, so Istio is not installed in cluster '${connection.name}'`,
              remedy:
                'Install Istio in the cluster (istioctl install), then run the preflight again',
            };
      },
    },
    {
      id: 'istiod',
      title: 'istiod found, and its version',
      dependsOn: [
        ISTIO_SYSTEM,
        accessDependency('get', 'deployments.apps', NS),
      ],
      run: async () => {
        const istiod = await readIstiod(session);
        if (!istiod) {
          return {
            status: 'fail',
            detail: `Deployment ${NS}/istiod was not found`,
            remedy:
              'Install Istio with istiod (Istio 1.6 or later), then run the preflight again',
          };
        }
        const image = istiodImage(istiod);
        const version = image ? parseIstioVersion(image) : null;
        if (!version) {
          return {
            status: 'warn',
            detail: `istiod runs '${
              image ?? '(no image)'
            }', whose tag is not a version, so crossmesh cannot tell Istio's version`,
            remedy:
              'Set crossmesh.strategy (legacy-global for Istio 1.6–1.7, dns-proxy for 1.8 and later)',
          };
        }
        return {
          status: 'pass',
          detail: `istiod runs ${image}: Istio ${version.text}`,
        };
      },
    },
    {
      id: STRATEGY,
      title: 'Mesh strategy',
      dependsOn: configuredStrategy ? [CREDENTIALS] : ['istiod'],
      run: async () => {
        if (configuredStrategy) {
          findings.strategy = configuredStrategy;
          // Istio's version is not needed here, only a reason to warn when it is known.
          const istiod = await readIstiod(session).catch(() => null);
          const image = istiod ? istiodImage(istiod) : undefined;
          return strategyOutcome(
            configuredStrategy,
            image ? parseIstioVersion(image) : null,
            'set in crossmesh.strategy',
          );
        }
        const image = istiodImage((await readIstiod(session))!);
        const version = image ? parseIstioVersion(image) : null;
        if (!version) {
          return {
            status: 'fail',
            detail: "The strategy cannot be detected without Istio's version",
            remedy:
              'Set crossmesh.strategy to legacy-global (Istio 1.6–1.7) or dns-proxy (Istio 1.8 and later)',
          };
        }
        findings.strategy = strategyForIstioVersion(version);
        return strategyOutcome(
          findings.strategy,
          version,
          `detected from Istio ${version.text}`,
        );
      },
    },
    {
      id: 'gateway-service',
      title: `Gateway Service exposes port ${MESH_TLS_PORT}`,
      dependsOn: [ISTIO_SYSTEM, accessDependency('get', 'services', NS)],
      run: async () => {
        const service = await gatewayService();
        if (!service) {
          return {
            status: 'fail',
            detail: `Service ${NS}/istio-ingressgateway was not found; other clusters reach this one through it`,
            remedy: `Install Istio's ingress gateway with a port ${MESH_TLS_PORT} named "tls"`,
          };
        }
        const port = service.spec?.ports?.find(p => p.port === MESH_TLS_PORT);
        if (!port) {
          return {
            status: 'fail',
            detail: `Service ${NS}/istio-ingressgateway has no port ${MESH_TLS_PORT} (ports: ${
              (service.spec?.ports ?? []).map(p => p.port).join(', ') || 'none'
            })`,
            remedy: `Add port ${MESH_TLS_PORT} named "tls" to the Service (the gateway's mTLS port for .global traffic)`,
          };
        }
        return {
          status: 'pass',
          detail: `Service ${NS}/istio-ingressgateway (${
            service.spec?.type ?? 'ClusterIP'
          }) exposes ${MESH_TLS_PORT}${
            port.nodePort ? ` (nodePort ${port.nodePort})` : ''
          }`,
        };
      },
    },
    {
      id: 'gateway-address',
      title: 'Gateway address other clusters use',
      dependsOn: ['gateway-service'],
      run: async () => {
        const service = (await gatewayService()) ?? undefined;
        const override = connection.gatewayOverride;
        const needsNodes =
          !override && !service?.status?.loadBalancer?.ingress?.length;
        const nodes = needsNodes
          ? (await session.call(() => apis.core.listNode())).items
          : undefined;
        const resolution = resolveGatewayAddress({ override, service, nodes });
        if (!resolution.gateway) {
          return {
            status: 'fail',
            detail: resolution.problem,
            remedy: `Wait for the load balancer to get an address, or set a gateway address when registering the cluster (or crossmesh.clusters.${connection.name}.gatewayAddress)`,
          };
        }
        const { address, port, source } = resolution.gateway;
        let origin =
          'the load balancer of Service istio-system/istio-ingressgateway';
        if (source === 'nodePort') {
          origin = "a node's address and the Service's nodePort";
        } else if (source === 'config') {
          origin =
            options.gatewayOverrideOrigin === 'membership'
              ? "the cluster's mesh membership"
              : `crossmesh.clusters.${connection.name}.gatewayAddress`;
        }
        return { status: 'pass', detail: `${address}:${port}, from ${origin}` };
      },
    },
  ];
}

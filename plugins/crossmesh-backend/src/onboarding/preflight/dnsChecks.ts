import { MeshStrategy } from '@crossmesh/backstage-plugin-crossmesh-common';
import type {
  V1ConfigMap,
  V1Deployment,
  V1Service,
} from '@kubernetes/client-node';
import { parseDnsCapture } from '../../clusters/dnsCapture';
import { DnsReads, readDnsFacts } from '../../exposure/dns/cluster/dnsFacts';
import { detectDnsFlavour, DnsFlavour } from '../../exposure/dns/dnsFlavour';
import { readDnsWiringRecord } from '../../exposure/dns/wiringRecord';
import { accessDependency } from './accessChecks';
import { DNS_CONFIG_MAP_OF, isGlobalDnsWired } from './globalDnsWiring';
import { STRATEGY } from './istioChecks';
import { PreflightSession } from './PreflightSession';
import { CheckDefinition } from './runChecks';

const KUBE_SYSTEM = 'kube-system';

/**
 * How `.global` names resolve under the strategy in force: istiocoredns and the cluster
 * DNS's forwarding (legacy-global), or the sidecars' DNS capture (dns-proxy; multi-primary
 * has checks of its own, multiPrimaryChecks.ts). Without a
 * strategy, one check that is skipped because the strategy check did not pass.
 *
 * @internal
 */
export function dnsChecks(
  session: PreflightSession,
  strategy: MeshStrategy | undefined,
): CheckDefinition[] {
  if (strategy === 'dns-proxy') {
    return [dnsCaptureCheck(session)];
  }
  if (strategy === 'legacy-global') {
    return legacyGlobalChecks(session);
  }
  return [
    {
      id: 'dns',
      title: '.global DNS',
      dependsOn: [STRATEGY],
      // Runs only if the strategy check passed without finding one, which it never does.
      run: async () => ({
        status: 'fail',
        detail: 'No strategy is in force, so .global DNS cannot be checked',
        remedy: 'Set crossmesh.strategy',
      }),
    },
  ];
}

/**
 * The sidecars' DNS proxy captures DNS (mesh config `ISTIO_META_DNS_CAPTURE`).
 *
 * @internal
 */
export function dnsCaptureCheck(session: PreflightSession): CheckDefinition {
  return {
    id: 'dns-capture',
    title: "Sidecars' DNS proxy captures DNS",
    dependsOn: [
      STRATEGY,
      accessDependency('get', 'configmaps', 'istio-system'),
    ],
    run: async () => {
      const meshConfig = await session.read<V1ConfigMap>('istio-mesh', () =>
        session.apis.core.readNamespacedConfigMap({
          name: 'istio',
          namespace: 'istio-system',
        }),
      );
      const reading = meshConfig
        ? parseDnsCapture(meshConfig.data?.mesh)
        : {
            dnsCapture: 'unknown' as const,
            dnsCaptureDetail:
              "ConfigMap istio-system/istio was not found, so DNS capture cannot be checked; Istio's installer creates it",
          };
      const remedy =
        'Set meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE to "true" (istioctl install --set meshConfig.defaultConfig.proxyMetadata.ISTIO_META_DNS_CAPTURE=true) and restart the workloads';
      if (reading.dnsCapture === 'enabled') {
        return { status: 'pass', detail: reading.dnsCaptureDetail };
      }
      return {
        status: reading.dnsCapture === 'disabled' ? 'fail' : 'warn',
        detail: reading.dnsCaptureDetail,
        remedy,
      };
    },
  };
}

/** The reads that tell the DNS flavour, shared by the checks of one session. */
function sessionDnsReads(session: PreflightSession): DnsReads {
  const { core, apps } = session.apis;
  const orUndefined = <T>(read: Promise<T | null>) =>
    read.then(found => found ?? undefined);
  return {
    configMap: name =>
      orUndefined(
        session.read<V1ConfigMap>(`cm:${name}`, () =>
          core.readNamespacedConfigMap({ name, namespace: KUBE_SYSTEM }),
        ),
      ),
    deployment: name =>
      orUndefined(
        session.read<V1Deployment>(`deploy:${name}`, () =>
          apps.readNamespacedDeployment({ name, namespace: KUBE_SYSTEM }),
        ),
      ),
    // Node labels are evidence of k3s only; without leave to list nodes, there is none.
    nodes: () =>
      session
        .call(() => core.listNode({ limit: 3 }))
        .then(
          list => list.items,
          error => {
            if ((error as { code?: unknown })?.code === 403) return undefined;
            throw error;
          },
        ),
  };
}

function legacyGlobalChecks(session: PreflightSession): CheckDefinition[] {
  const { core } = session.apis;
  const reads = sessionDnsReads(session);
  let istiocorednsIp: string | undefined;
  let flavour: Exclude<DnsFlavour, 'unknown'> | undefined;

  return [
    {
      id: 'istiocoredns',
      title: 'istiocoredns Service present',
      dependsOn: [
        STRATEGY,
        accessDependency('get', 'services', 'istio-system'),
      ],
      run: async () => {
        const service = await session.read<V1Service>('istiocoredns', () =>
          core.readNamespacedService({
            name: 'istiocoredns',
            namespace: 'istio-system',
          }),
        );
        if (!service) {
          return {
            status: 'fail',
            detail:
              'Service istio-system/istiocoredns does not exist; under the legacy-global strategy the cluster DNS forwards .global names to it',
            remedy:
              "Install Istio's istiocoredns addon (Istio 1.6–1.7: istioctl install --set addonComponents.istiocoredns.enabled=true), or mesh the cluster with the dns-proxy strategy (Istio 1.8 and later)",
          };
        }
        const ip = service.spec?.clusterIP;
        if (!ip || ip === 'None') {
          return {
            status: 'fail',
            detail: `Service istio-system/istiocoredns has no ClusterIP (${
              ip ?? 'none'
            }), so there is no address to forward .global names to`,
            remedy: 'Make istiocoredns a ClusterIP Service',
          };
        }
        istiocorednsIp = ip;
        return {
          status: 'pass',
          detail: `Service istio-system/istiocoredns has ClusterIP ${ip}`,
        };
      },
    },
    {
      id: 'dns-flavour',
      title: 'Cluster DNS',
      dependsOn: [
        STRATEGY,
        accessDependency('get', 'configmaps', KUBE_SYSTEM),
        accessDependency('get', 'deployments.apps', KUBE_SYSTEM),
      ],
      run: async () => {
        const detected = detectDnsFlavour((await readDnsFacts(reads)).input);
        if (detected.flavour === 'unknown') {
          return {
            status: 'fail',
            detail: detected.reason,
            remedy:
              'Forward .global names to istiocoredns by hand in the cluster DNS, or mesh the cluster with the dns-proxy strategy',
          };
        }
        flavour = detected.flavour;
        return { status: 'pass', detail: `${flavour}: ${detected.reason}` };
      },
    },
    {
      id: 'dns-wiring',
      title: '.global names forwarded to istiocoredns',
      dependsOn: ['istiocoredns', 'dns-flavour'],
      run: async () => {
        const name = DNS_CONFIG_MAP_OF[flavour!];
        const configMap = await reads.configMap(name);
        let wired: boolean;
        try {
          wired = isGlobalDnsWired({
            flavour: flavour!,
            configMapData: configMap?.data,
            record: readDnsWiringRecord(configMap?.metadata?.annotations),
            istiocorednsIp: istiocorednsIp!,
          });
        } catch (error) {
          return {
            status: 'fail',
            detail: (error as Error).message,
            remedy:
              'crossmesh does not overwrite DNS settings it did not write: change or remove that entry as described',
          };
        }
        if (wired) {
          return {
            status: 'pass',
            detail: `ConfigMap ${KUBE_SYSTEM}/${name} forwards .global names to istiocoredns at ${istiocorednsIp}`,
          };
        }
        return {
          status: 'warn',
          detail: `ConfigMap ${KUBE_SYSTEM}/${name} does not forward .global names to istiocoredns at ${istiocorednsIp} yet, so workloads here cannot resolve other clusters' services`,
          remedy: `Onboarding wires it; or wire it now (POST /api/crossmesh/clusters/${session.connection.name}/dns); the reconciler also wires it once the cluster consumes an exposure`,
          fixedByOnboarding: true,
        };
      },
    },
  ];
}

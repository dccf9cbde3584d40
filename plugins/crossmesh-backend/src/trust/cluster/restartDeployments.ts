import type { MeshStrategy } from '@crossmesh/backstage-plugin-crossmesh-common';
import type { AppsV1Api } from '@kubernetes/client-node';
import { isNotFound } from '../../clusters/kubernetesErrors';
import { FIELD_MANAGER, ISTIO_NAMESPACE } from './cacertsSecret';
import { loadKubernetesModule } from '../../clusters/kubernetesModule';

/**
 * The Deployments that read `cacerts` and are restarted after it changes.
 *
 * @internal
 */
export const CACERTS_CONSUMERS = ['istiod', 'istio-ingressgateway'] as const;

/**
 * What a `cacerts` write restarts under a strategy. Under `dns-proxy` the gateway only
 * passes TLS through (`AUTO_PASSTHROUGH`, mTLS end to end) and renews its own certificate
 * and roots over SDS like any proxy, so restarting it would only drop connections in flight
 * (ADR 0022). `legacy-global`, and a cluster whose strategy cannot be told, keep Istio's
 * documented procedure: istiod and the gateway.
 *
 * @internal
 */
export function cacertsConsumersFor(
  strategy: MeshStrategy | null | undefined,
): readonly string[] {
  return strategy === 'dns-proxy' ? ['istiod'] : CACERTS_CONSUMERS;
}

/**
 * The pod template annotation `kubectl rollout restart` sets.
 *
 * @internal
 */
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

/**
 * A Deployment could not be restarted; `cause` is the API error.
 *
 * @internal
 */
export class RestartError extends Error {
  constructor(readonly deployment: string, override readonly cause: unknown) {
    super(`restarting ${deployment} failed`);
  }
}

/**
 * Restarts Deployments in istio-system as `kubectl rollout restart` does: a strategic
 * merge patch of only the pod template's `restartedAt` annotation. Progress is recorded
 * in `into` as it goes: restarted Deployments in `restarted`, ones that do not exist in
 * `missing`; any other failure is thrown as a {@link RestartError}.
 *
 * @internal
 */
export async function restartDeployments(
  apps: AppsV1Api,
  names: readonly string[],
  now: Date,
  into: { restarted: string[]; missing: string[] },
): Promise<void> {
  const { PatchStrategy, setHeaderOptions } = await loadKubernetesModule();
  // With milliseconds, unlike kubectl's whole seconds: a patch to the value the Deployment
  // already has changes nothing, so a second restart within the same second would be lost.
  const restartedAt = now.toISOString();
  for (const name of names) {
    try {
      await apps.patchNamespacedDeployment(
        {
          name,
          namespace: ISTIO_NAMESPACE,
          fieldManager: FIELD_MANAGER,
          body: {
            spec: {
              template: {
                metadata: {
                  annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt },
                },
              },
            },
          },
        },
        // The generated client would otherwise send application/json-patch+json.
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      );
      into.restarted.push(name);
    } catch (error) {
      if (!isNotFound(error)) {
        throw new RestartError(name, error);
      }
      into.missing.push(name);
    }
  }
}

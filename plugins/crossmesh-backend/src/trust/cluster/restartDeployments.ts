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
 * The `restartedAt` a restart writes: `now` in whole seconds, as kubectl writes it, or the
 * second after the Deployment's own when that is not earlier. Writing the value it already
 * has changes nothing, so a second restart within one second would otherwise be lost.
 *
 * @internal
 */
export function nextRestartedAt(now: Date, current?: string): string {
  const second = Math.floor(now.getTime() / 1000) * 1000;
  const previous = current ? Date.parse(current) : NaN;
  // NaN (no annotation, or one that is not a time) compares false.
  const next =
    previous >= second ? Math.floor(previous / 1000) * 1000 + 1000 : second;
  return new Date(next).toISOString().replace('.000Z', 'Z');
}

/**
 * Restarts Deployments in istio-system as `kubectl rollout restart` does: a strategic
 * merge patch of only the pod template's `restartedAt` annotation, always to a new value
 * ({@link nextRestartedAt}). Progress is recorded
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
  for (const name of names) {
    try {
      const deployment = await apps.readNamespacedDeployment({
        name,
        namespace: ISTIO_NAMESPACE,
      });
      const restartedAt = nextRestartedAt(
        now,
        deployment.spec?.template?.metadata?.annotations?.[
          RESTARTED_AT_ANNOTATION
        ],
      );
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

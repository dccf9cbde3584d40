import type { V1ConfigMap } from '@kubernetes/client-node';
import {
  CLUSTER_LOCAL_BY_DEFAULT,
  editServiceSettings,
} from '../../exposure/meshConfig/serviceSettings';
import { accessDependency } from './accessChecks';
import { STRATEGY } from './istioChecks';
import { PreflightSession } from './PreflightSession';
import { CheckDefinition } from './runChecks';

/**
 * multi-primary: crossmesh can keep its `serviceSettings` in the mesh config, tried as a
 * dry run of the edit it makes on the first pass (services cluster-local by default).
 *
 * @internal
 */
export function meshConfigCheck(session: PreflightSession): CheckDefinition {
  return {
    id: 'mesh-config',
    title: 'crossmesh can keep serviceSettings in the mesh config',
    dependsOn: [
      STRATEGY,
      accessDependency('get', 'configmaps', 'istio-system'),
      accessDependency('update', 'configmaps', 'istio-system'),
    ],
    run: async () => {
      const meshConfig = await session.read<V1ConfigMap>('istio-mesh', () =>
        session.apis.core.readNamespacedConfigMap({
          name: 'istio',
          namespace: 'istio-system',
        }),
      );
      if (!meshConfig) {
        return {
          status: 'fail',
          detail:
            'ConfigMap istio-system/istio was not found; istiod reads the mesh config from it',
          remedy:
            "Install Istio with its default revision (Istio's installer creates the ConfigMap)",
        };
      }
      try {
        const edit = editServiceSettings(meshConfig.data?.mesh ?? '', {
          clusterLocal: [CLUSTER_LOCAL_BY_DEFAULT],
          global: [],
        });
        return {
          status: 'pass',
          detail: edit.changed
            ? `crossmesh will add its serviceSettings (${CLUSTER_LOCAL_BY_DEFAULT} cluster-local until an exposure is approved) and keep every other line`
            : 'The mesh config already holds what crossmesh wants',
        };
      } catch (error) {
        return {
          status: 'fail',
          detail: (error as Error).message,
          remedy:
            'Change meshConfig.serviceSettings as the detail says, where Istio was installed from (IstioOperator, Helm values) or in the istio ConfigMap, then check again',
        };
      }
    },
  };
}

import type { V1ConfigMap } from '@kubernetes/client-node';
import {
  CLUSTER_LOCAL_BY_DEFAULT,
  editServiceSettings,
} from '../../exposure/meshConfig/serviceSettings';
import { meshConfigMapName } from '../../exposure/meshConfig/MeshConfigWiring';
import { accessDependency } from './accessChecks';
import { reviewAccess } from './reviewAccess';
import { STRATEGY } from './istioChecks';
import { PreflightSession } from './PreflightSession';
import { CheckDefinition, CheckOutcome } from './runChecks';

/**
 * multi-primary: crossmesh can keep its `serviceSettings` in each revision's mesh config,
 * tried as a dry run of the edit it makes on the first pass (services cluster-local by
 * default). A revision's ConfigMap other than `istio` needs its name in deploy/rbac.yaml,
 * which names `istio` alone: that is reviewed here (the access checks review the file's).
 *
 * @internal
 */
export function meshConfigCheck(
  session: PreflightSession,
  revisions: string[] = ['default'],
): CheckDefinition {
  return {
    id: 'mesh-config',
    title: 'crossmesh can keep serviceSettings in the mesh config',
    dependsOn: [
      STRATEGY,
      accessDependency('get', 'configmaps', 'istio-system'),
      accessDependency('update', 'configmaps', 'istio-system'),
    ],
    run: async () => {
      const outcomes = [];
      for (const revision of revisions) {
        outcomes.push(await checkRevision(session, revision));
      }
      const failed = outcomes.filter(o => o.status === 'fail');
      if (failed.length > 0) {
        return {
          status: 'fail',
          detail: failed.map(o => o.detail).join('; '),
          remedy: failed.map(o => o.remedy).join('; '),
        };
      }
      return {
        status: 'pass',
        detail: outcomes.map(o => o.detail).join('; '),
      };
    },
  };
}

async function checkRevision(
  session: PreflightSession,
  revision: string,
): Promise<CheckOutcome> {
  const name = meshConfigMapName(revision);
  const where = `ConfigMap istio-system/${name}`;
  if (name !== 'istio') {
    for (const verb of ['get', 'update'] as const) {
      const review = await session.call(() =>
        reviewAccess(session.apis.authorization, {
          verb,
          group: '',
          resource: 'configmaps',
          namespace: 'istio-system',
          names: [name],
          purpose: `keeps its serviceSettings in revision ${revision}'s mesh config`,
        }),
      );
      if (!review.allowed) {
        return {
          status: 'fail',
          detail: `crossmesh may not ${verb} ${where}, the mesh config of revision ${revision}`,
          remedy: `Add "${name}" to the resourceNames of the rules that allow "get" and "update" on configmaps in deploy/rbac.yaml's Role crossmesh (namespace istio-system), and apply it`,
        };
      }
    }
  }
  const meshConfig = await session.read<V1ConfigMap>(`mesh-${name}`, () =>
    session.apis.core.readNamespacedConfigMap({
      name,
      namespace: 'istio-system',
    }),
  );
  if (!meshConfig) {
    return {
      status: 'fail',
      detail: `${where} was not found; istiod of revision ${revision} reads the mesh config from it`,
      remedy:
        revision === 'default'
          ? "Install Istio with its default revision (Istio's installer creates the ConfigMap), or name the installed revisions in crossmesh.multiPrimary.revisions"
          : `Install revision ${revision} of Istio, or remove it from crossmesh.multiPrimary.revisions`,
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
        ? `crossmesh will add its serviceSettings to ${where} (${CLUSTER_LOCAL_BY_DEFAULT} cluster-local until an exposure is approved) and keep every other line`
        : `${where} already holds what crossmesh wants`,
    };
  } catch (error) {
    return {
      status: 'fail',
      detail: `${where}: ${(error as Error).message}`,
      remedy:
        'Change meshConfig.serviceSettings as the detail says, where Istio was installed from (IstioOperator, Helm values) or in the istio ConfigMap, then check again',
    };
  }
}

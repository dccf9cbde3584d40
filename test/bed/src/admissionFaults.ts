import { kubeRequest, KubeResponse } from './kubeRequest';
import { TestCluster } from './types';

/**
 * One JSON request to a bed cluster's API server, as its admin unless `token` says
 * otherwise; independent of crossmesh's code.
 *
 * @public
 */
export function clusterRequest(
  cluster: TestCluster,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<KubeResponse> {
  return kubeRequest(
    {
      url: cluster.url,
      ca: Buffer.from(cluster.caData, 'base64').toString('utf8'),
      token: options.token ?? cluster.adminToken,
    },
    path,
    { method, body: options.body },
  );
}

const POLICY = 'test-bed-no-configmap-writes';
const POLICIES =
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
const BINDINGS =
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings';
const COREFILE = '/api/v1/namespaces/kube-system/configmaps/coredns';

/**
 * The message the API server refuses with while {@link refuseCrossmeshConfigMapWrites}
 * is in force.
 *
 * @public
 */
export const REFUSED_CONFIGMAP_WRITE =
  'the test bed refuses ConfigMap writes by crossmesh';

/**
 * Makes the cluster's API server refuse every ConfigMap write by user crossmesh, through a
 * ValidatingAdmissionPolicy. crossmesh's RBAC, which its preflight checks, still allows the
 * write, so a fault shows only when crossmesh writes: onboarding gets past its preflight and
 * fails where it wires DNS. Resolves once the API server enforces the policy, to a function
 * that lifts it (and resolves once lifted).
 *
 * @public
 */
export async function refuseCrossmeshConfigMapWrites(
  cluster: TestCluster,
): Promise<() => Promise<void>> {
  const policy = await clusterRequest(cluster, 'POST', POLICIES, {
    body: {
      metadata: { name: POLICY },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [''],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: ['configmaps'],
            },
          ],
        },
        validations: [
          {
            expression: "request.userInfo.username != 'crossmesh'",
            message: REFUSED_CONFIGMAP_WRITE,
          },
        ],
      },
    },
  });
  const binding = await clusterRequest(cluster, 'POST', BINDINGS, {
    body: {
      metadata: { name: POLICY },
      spec: { policyName: POLICY, validationActions: ['Deny'] },
    },
  });
  if (policy.status !== 201 || binding.status !== 201) {
    throw new Error(
      `creating the admission policy failed: ${JSON.stringify([
        policy,
        binding,
      ])}`,
    );
  }
  // The API server loads policies asynchronously: wait until it enforces them.
  await untilCrossmeshMayWriteCorefile(cluster, false);
  return async () => {
    await clusterRequest(cluster, 'DELETE', `${BINDINGS}/${POLICY}`);
    await clusterRequest(cluster, 'DELETE', `${POLICIES}/${POLICY}`);
    await untilCrossmeshMayWriteCorefile(cluster, true);
  };
}

/** Polls a dry-run write of the Corefile as crossmesh until it is allowed, or refused. */
async function untilCrossmeshMayWriteCorefile(
  cluster: TestCluster,
  allowed: boolean,
) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const current = await clusterRequest(cluster, 'GET', COREFILE);
    const dryRun = await clusterRequest(
      cluster,
      'PUT',
      `${COREFILE}?dryRun=All`,
      { body: current.body, token: cluster.crossmeshToken },
    );
    if ((dryRun.status === 200) === allowed) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(
    `crossmesh's Corefile writes were never ${allowed ? 'allowed' : 'refused'}`,
  );
}

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
export function refuseCrossmeshConfigMapWrites(
  cluster: TestCluster,
): Promise<() => Promise<void>> {
  return refuseWrites(cluster, {
    policy: POLICY,
    resource: 'configmaps',
    expression: "request.userInfo.username != 'crossmesh'",
    message: REFUSED_CONFIGMAP_WRITE,
    refused: async () => {
      const current = await clusterRequest(cluster, 'GET', COREFILE);
      const dryRun = await clusterRequest(
        cluster,
        'PUT',
        `${COREFILE}?dryRun=All`,
        { body: current.body, token: cluster.crossmeshToken },
      );
      return dryRun.status !== 200;
    },
  });
}

/**
 * Makes the cluster's API server refuse to create or update Secret `namespace/name`, whoever
 * writes it, through a ValidatingAdmissionPolicy. Resolves once it is enforced, to a function
 * that lifts it (and resolves once lifted).
 *
 * @public
 */
export function refuseSecretWrites(
  cluster: TestCluster,
  namespace: string,
  name: string,
): Promise<() => Promise<void>> {
  return refuseWrites(cluster, {
    policy: `test-bed-no-writes-of-${name}`,
    resource: 'secrets',
    expression: `!(object.metadata.namespace == '${namespace}' && object.metadata.name == '${name}')`,
    message: `the test bed refuses writes of Secret ${namespace}/${name}`,
    refused: async () => {
      const dryRun = await clusterRequest(
        cluster,
        'POST',
        `/api/v1/namespaces/${namespace}/secrets?dryRun=All`,
        { body: { metadata: { name } } },
      );
      // Created (201) or already there (409) both mean admission let it through.
      return dryRun.status !== 201 && dryRun.status !== 409;
    },
  });
}

async function refuseWrites(
  cluster: TestCluster,
  refusal: {
    policy: string;
    resource: string;
    expression: string;
    message: string;
    /** Whether the API server refuses a probing write now. */
    refused: () => Promise<boolean>;
  },
): Promise<() => Promise<void>> {
  const { policy: name, resource, expression, message } = refusal;
  const policy = await clusterRequest(cluster, 'POST', POLICIES, {
    body: {
      metadata: { name },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [''],
              apiVersions: ['v1'],
              operations: ['CREATE', 'UPDATE'],
              resources: [resource],
            },
          ],
        },
        validations: [{ expression, message }],
      },
    },
  });
  const binding = await clusterRequest(cluster, 'POST', BINDINGS, {
    body: {
      metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'] },
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
  await until(refusal.refused, true, name);
  return async () => {
    await clusterRequest(cluster, 'DELETE', `${BINDINGS}/${name}`);
    await clusterRequest(cluster, 'DELETE', `${POLICIES}/${name}`);
    await until(refusal.refused, false, name);
  };
}

async function until(
  refused: () => Promise<boolean>,
  wanted: boolean,
  policy: string,
) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await refused()) === wanted) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  throw new Error(
    `the API server never ${
      wanted ? 'enforced' : 'lifted'
    } admission policy ${policy}`,
  );
}

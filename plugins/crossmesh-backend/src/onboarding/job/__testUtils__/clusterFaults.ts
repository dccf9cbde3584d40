import type { TestCluster } from '@crossmesh/test-bed';
import https from 'node:https';

/** One JSON request to the cluster's API server with the given token, independent of crossmesh. */
export function clusterRequest(
  cluster: TestCluster,
  token: string,
  method: string,
  path: string,
  body?: object,
): Promise<{ status: number; body: any }> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      new URL(path, cluster.url),
      {
        method,
        ca: Buffer.from(cluster.caData, 'base64'),
        // Own connection: Backstage's jest setup swaps the global agent for one that refuses.
        agent: false,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null'),
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const POLICY = 'crossmesh-test-no-configmap-writes';
const POLICIES =
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicies';
const BINDINGS =
  '/apis/admissionregistration.k8s.io/v1/validatingadmissionpolicybindings';

/**
 * Makes the cluster's API server refuse every ConfigMap write by user crossmesh, through a
 * ValidatingAdmissionPolicy: crossmesh's RBAC (which preflight checks) still allows it, so
 * onboarding gets past its preflight and fails where it wires DNS. Resolves once the API
 * server enforces it; the returned function lifts it.
 */
export async function refuseCrossmeshConfigMapWrites(
  cluster: TestCluster,
): Promise<() => Promise<void>> {
  const admin = (method: string, path: string, body?: object) =>
    clusterRequest(cluster, cluster.adminToken, method, path, body);
  const policy = await admin('POST', POLICIES, {
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
          message: 'this test refuses ConfigMap writes by crossmesh',
        },
      ],
    },
  });
  const binding = await admin('POST', BINDINGS, {
    metadata: { name: POLICY },
    spec: { policyName: POLICY, validationActions: ['Deny'] },
  });
  if (policy.status !== 201 || binding.status !== 201) {
    throw new Error(
      `creating the admission policy failed: ${JSON.stringify([policy, binding])}`,
    );
  }
  // The API server loads policies asynchronously: wait until it enforces them.
  await untilCrossmeshMayWriteCorefile(cluster, false);
  return async () => {
    await admin('DELETE', `${BINDINGS}/${POLICY}`);
    await admin('DELETE', `${POLICIES}/${POLICY}`);
    await untilCrossmeshMayWriteCorefile(cluster, true);
  };
}

/** Polls a dry-run write of the Corefile as crossmesh until it is allowed, or refused. */
async function untilCrossmeshMayWriteCorefile(
  cluster: TestCluster,
  allowed: boolean,
) {
  const corefile = '/api/v1/namespaces/kube-system/configmaps/coredns';
  for (let attempt = 0; attempt < 100; attempt++) {
    const current = await clusterRequest(
      cluster,
      cluster.adminToken,
      'GET',
      corefile,
    );
    const dryRun = await clusterRequest(
      cluster,
      cluster.crossmeshToken,
      'PUT',
      `${corefile}?dryRun=All`,
      current.body,
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

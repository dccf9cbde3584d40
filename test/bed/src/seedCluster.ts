import fs from 'node:fs';
import yaml from 'js-yaml';
import {
  CrossmeshAccess,
  crossmeshAccessManifests,
  crossmeshBindingName,
} from './crossmeshAccess';
import {
  gatewayStatus,
  istioManifests,
  istioNamespace,
} from './istioManifests';
import { KubeConnection, expectOk, kubeRequest } from './kubeRequest';
import { Manifest, collectionPath, objectPath } from './resourcePaths';
import { sharedFile } from './paths';

export interface SeedOptions {
  istioVersion: string;
  gatewayAddress: string;
  /** Default `cluster-admin`. */
  crossmeshAccess?: CrossmeshAccess;
  timeoutMs?: number;
}

export function readYamlManifests(file: string): Manifest[] {
  return (yaml.loadAll(fs.readFileSync(file, 'utf8')) as Manifest[]).filter(
    doc => doc && typeof doc === 'object' && doc.kind,
  );
}

let crdCache: Manifest[] | undefined;

export function istioCrds(): Manifest[] {
  crdCache ??= readYamlManifests(sharedFile('istio', 'crds.gen.yaml')).filter(
    doc => doc.kind === 'CustomResourceDefinition',
  );
  return crdCache;
}

export function corednsConfigMap(): Manifest {
  const [configMap] = readYamlManifests(
    sharedFile('fixtures', 'coredns', 'kubeadm.yaml'),
  );
  return configMap;
}

function describe(manifest: Manifest) {
  const { namespace, name } = manifest.metadata;
  return `${manifest.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** Creates the object, or merge-patches it when it exists (a reused state dir). */
export async function apply(
  connection: KubeConnection,
  manifest: Manifest,
): Promise<void> {
  const created = await kubeRequest(connection, collectionPath(manifest), {
    method: 'POST',
    body: manifest,
  });
  if (created.status === 409) {
    expectOk(
      await kubeRequest(connection, objectPath(manifest), {
        method: 'PATCH',
        body: manifest,
        contentType: 'application/merge-patch+json',
      }),
      `Updating ${describe(manifest)} at ${connection.url}`,
    );
    return;
  }
  expectOk(created, `Creating ${describe(manifest)} at ${connection.url}`);
}

async function waitForEstablished(
  connection: KubeConnection,
  crd: Manifest,
  deadline: number,
): Promise<void> {
  for (;;) {
    const response = await kubeRequest(connection, objectPath(crd));
    const conditions: Array<{ type: string; status: string }> =
      response.body?.status?.conditions ?? [];
    if (conditions.some(c => c.type === 'Established' && c.status === 'True')) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `CRD ${crd.metadata.name} at ${
          connection.url
        } is not Established; conditions: ${JSON.stringify(conditions)}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/**
 * Waits until the API server lists the CRD's objects. For a while after a CRD is
 * Established, and after the API server restarts, a LIST answers 429 "storage is
 * (re)initializing"; a cluster is ready only once every client can read.
 */
async function waitForServed(
  connection: KubeConnection,
  crd: Manifest,
  deadline: number,
): Promise<void> {
  const spec = (crd as any).spec as {
    group: string;
    names: { plural: string };
    versions: Array<{ name: string; storage?: boolean }>;
  };
  const version = (spec.versions.find(v => v.storage) ?? spec.versions[0]).name;
  const path = `/apis/${spec.group}/${version}/${spec.names.plural}?limit=1`;
  for (;;) {
    const response = await kubeRequest(connection, path);
    if (response.status === 200) return;
    if (response.status !== 429 || Date.now() > deadline) {
      expectOk(response, `Listing ${path} at ${connection.url}`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** Waits until every Istio CRD is Established and its objects can be listed. */
export function waitForIstioCrds(
  connection: KubeConnection,
  timeoutMs = 60_000,
): Promise<void> {
  return waitForCrds(connection, istioCrds(), timeoutMs);
}

/** Waits until every CRD given is Established and its objects can be listed. */
export async function waitForCrds(
  connection: KubeConnection,
  crds: Manifest[],
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  await Promise.all(
    crds.map(async crd => {
      await waitForEstablished(connection, crd, deadline);
      await waitForServed(connection, crd, deadline);
    }),
  );
}

const systemNamespace: Manifest = {
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name: 'kube-system' },
};

/** A reused state dir may hold the cluster-admin binding from an earlier start. */
async function removeCrossmeshBinding(connection: KubeConnection) {
  const response = await kubeRequest(
    connection,
    `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${crossmeshBindingName}`,
    { method: 'DELETE' },
  );
  if (response.status !== 404) {
    expectOk(
      response,
      `Deleting ClusterRoleBinding ${crossmeshBindingName} at ${connection.url}`,
    );
  }
}

/**
 * Makes a seeded cluster look like Istio `istioVersion`: the images of its Deployments, which
 * is where crossmesh reads the version from.
 */
export async function seedIstioVersion(
  connection: KubeConnection,
  istioVersion: string,
): Promise<void> {
  for (const manifest of istioManifests(istioVersion)) {
    if (manifest.kind === 'Deployment') {
      await apply(connection, manifest);
    }
  }
}

/** Makes a bare apiserver look like a cluster with Istio installed. */
export async function seedCluster(
  connection: KubeConnection,
  {
    istioVersion,
    gatewayAddress,
    crossmeshAccess = 'cluster-admin',
    timeoutMs = 60_000,
  }: SeedOptions,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const crds = istioCrds();
  await Promise.all(crds.map(crd => apply(connection, crd)));
  const [namespace, ...istioObjects] = istioManifests(istioVersion);
  await Promise.all(
    [namespace, systemNamespace].map(manifest => apply(connection, manifest)),
  );
  await Promise.all([
    ...istioObjects.map(manifest => apply(connection, manifest)),
    ...crossmeshAccessManifests(crossmeshAccess).map(manifest =>
      apply(connection, manifest),
    ),
    apply(connection, corednsConfigMap()),
  ]);
  if (crossmeshAccess === 'none') {
    await removeCrossmeshBinding(connection);
  }
  expectOk(
    await kubeRequest(
      connection,
      `/api/v1/namespaces/${istioNamespace}/services/istio-ingressgateway/status`,
      {
        method: 'PATCH',
        body: gatewayStatus(gatewayAddress),
        contentType: 'application/merge-patch+json',
      },
    ),
    `Setting the load-balancer status of istio-ingressgateway at ${connection.url}`,
  );
  await waitForIstioCrds(connection, Math.max(0, deadline - Date.now()));
}

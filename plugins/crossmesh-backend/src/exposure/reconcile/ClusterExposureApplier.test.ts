import { leaseTestBed, TestBed, TestCluster } from '@crossmesh/test-bed';
import type { CustomObjectsApi } from '@kubernetes/client-node';
import { ClusterConnection } from '../../clusters/clusterConnections';
import { KubernetesClients } from '../../clusters/KubernetesClients';
import { adminApis, connectionsOf } from '../../__testUtils__/trustTestKit';
import { renderExposure } from '../render';
import type { KubeObject } from '../render';
import { ClusterExposureApplier } from './ClusterExposureApplier';

jest.setTimeout(120_000);

const plurals: Record<string, string> = {
  ServiceEntry: 'serviceentries',
  DestinationRule: 'destinationrules',
  Gateway: 'gateways',
  AuthorizationPolicy: 'authorizationpolicies',
};
const groupOf = (kind: string) =>
  kind === 'AuthorizationPolicy' ? 'security.istio.io' : 'networking.istio.io';

const where = (object: KubeObject) => ({
  group: groupOf(object.kind),
  version: 'v1beta1',
  plural: plurals[object.kind],
  namespace: object.metadata.namespace,
  name: object.metadata.name,
});

async function adminCustomObjects(
  cluster: TestCluster,
): Promise<CustomObjectsApi> {
  const k8s = await import('@kubernetes/client-node');
  const kubeConfig = new k8s.KubeConfig();
  kubeConfig.loadFromFile(cluster.kubeconfigPath);
  return kubeConfig.makeApiClient(k8s.CustomObjectsApi);
}

/**
 * A fresh API server answers 429 to reads of custom resources until their storage is
 * ready; waiting for that keeps the counts below exact.
 */
async function untilCustomResourcesServed(api: CustomObjectsApi) {
  for (const [kind, plural] of Object.entries(plurals)) {
    for (let attempt = 1; ; attempt++) {
      try {
        await api.listClusterCustomObject({
          group: groupOf(kind),
          version: 'v1beta1',
          plural,
        });
        break;
      } catch (error) {
        if ((error as { code?: number }).code !== 429 || attempt > 100) {
          throw error;
        }
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    }
  }
}

describe('ClusterExposureApplier against real API servers', () => {
  let bed: TestBed;
  let connections: ClusterConnection[];
  let applier: ClusterExposureApplier;
  let admin: CustomObjectsApi[];
  let legacy: ReturnType<typeof renderExposure>;
  let dnsProxy: ReturnType<typeof renderExposure>;
  let consumerSide: KubeObject[];

  const readAsAdmin = async (cluster: number, object: KubeObject) =>
    (await admin[cluster].getNamespacedCustomObject(where(object))) as any;

  /** Every crossmesh-labelled object of the kinds crossmesh manages, as `Kind ns/name`. */
  const managedAsAdmin = async (cluster: number) => {
    const names: string[] = [];
    for (const [kind, plural] of Object.entries(plurals)) {
      const list = await admin[cluster].listClusterCustomObject({
        group: groupOf(kind),
        version: 'v1beta1',
        plural,
        labelSelector: 'app.kubernetes.io/managed-by=crossmesh',
      });
      for (const item of list.items as KubeObject[]) {
        names.push(`${kind} ${item.metadata.namespace}/${item.metadata.name}`);
      }
    }
    return names.sort();
  };
  const namesOf = (objects: KubeObject[]) =>
    objects
      .map(o => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)
      .sort();

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    connections = connectionsOf(bed);
    applier = new ClusterExposureApplier(new KubernetesClients());
    admin = await Promise.all(bed.clusters.map(adminCustomObjects));
    await Promise.all(admin.map(untilCustomResourcesServed));
    const { core } = await adminApis(bed.clusters[0]);
    await core.createNamespace({ body: { metadata: { name: 'foo' } } });
    // svc-2's namespace, where the exporter's AuthorizationPolicy goes.
    await (
      await adminApis(bed.clusters[1])
    ).core.createNamespace({ body: { metadata: { name: 'bar' } } });

    const common = {
      requestId: '0f8fad5b-d9cb-469f-a165-70867728950e',
      host: 'svc-2.bar.global',
      vip: '240.0.0.2',
      ports: [
        { name: 'http', number: 8000 },
        { name: 'tcp-db', number: 5432 },
      ],
      remoteGateway: { address: bed.clusters[1].gatewayAddress, port: 15443 },
    };
    legacy = renderExposure('legacy-global', { ...common, exportTo: ['foo'] });
    dnsProxy = renderExposure('dns-proxy', common);
    // cluster-1 calls svc-2 both ways; cluster-2 runs it.
    consumerSide = [...legacy.consumer, ...dnsProxy.consumer];
  });

  afterAll(async () => {
    await bed?.stop();
  });

  it('creates every object with exactly the rendered spec, labels and annotations', async () => {
    const result = await applier.converge(connections[0], consumerSide);

    expect(result).toEqual({
      cluster: 'cluster-1',
      applied: 3,
      deleted: 0,
      unchanged: 0,
      reads: 7, // one LIST per managed kind (4), and a GET for each object to create (3)
      writes: 3,
    });
    for (const object of consumerSide) {
      const stored = await readAsAdmin(0, object);
      expect(stored.spec).toEqual(object.spec);
      expect(stored.metadata.labels).toEqual(object.metadata.labels);
      expect(stored.metadata.annotations).toEqual(object.metadata.annotations);
      expect(
        stored.metadata.managedFields.map((f: any) => [f.manager, f.operation]),
      ).toEqual([['crossmesh', 'Apply']]);
    }
    expect(await managedAsAdmin(0)).toEqual(namesOf(consumerSide));
  });

  it('makes no write and four reads when nothing is to change', async () => {
    const result = await applier.converge(connections[0], consumerSide);
    expect(result).toEqual({
      cluster: 'cluster-1',
      applied: 0,
      deleted: 0,
      unchanged: 3,
      reads: 4,
      writes: 0,
    });
  });

  it('repairs an object whose spec was edited by hand, removing fields added to it', async () => {
    const [serviceEntry] = dnsProxy.consumer;
    await admin[0].patchNamespacedCustomObject(
      {
        ...where(serviceEntry),
        body: {
          spec: {
            endpoints: [{ address: '203.0.113.9' }],
            exportTo: ['*'],
          },
        },
      },
      (
        await import('@kubernetes/client-node')
      ).setHeaderOptions('Content-Type', 'application/merge-patch+json'),
    );
    expect((await readAsAdmin(0, serviceEntry)).spec.exportTo).toEqual(['*']);

    const repair = await applier.converge(connections[0], consumerSide);
    expect(repair).toEqual({
      cluster: 'cluster-1',
      applied: 1,
      deleted: 0,
      unchanged: 2,
      reads: 4,
      writes: 2, // the apply, then a patch removing exportTo, which the apply left to its owner
    });
    expect((await readAsAdmin(0, serviceEntry)).spec).toEqual(
      serviceEntry.spec,
    );

    const after = await applier.converge(connections[0], consumerSide);
    expect(after).toMatchObject({ writes: 0, reads: 4, unchanged: 3 });
  });

  it('recreates an object deleted by hand', async () => {
    const destinationRule = dnsProxy.consumer[1];
    await admin[0].deleteNamespacedCustomObject(where(destinationRule));

    const result = await applier.converge(connections[0], consumerSide);
    expect(result).toEqual({
      cluster: 'cluster-1',
      applied: 1,
      deleted: 0,
      unchanged: 2,
      reads: 5,
      writes: 1,
    });
    expect((await readAsAdmin(0, destinationRule)).spec).toEqual(
      destinationRule.spec,
    );
  });

  it('deletes a managed object that is no longer wanted', async () => {
    const result = await applier.converge(connections[0], dnsProxy.consumer);
    expect(result).toEqual({
      cluster: 'cluster-1',
      applied: 0,
      deleted: 1,
      unchanged: 2,
      reads: 4,
      writes: 1,
    });
    await expect(readAsAdmin(0, legacy.consumer[0])).rejects.toMatchObject({
      code: 404,
    });
    expect(await managedAsAdmin(0)).toEqual(namesOf(dnsProxy.consumer));
  });

  it('never touches objects without its label, and reports one that has a name it wants', async () => {
    const [wanted] = legacy.consumer; // foo/crossmesh-svc-2-bar-…, deleted above
    const handMade = (name: string): KubeObject => ({
      apiVersion: 'networking.istio.io/v1beta1',
      kind: 'ServiceEntry',
      metadata: {
        name,
        namespace: 'foo',
        labels: { team: 'payments' },
        annotations: {},
      },
      spec: {
        hosts: ['svc-2.bar.global'],
        location: 'MESH_EXTERNAL',
        ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
        resolution: 'DNS',
      },
    });
    const bystander = handMade('payments-svc-2');
    const colliding = handMade(wanted.metadata.name);
    for (const body of [bystander, colliding]) {
      await admin[0].createNamespacedCustomObject({
        ...where(wanted),
        body,
        fieldManager: 'kubectl-create',
      });
    }
    const before = await Promise.all(
      [bystander, colliding].map(o => readAsAdmin(0, o)),
    );

    const result = await applier.converge(connections[0], consumerSide);
    expect(result).toEqual({
      cluster: 'cluster-1',
      applied: 0,
      deleted: 0,
      unchanged: 2,
      reads: 5,
      writes: 0,
      error: `cluster 'cluster-1': ServiceEntry foo/${wanted.metadata.name} already exists and was not made by crossmesh (it lacks the label app.kubernetes.io/managed-by=crossmesh), so crossmesh left it as it is; delete or rename it, or add the label if crossmesh should manage it`,
    });
    // Also when nothing is wanted in that namespace any more.
    expect(
      (await applier.converge(connections[0], dnsProxy.consumer)).writes,
    ).toBe(0);

    const after = await Promise.all(
      [bystander, colliding].map(o => readAsAdmin(0, o)),
    );
    expect(after).toEqual(before);

    for (const o of [bystander, colliding]) {
      await admin[0].deleteNamespacedCustomObject(where(o));
    }
  });

  it('reports an object whose namespace is missing and converges the others', async () => {
    const missing = renderExposure('legacy-global', {
      requestId: 'r-2',
      host: 'svc-9.bar.global',
      vip: '240.0.0.9',
      ports: [{ name: 'http', number: 80 }],
      exportTo: ['nowhere', 'foo'],
      remoteGateway: { address: bed.clusters[1].gatewayAddress, port: 15443 },
    }).consumer;

    const result = await applier.converge(connections[0], [
      ...dnsProxy.consumer,
      ...missing,
    ]);
    expect(result).toEqual({
      cluster: 'cluster-1',
      applied: 1,
      deleted: 0,
      unchanged: 2,
      reads: 6, // one LIST per managed kind (4), and a GET for each of the two ServiceEntries to create
      writes: 2,
      error: `cluster 'cluster-1': ServiceEntry nowhere/${missing[0].metadata.name}: namespace 'nowhere' does not exist, so the object was not created; create the namespace or take it out of the exposure's consumer namespaces`,
    });
    expect(await managedAsAdmin(0)).toEqual(
      namesOf([...dnsProxy.consumer, missing[1]]),
    );
  });

  it('leaves alone an object wanted twice with different contents, and refuses objects without its label', async () => {
    const [serviceEntry, destinationRule] = dnsProxy.consumer;
    const disagreeing = {
      ...destinationRule,
      spec: { ...destinationRule.spec, exportTo: ['.'] },
    };
    const unlabelled = {
      ...serviceEntry,
      metadata: { ...serviceEntry.metadata, name: 'unlabelled', labels: {} },
    };
    const result = await applier.converge(connections[0], [
      ...dnsProxy.consumer,
      disagreeing,
      unlabelled,
    ]);
    expect(result).toMatchObject({ applied: 0, deleted: 1, writes: 1 }); // svc-9 in foo
    expect(result.error).toBe(
      `cluster 'cluster-1': DestinationRule istio-system/${destinationRule.metadata.name} is wanted twice with different contents, so crossmesh did not touch it; two exposures disagree about this shared object; ServiceEntry istio-system/unlabelled was not applied: it lacks the label app.kubernetes.io/managed-by=crossmesh, so crossmesh would not find it again; render it with renderExposure`,
    );
    expect((await readAsAdmin(0, destinationRule)).spec).toEqual(
      destinationRule.spec,
    );
    expect(await managedAsAdmin(0)).toEqual(namesOf(dnsProxy.consumer));
  });

  it('reports a stopped cluster while another converges, and after the restart converges it without duplicates', async () => {
    await bed.stopCluster('cluster-1');
    try {
      const [down, up] = await Promise.all([
        applier.converge(connections[0], consumerSide),
        applier.converge(connections[1], dnsProxy.exporter),
      ]);
      expect(down).toMatchObject({
        cluster: 'cluster-1',
        applied: 0,
        deleted: 0,
        writes: 0,
      });
      expect(down.error).toMatch(
        /^cluster 'cluster-1': crossmesh could not list its ServiceEntry objects, so it changed nothing: cannot reach the API server at https:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
      );
      expect(up).toEqual({
        cluster: 'cluster-2',
        applied: 3,
        deleted: 0,
        unchanged: 0,
        reads: 7,
        writes: 3,
      });
      expect(await managedAsAdmin(1)).toEqual(namesOf(dnsProxy.exporter));
    } finally {
      await bed.startCluster('cluster-1');
    }

    // Right after the restart: the applier waits out the API server's 429s itself.
    const restarted = await applier.converge(connections[0], consumerSide);
    expect(restarted).toEqual({
      cluster: 'cluster-1',
      applied: 1,
      deleted: 0,
      unchanged: 2,
      reads: expect.any(Number),
      writes: 1,
    });
    expect(restarted.reads).toBeGreaterThanOrEqual(5);
    expect(await managedAsAdmin(0)).toEqual(namesOf(consumerSide));
    expect(await applier.converge(connections[0], consumerSide)).toMatchObject({
      reads: 4,
      writes: 0,
      unchanged: 3,
    });
  });
});

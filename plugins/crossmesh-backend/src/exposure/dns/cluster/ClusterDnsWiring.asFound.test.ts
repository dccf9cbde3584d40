import { leaseTestBed, TestBed, TestCluster } from '@crossmesh/test-bed';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { ClusterConnection } from '../../../clusters/clusterConnections';
import { KubernetesClients } from '../../../clusters/KubernetesClients';
import { adminApis, connectionsOf } from '../../../__testUtils__/trustTestKit';
import { CROSSMESH_BLOCK_MARKER } from '../corefile';
import { loadFixtures } from '../../../__testUtils__/dnsFixtures';
import { ClusterDnsWiring } from './ClusterDnsWiring';

jest.setTimeout(120_000);

const NS = 'kube-system';
const k3sCorefile = loadFixtures().find(f => f.file === 'k3s.yaml')!.data!
  .Corefile;

/** What a person would compare: the ConfigMap's data, labels and annotations, or absence. */
function asFound(configMap: V1ConfigMap | undefined) {
  if (!configMap) return 'absent';
  const { labels, annotations } = configMap.metadata ?? {};
  return { data: configMap.data, labels, annotations };
}

describe('ClusterDnsWiring leaves a cluster as it found it (real API server)', () => {
  let bed: TestBed;
  let cluster: TestCluster;
  let connection: ClusterConnection;
  let admin: Awaited<ReturnType<typeof adminApis>>;
  let seededCoredns: V1ConfigMap;
  let ip: string;
  const wiring = new ClusterDnsWiring(new KubernetesClients());

  const read = async (name: string) => {
    try {
      return await admin.core.readNamespacedConfigMap({ name, namespace: NS });
    } catch (error) {
      if ((error as { code?: number }).code === 404) return undefined;
      throw error;
    }
  };
  const remove = async (deleteIt: () => Promise<unknown>) => {
    try {
      await deleteIt();
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  };
  const createConfigMap = (body: V1ConfigMap) =>
    admin.core.createNamespacedConfigMap({
      namespace: NS,
      body: { ...body, metadata: { ...body.metadata, namespace: NS } },
    });
  const replaceCoredns = async (change: Partial<V1ConfigMap>) => {
    const current = (await read('coredns'))!;
    await admin.core.replaceNamespacedConfigMap({
      name: 'coredns',
      namespace: NS,
      body: {
        ...current,
        metadata: { ...current.metadata, ...change.metadata },
        data: change.data ?? current.data,
      },
    });
  };
  const deployment = (name: string, configMaps: string[] = []) =>
    admin.apps.createNamespacedDeployment({
      namespace: NS,
      body: {
        metadata: { name, namespace: NS },
        spec: {
          selector: { matchLabels: { 'k8s-app': name } },
          template: {
            metadata: { labels: { 'k8s-app': name } },
            spec: {
              containers: [{ name, image: name }],
              volumes: configMaps.map((configMap, i) => ({
                name: `config-${i}`,
                configMap: { name: configMap, optional: true },
              })),
            },
          },
        },
      },
    });

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1'] });
    cluster = bed.clusters[0];
    [connection] = connectionsOf(bed);
    admin = await adminApis(cluster);
    seededCoredns = (await read('coredns'))!;
    const service = await admin.core.readNamespacedService({
      name: 'istiocoredns',
      namespace: 'istio-system',
    });
    ip = service.spec!.clusterIP!;
  });

  afterAll(async () => {
    await bed?.stop();
  });

  afterEach(async () => {
    const { apps, core } = admin;
    await Promise.all([
      ...['coredns', 'kube-dns'].map(name =>
        remove(() => apps.deleteNamespacedDeployment({ name, namespace: NS })),
      ),
      ...['kube-dns', 'coredns-custom'].map(name =>
        remove(() => core.deleteNamespacedConfigMap({ name, namespace: NS })),
      ),
    ]);
    await remove(() => admin.core.deleteNode({ name: 'server-0' }));
    await replaceCoredns({
      metadata: { labels: {}, annotations: {} },
      data: seededCoredns.data,
    });
  });

  describe('kube-dns (GKE)', () => {
    beforeEach(async () => {
      await deployment('kube-dns');
    });

    it('leaves a hand-written "global" stub domain that already points to istiocoredns', async () => {
      const stubDomains = `{"global": ["${ip}"], "acme.local": ["1.2.3.4"]}`;
      await createConfigMap({
        metadata: { name: 'kube-dns' },
        data: { stubDomains },
      });
      const before = asFound(await read('kube-dns'));

      expect(await wiring.wire(connection)).toMatchObject({
        flavour: 'kube-dns',
        changed: false,
        action: 'adopted',
      });
      expect(await wiring.unwire(connection)).toEqual({
        cluster: 'cluster-1',
        changed: false,
        skipped: [
          `ConfigMap kube-system/kube-dns: stub domain "global" (["${ip}"]) is not one crossmesh wrote (it has no record of writing it); left as it is`,
        ],
      });
      expect(asFound(await read('kube-dns'))).toEqual(before);
    });

    it.each([
      ['{}', { stubDomains: '{}' }],
      ['{ } with its spacing', { stubDomains: '{ }\n' }],
      ['no stubDomains key', { upstreamNameservers: '["8.8.8.8"]' }],
    ])(
      'gives back %s exactly',
      async (_label, data: Record<string, string>) => {
        await createConfigMap({ metadata: { name: 'kube-dns' }, data });
        const before = asFound(await read('kube-dns'));

        expect(await wiring.wire(connection)).toMatchObject({
          changed: true,
          action: 'added',
        });
        expect(
          JSON.parse((await read('kube-dns'))!.data!.stubDomains).global,
        ).toEqual([ip]);
        expect(await wiring.unwire(connection)).toMatchObject({
          changed: true,
          configMaps: ['kube-dns'],
        });
        expect(asFound(await read('kube-dns'))).toEqual(before);
      },
    );

    it('removes only its own entry when someone added another meanwhile', async () => {
      await createConfigMap({
        metadata: { name: 'kube-dns' },
        data: { stubDomains: '{}' },
      });
      await wiring.wire(connection);
      const wired = (await read('kube-dns'))!;
      await admin.core.replaceNamespacedConfigMap({
        name: 'kube-dns',
        namespace: NS,
        body: {
          ...wired,
          data: {
            stubDomains: wired.data!.stubDomains.replace(
              '}',
              ', "corp": ["10.1.1.1"]}',
            ),
          },
        },
      });

      await wiring.unwire(connection);

      expect((await read('kube-dns'))!.data).toEqual({
        stubDomains: '{"corp": ["10.1.1.1"]}',
      });
    });

    it('reads back a ConfigMap that had no data exactly as it was (GKE creates it empty)', async () => {
      await createConfigMap({
        metadata: {
          name: 'kube-dns',
          labels: { 'addonmanager.kubernetes.io/mode': 'EnsureExists' },
        },
      });
      const before = asFound(await read('kube-dns'));

      await wiring.wire(connection);
      await wiring.unwire(connection);

      expect(asFound(await read('kube-dns'))).toEqual(before);
    });

    it('deletes the kube-dns ConfigMap it created, once its entry is gone', async () => {
      expect(await wiring.wire(connection)).toMatchObject({
        changed: true,
        action: 'added',
        configMap: 'kube-dns',
      });
      expect(await wiring.unwire(connection)).toMatchObject({
        changed: true,
        configMaps: ['kube-dns'],
      });
      expect(await read('kube-dns')).toBeUndefined();
    });
  });

  it('AKS: deletes the coredns-custom ConfigMap it created, once its key is gone', async () => {
    await replaceCoredns({
      metadata: {
        labels: { 'addonmanager.kubernetes.io/mode': 'Reconcile' },
      },
      data: {
        Corefile: `${seededCoredns.data!.Corefile}import custom/*.server\n`,
      },
    });

    expect(await wiring.wire(connection)).toMatchObject({
      flavour: 'coredns-custom',
      changed: true,
      action: 'added',
    });
    expect(await wiring.unwire(connection)).toMatchObject({
      changed: true,
      configMaps: ['coredns-custom'],
    });
    expect(await read('coredns-custom')).toBeUndefined();
  });

  it('k3s without its deploy-controller label: writes coredns-custom (created), never the Corefile k3s re-applies, and deletes coredns-custom again', async () => {
    await replaceCoredns({ data: { Corefile: k3sCorefile } });
    await deployment('coredns', ['coredns', 'coredns-custom']);
    await admin.core.createNode({
      body: {
        metadata: {
          name: 'server-0',
          labels: { 'node.kubernetes.io/instance-type': 'k3s' },
        },
      },
    });
    const coredns = await read('coredns');

    const result = await wiring.wire(connection);

    expect(result).toMatchObject({
      flavour: 'coredns-custom',
      changed: true,
      action: 'added',
      configMap: 'coredns-custom',
      reason: expect.stringMatching(
        /^k3s \(its Corefile imports \/etc\/coredns\/custom\/\*\.server, as k3s's manifest does; Deployment kube-system\/coredns mounts ConfigMap coredns-custom; node server-0 is labelled node\.kubernetes\.io\/instance-type=k3s\)/,
      ),
    });
    expect((await read('coredns-custom'))!.data).toEqual({
      'crossmesh-global.server': `${CROSSMESH_BLOCK_MARKER}\nglobal:53 {\n    errors\n    cache 30\n    forward . ${ip}:53\n}\n`,
    });
    expect((await read('coredns'))!.metadata!.resourceVersion).toBe(
      coredns!.metadata!.resourceVersion,
    );

    await wiring.unwire(connection);
    expect(await read('coredns-custom')).toBeUndefined();
    expect(asFound(await read('coredns'))).toEqual(asFound(coredns));
  });

  it('moving to coredns-custom (k3s recognised only now) takes its old block out of the Corefile first', async () => {
    await replaceCoredns({ data: { Corefile: k3sCorefile } });
    // As an earlier crossmesh wired it: its block in the Corefile k3s re-applies.
    const oldWiring = `${k3sCorefile}\n${CROSSMESH_BLOCK_MARKER}\nglobal:53 {\n    errors\n    cache 30\n    forward . ${ip}:53\n}\n`;
    await replaceCoredns({ data: { Corefile: oldWiring } });

    const result = await wiring.wire(connection);

    expect(result).toMatchObject({
      flavour: 'coredns-custom',
      changed: true,
    });
    expect(result.error).toBeUndefined();
    // CoreDNS refuses two blocks for one zone, so only one may stay.
    expect((await read('coredns'))!.data).toEqual({ Corefile: k3sCorefile });
    expect(Object.keys((await read('coredns-custom'))!.data!)).toEqual([
      'crossmesh-global.server',
    ]);
  });
});

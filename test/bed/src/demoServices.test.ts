import { seedDemoServices } from './demoServices';
import { kubeRequest } from './kubeRequest';
import { startTestBed } from './startTestBed';
import type { TestBed, TestCluster } from './types';

jest.setTimeout(120_000);

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed({ clusters: ['cluster-1', 'cluster-2'] });
});

afterAll(async () => {
  await bed?.stop();
});

const cluster = (name: string) =>
  bed.clusters.find(c => c.name === name) as TestCluster;

async function getService(from: TestCluster, namespace: string, name: string) {
  return kubeRequest(
    {
      url: from.url,
      ca: Buffer.from(from.caData, 'base64').toString('utf8'),
      token: from.adminToken,
    },
    `/api/v1/namespaces/${namespace}/services/${name}`,
  );
}

describe('seedDemoServices', () => {
  it('creates svc-1 in foo on cluster-1 and svc-2 in bar on cluster-2 with port http 8000, labelled with their components, twice without harm', async () => {
    expect(
      (await getService(cluster('cluster-2'), 'bar', 'svc-2')).status,
    ).toBe(404);

    await seedDemoServices(bed.clusters);
    await seedDemoServices(bed.clusters);

    const svc1 = await getService(cluster('cluster-1'), 'foo', 'svc-1');
    const svc2 = await getService(cluster('cluster-2'), 'bar', 'svc-2');
    for (const service of [svc1, svc2]) {
      expect(service.status).toBe(200);
      expect(service.body.spec.ports).toEqual([
        expect.objectContaining({ name: 'http', port: 8000, protocol: 'TCP' }),
      ]);
      expect(service.body.spec.clusterIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    }
    expect(svc1.body.metadata.labels).toEqual({
      app: 'svc-1',
      'backstage.io/kubernetes-id': 'svc-1',
    });
    expect(svc2.body.metadata.labels).toEqual({
      app: 'svc-2',
      'backstage.io/kubernetes-id': 'svc-2',
    });
    expect(
      (await getService(cluster('cluster-1'), 'bar', 'svc-2')).status,
    ).toBe(404);
  });

  it('says which cluster is missing', async () => {
    await expect(
      seedDemoServices(bed.clusters.filter(c => c.name === 'cluster-1')),
    ).rejects.toThrow(
      'Service bar/svc-2 needs a cluster named cluster-2; start the bed with --clusters cluster-1,cluster-2.',
    );
  });
});

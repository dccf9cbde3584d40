import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asAdmin, asCrossmesh } from './__testUtils__/connections';
import { kubeRequest } from './kubeRequest';
import { SEED_TEMPLATES_ENV, seedTemplateCounts } from './seedTemplates';
import { startTestBed } from './startTestBed';
import type { TestBed, TestBedOptions, TestCluster } from './types';

jest.setTimeout(120_000);

/** What seeding a cluster makes, as a test would meet it. */
async function seededState(cluster: TestCluster) {
  const admin = asAdmin(cluster);
  const crds = await kubeRequest(
    admin,
    '/apis/apiextensions.k8s.io/v1/customresourcedefinitions',
  );
  const deployments = await kubeRequest(
    admin,
    '/apis/apps/v1/namespaces/istio-system/deployments',
  );
  const gateway = await kubeRequest(
    admin,
    '/api/v1/namespaces/istio-system/services/istio-ingressgateway',
  );
  const corefile = await kubeRequest(
    admin,
    '/api/v1/namespaces/kube-system/configmaps/coredns',
  );
  return {
    crds: (crds.body.items as any[])
      .map(crd => ({
        name: crd.metadata.name,
        established: crd.status.conditions.some(
          (c: any) => c.type === 'Established' && c.status === 'True',
        ),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    images: deployments.body.items
      .map(
        (d: any) =>
          `${d.metadata.name}=${d.spec.template.spec.containers[0].image}`,
      )
      .sort(),
    gateway: gateway.body.status,
    corefile: corefile.body.data,
  };
}

describe('seeded copies within a run', () => {
  let templates: string;
  // In a run of the whole repository this worker may have the run's own folder: keep it.
  const runFolder = process.env[SEED_TEMPLATES_ENV];
  const beds: TestBed[] = [];
  const start = async (options: TestBedOptions) => {
    const lines: string[] = [];
    const bed = await startTestBed({
      ...options,
      log: line => lines.push(line),
    });
    beds.push(bed);
    return { bed, lines };
  };

  beforeAll(() => {
    templates = fs.mkdtempSync(path.join(os.tmpdir(), 'crossmesh-seeded-'));
    process.env[SEED_TEMPLATES_ENV] = templates;
  });

  afterAll(async () => {
    if (runFolder === undefined) delete process.env[SEED_TEMPLATES_ENV];
    else process.env[SEED_TEMPLATES_ENV] = runFolder;
    await Promise.all(beds.map(bed => bed.stop()));
    fs.rmSync(templates, { recursive: true, force: true });
  });

  it('seeds a cluster once, and a later bed gets the same cluster from the copy, writable and with crossmesh bound', async () => {
    const first = await start({ clusters: ['cluster-1'] });
    expect(first.lines.join('\n')).toContain('cluster-1: kube-apiserver ready');
    expect(first.lines.join('\n')).not.toContain("seeded from this run's copy");
    expect(seedTemplateCounts(templates)).toEqual({ seeded: 1, copied: 0 });

    const second = await start({ clusters: ['cluster-1'] });
    expect(second.lines.join('\n')).toContain("seeded from this run's copy");
    expect(seedTemplateCounts(templates)).toEqual({ seeded: 1, copied: 1 });
    const [original, copy] = [first.bed, second.bed].map(b => b.clusters[0]);
    expect(copy.url).not.toBe(original.url);
    const state = await seededState(copy);
    expect(state).toEqual(await seededState(original));
    expect(state.crds.length).toBeGreaterThan(10);
    expect(state.crds.every(crd => crd.established)).toBe(true);

    // The copy is a cluster like any other: crossmesh may write an Istio object there.
    const created = await kubeRequest(
      asCrossmesh(copy),
      '/apis/networking.istio.io/v1/namespaces/istio-system/serviceentries',
      {
        method: 'POST',
        body: {
          apiVersion: 'networking.istio.io/v1',
          kind: 'ServiceEntry',
          metadata: { name: 'from-the-copy', namespace: 'istio-system' },
          spec: {
            hosts: ['svc.example.global'],
            ports: [{ number: 80, name: 'http', protocol: 'HTTP' }],
            resolution: 'DNS',
          },
        },
      },
    );
    expect(created.status).toBe(201);
  });

  it('seeds anew a cluster seeded differently (another Istio version, no access for crossmesh)', async () => {
    const other = await start({
      clusters: ['cluster-1'],
      istioVersion: '1.22.3',
      crossmeshAccess: 'none',
    });
    expect(other.lines.join('\n')).not.toContain("seeded from this run's copy");
    const cluster = other.bed.clusters[0];
    expect((await seededState(cluster)).images).toContain(
      'istiod=docker.io/istio/pilot:1.22.3',
    );
    const refused = await kubeRequest(
      asCrossmesh(cluster),
      '/apis/networking.istio.io/v1/namespaces/istio-system/serviceentries',
    );
    expect(refused.status).toBe(403);
    expect(seedTemplateCounts(templates)).toEqual({ seeded: 2, copied: 1 });
  });
});

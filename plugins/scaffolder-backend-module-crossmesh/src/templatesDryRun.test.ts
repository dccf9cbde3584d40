import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
// The real crossmesh backend is what the actions call; tests only.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import crossmeshBackend from '@crossmesh/backstage-plugin-crossmesh-backend';
import { leaseTestBed, TestBed } from '@crossmesh/test-bed';
import { readdirSync, readFileSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import {
  mockUserOnPlatformTeam,
  PLATFORM_TEAM,
} from './__testUtils__/actionsBackend';
import { catalogStandIn } from './__testUtils__/catalogStandIn';
import scaffolderModule from './module';

jest.setTimeout(240_000);

const TEMPLATES = resolve(__dirname, '../../../examples/templates');

function directoryContents(dir: string, base = dir): object[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? directoryContents(join(dir, entry.name), base)
      : [
          {
            path: relative(base, join(dir, entry.name)),
            base64Content: readFileSync(join(dir, entry.name)).toString(
              'base64',
            ),
          },
        ],
  );
}

/** The real scaffolder backend, with crossmesh's actions, dry-running the example templates. */
describe('the example templates in the real scaffolder (dry run)', () => {
  let bed: TestBed;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let baseUrl: string;

  beforeAll(async () => {
    bed = await leaseTestBed({ clusters: ['cluster-1', 'cluster-2'] });
    backend = await startTestBackend({
      features: [
        crossmeshBackend,
        scaffolderPlugin,
        scaffolderModule,
        catalogStandIn([]),
        mockServices.rootConfig.factory({
          data: {
            kubernetes: bed.kubernetesConfig() as any,
            crossmesh: {
              trust: {
                keyEncryptionSecret:
                  'a-test-key-encryption-secret-of-enough-length',
                intermediateKeyType: 'ecdsa-p256',
              },
              reconcileIntervalSeconds: 3600,
              platform: { groups: [PLATFORM_TEAM] },
            },
          },
        }),
        mockUserOnPlatformTeam(),
      ],
    });
    baseUrl = `http://localhost:${
      (backend.server.address() as AddressInfo).port
    }`;
    const root = await fetch(`${baseUrl}/api/crossmesh/trust/root`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ keyType: 'ecdsa-p256' }),
    });
    if (root.status !== 201) {
      throw new Error(
        `generating the root: ${root.status} ${await root.text()}`,
      );
    }
  });

  afterAll(async () => {
    await backend?.stop();
    await bed?.stop();
  });

  async function dryRun(name: string, values: object) {
    const dir = join(TEMPLATES, name);
    const response = await fetch(`${baseUrl}/api/scaffolder/v2/dry-run`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        template: parse(readFileSync(join(dir, 'template.yaml'), 'utf8')),
        values,
        secrets: {},
        directoryContents: directoryContents(dir),
      }),
    });
    const body = await response.json();
    expect({ status: response.status, body }).toMatchObject({ status: 200 });
    return {
      ...body,
      messages: (body.log as any[]).map(line => line.body?.message ?? ''),
      files: Object.fromEntries(
        (body.directoryContents as any[]).map(file => [
          file.path,
          Buffer.from(file.base64Content, 'base64').toString('utf8'),
        ]),
      ),
    };
  }

  it('"Add a cluster to the mesh" runs its preflight and changes nothing', async () => {
    const result = await dryRun('add-cluster-to-mesh', {
      cluster: 'resource:default/cluster-1',
      network: 'network-1',
    });
    const log = result.messages.join('\n');
    expect(log).toContain('Preflight of cluster cluster-1');
    expect(log).toContain('cacerts present and chaining to the mesh root');
    expect(log).toContain('Dry run: nothing was changed');

    const k8s = await import('@kubernetes/client-node');
    const kubeConfig = new k8s.KubeConfig();
    kubeConfig.loadFromFile(bed.clusters[0].kubeconfigPath);
    const secrets = await kubeConfig
      .makeApiClient(k8s.CoreV1Api)
      .listNamespacedSecret({ namespace: 'istio-system' });
    expect(secrets.items.map(s => s.metadata?.name)).not.toContain('cacerts');
    const membership = await fetch(
      `${baseUrl}/api/crossmesh/clusters/cluster-1/membership`,
    );
    expect(membership.status).toBe(404);
  });

  it('"Create a service and request its exposure" renders the service with crossmesh annotations', async () => {
    const result = await dryRun('create-service-with-exposure', {
      name: 'svc-9',
      owner: 'group:default/team-a',
      cluster: 'resource:default/cluster-2',
      namespace: 'bar',
      port: 8000,
      portName: 'http',
      consumerClusters: ['resource:default/cluster-1'],
      reason: 'svc-1 calls it',
    });
    const entity = parse(result.files['catalog-info.yaml']);
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/kubernetes-id': 'svc-9',
      'backstage.io/kubernetes-namespace': 'bar',
      'crossmesh.io/cluster': 'cluster-2',
      'crossmesh.io/ports': 'http:8000',
    });
    expect(result.files['kubernetes.yaml']).toContain('name: svc-9');
    // crossmesh's proof that the Service belongs to the component.
    expect(result.files['kubernetes.yaml']).toContain(
      'backstage.io/kubernetes-id: svc-9',
    );
    expect(result.messages.join('\n')).toContain('crossmesh:exposure:request');
    const stored = await (
      await fetch(`${baseUrl}/api/crossmesh/exposures`)
    ).json();
    expect(stored.totalCount).toBe(0);
  });
});

import { expect, test } from '@playwright/test';

/*
 * The app fresh from create-app, with crossmesh installed from its tarballs as the READMEs
 * say, running against the test bed's cluster-1 and cluster-2 (Istio 1.6.8, gateways
 * 192.0.2.10 and 192.0.2.11). API requests carry the static external-access token.
 */

// Only API requests carry it: the browser signs in as the guest.
const headers = {
  Authorization: `Bearer ${process.env.CROSSMESH_ADOPTION_TOKEN}`,
};

const gateways: Record<string, string> = {
  'cluster-1': '192.0.2.10',
  'cluster-2': '192.0.2.11',
};

interface MeshCluster {
  name: string;
  reachable: boolean;
  istio?: { version?: string };
  gateway?: { address?: string; port?: number };
}

test('the crossmesh backend reads both clusters, reachable, with Istio 1.6.8', async ({
  request,
}) => {
  const response = await request.get('/api/crossmesh/clusters', { headers });
  expect(response.status(), await response.text()).toBe(200);
  const { items } = (await response.json()) as { items: MeshCluster[] };

  expect(items.map(cluster => cluster.name).sort()).toEqual([
    'cluster-1',
    'cluster-2',
  ]);
  for (const cluster of items) {
    expect(cluster, cluster.name).toMatchObject({
      reachable: true,
      istio: { version: '1.6.8' },
      gateway: { address: gateways[cluster.name], port: 15443 },
    });
  }
});

test("the catalog module publishes the clusters as kubernetes-cluster Resources of the mesh's System", async ({
  request,
}) => {
  // The provider runs as soon as the backend has started; processing takes a few seconds.
  await expect(async () => {
    const response = await request.get(
      `/api/catalog/entities?filter=${encodeURIComponent(
        'kind=resource,spec.type=kubernetes-cluster',
      )}`,
      { headers },
    );
    expect(response.status(), await response.text()).toBe(200);
    const entities = (await response.json()) as Array<{
      metadata: { name: string; annotations?: Record<string, string> };
      spec: { system?: string };
    }>;
    expect(entities.map(entity => entity.metadata.name).sort()).toEqual([
      'cluster-1',
      'cluster-2',
    ]);
    for (const entity of entities) {
      expect(entity.spec.system).toBe('system:default/mesh');
      expect(entity.metadata.annotations).toMatchObject({
        'crossmesh.io/reachable': 'true',
        'crossmesh.io/istio-version': '1.6.8',
      });
    }
  }).toPass({ timeout: 60_000, intervals: [1_000, 2_000, 5_000] });

  const system = await request.get(
    '/api/catalog/entities/by-name/system/default/mesh',
    { headers },
  );
  expect(system.status(), await system.text()).toBe(200);
});

test('the scaffolder offers the crossmesh actions', async ({ request }) => {
  const response = await request.get('/api/scaffolder/v2/actions', {
    headers,
  });
  expect(response.status(), await response.text()).toBe(200);
  const actions = (await response.json()) as Array<{ id: string }>;
  expect(actions.map(action => action.id)).toEqual(
    expect.arrayContaining([
      'crossmesh:cluster:onboard',
      'crossmesh:exposure:request',
    ]),
  );
});

test("the app's production build has the Mesh page, found through app.packages: all", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', error => errors.push(error.message));

  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(nav.getByRole('link', { name: 'Approvals' })).toBeVisible();
  await nav.getByRole('link', { name: 'Mesh' }).click();

  await expect(page).toHaveURL(/\/crossmesh$/);
  await expect(
    page.getByRole('heading', { name: 'Mesh overview' }),
  ).toBeVisible();
  const table = page.getByRole('table', { name: 'Mesh clusters' });
  for (const [name, gateway] of Object.entries(gateways)) {
    const row = table.getByRole('row', { name: new RegExp(name) });
    await expect(row).toContainText('Reachable');
    await expect(row).toContainText('1.6.8');
    // The gateway is among a cluster's details, opened on demand.
    await page.getByRole('button', { name: `Details of ${name}` }).click();
    await expect(
      page.getByRole('region', { name: `Details of ${name}` }),
    ).toContainText(`${gateway}:15443`);
  }
  expect(errors).toEqual([]);
});

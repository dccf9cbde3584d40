import { expect, test } from '@playwright/test';
import path from 'node:path';

const screenshots = path.resolve(
  __dirname,
  '../../../.crossmesh/e2e/screenshots',
);

test('the mesh overview shows the demo clusters read from their API servers', async ({
  page,
}) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();

  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await nav.getByRole('link', { name: 'Mesh' }).click();

  await expect(page).toHaveURL(/\/crossmesh$/);
  await expect(
    page.getByRole('heading', { name: 'Mesh overview' }),
  ).toBeVisible();

  const table = page.getByRole('table', { name: 'Mesh clusters' });
  const cluster1 = table.getByRole('row', { name: /cluster-1/ });
  const cluster2 = table.getByRole('row', { name: /cluster-2/ });
  await expect(cluster1).toContainText('Reachable');
  await expect(cluster1).toContainText('1.6.8');
  await expect(cluster2).toContainText('Reachable');
  // The gateway is among the details a row opens to.
  for (const [cluster, gateway] of [
    ['cluster-1', '192.0.2.10:15443'],
    ['cluster-2', '192.0.2.11:15443'],
  ]) {
    await page.getByRole('button', { name: `Details of ${cluster}` }).click();
    await expect(
      page.getByRole('region', { name: `Details of ${cluster}` }),
    ).toContainText(gateway);
  }

  await page.screenshot({
    path: path.join(screenshots, 'mesh-overview.png'),
    fullPage: true,
  });
});

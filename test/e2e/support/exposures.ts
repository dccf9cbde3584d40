import { Page, expect } from '@playwright/test';

/** Opens a Component's Mesh tab by its URL and waits for its exposures. */
export async function openMeshTab(page: Page, component: string) {
  await page.goto(`/catalog/default/component/${component}/crossmesh`);
  const tab = page.getByRole('region', { name: `Exposures of ${component}` });
  await expect(tab).toBeVisible();
  await expect(tab.getByRole('progressbar')).toHaveCount(0);
  return tab;
}

/**
 * Against an app that is already running (CROSSMESH_E2E_URL), an aborted run may have left a
 * pending or active exposure; withdraw them through the open Mesh tab so a run starts clean.
 * A fresh `test/e2e/run.sh` starts with an empty database and finds nothing here.
 */
export async function withdrawExposures(page: Page) {
  const cancel = page.getByRole('button', { name: /^Cancel request/ });
  const revoke = page.getByRole('button', { name: /^Revoke\b/ });
  while ((await cancel.count()) + (await revoke.count()) > 0) {
    const before = (await cancel.count()) + (await revoke.count());
    if ((await cancel.count()) > 0) {
      await cancel.first().click();
    } else {
      await revoke.first().click();
      await page
        .getByRole('dialog', { name: 'Revoke exposure?' })
        .getByRole('button', { name: 'Revoke exposure' })
        .click();
    }
    await expect
      .poll(async () => (await cancel.count()) + (await revoke.count()))
      .toBeLessThan(before);
  }
}

/** Requests exposure of the open Mesh tab's Component to one consumer cluster. */
export async function requestExposure(
  page: Page,
  consumerCluster: string,
  reason: string,
) {
  await page.getByRole('button', { name: 'Request exposure' }).click();
  const form = page.getByRole('dialog', { name: 'Request exposure' });
  await form.getByRole('checkbox', { name: consumerCluster }).check();
  // Prefilled from the demo Service (port http 8000).
  await expect(form.getByLabel('Ports')).toHaveValue('http:8000');
  await form.getByLabel('Reason').fill(reason);
  await expect(
    form.getByRole('region', { name: /^Manifests for/ }).first(),
  ).toContainText('kind: ServiceEntry');
  await form.getByRole('button', { name: 'Submit request' }).click();
  await expect(form).toBeHidden();
}

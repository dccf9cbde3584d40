import { Browser, Locator, Page, expect, test } from '@playwright/test';
import path from 'node:path';
import { bedCluster, serviceEntriesFor } from '../support/bedClusters';
import { withdrawExposures } from '../support/exposures';
import { collectConsoleErrors, signInAs } from '../support/signIn';

const screenshots = path.resolve(
  __dirname,
  '../../../.crossmesh/e2e/screenshots',
);
const host = 'svc-2.bar.global';

async function personIn(browser: Browser, userName: string) {
  // Tall enough that dialogs and the overview fit in one screenshot: Backstage pages scroll
  // inside their own container, which a full-page screenshot does not unroll.
  const context = await browser.newContext({
    viewport: { width: 1440, height: 1800 },
  });
  const page = await context.newPage();
  const consoleErrors = collectConsoleErrors(page);
  await signInAs(page, userName);
  return { page, consoleErrors, close: () => context.close() };
}

function shoot(page: Page, name: string) {
  return page.screenshot({
    path: path.join(screenshots, `${name}.png`),
    fullPage: true,
  });
}

/** The Mesh tab keeps what it loaded; reload it until the row says `state`. */
async function expectExposureState(page: Page, row: Locator, state: string) {
  await expect(async () => {
    await page.getByRole('button', { name: 'Reload exposures' }).click();
    await expect(row).toContainText(state, { timeout: 2_000 });
  }).toPass({ timeout: 90_000, intervals: [1_000, 2_000, 3_000] });
}

test('an owner of svc-2 exposes it to cluster-1, an approver approves, the ServiceEntry appears in cluster-1 and goes again on revoke', async ({
  browser,
}) => {
  test.setTimeout(480_000);
  const cluster1 = bedCluster('cluster-1');
  const bob = await personIn(browser, 'bob');
  const carol = await personIn(browser, 'carol');
  try {
    const requester = bob.page;
    const exposureRow = requester
      .getByRole('table', { name: 'Exposures' })
      .getByRole('row', { name: /cluster-1/ })
      // Newest first: against an app that already ran this test, older rows follow.
      .first();

    await test.step('bob opens svc-2 from the catalog; the Mesh tab loads without console errors', async () => {
      await requester.getByRole('link', { name: 'svc-2', exact: true }).click();
      const errorsBefore = bob.consoleErrors.length;
      await requester
        .getByRole('navigation', { name: 'Content navigation' })
        .getByRole('link', { name: 'Mesh' })
        .click();
      await expect(
        requester.getByRole('button', { name: 'Request exposure' }),
      ).toBeVisible();
      expect(bob.consoleErrors.slice(errorsBefore)).toEqual([]);

      await withdrawExposures(requester);
      // The bed's etcd outlives the app, so a stopped run can leave a ServiceEntry behind;
      // the reconciler removes objects it owns and no longer wants.
      await expect
        .poll(async () => (await serviceEntriesFor(cluster1, host)).length, {
          message: `no ServiceEntry for ${host} in cluster-1 before the request`,
          timeout: 60_000,
        })
        .toBe(0);
      await shoot(requester, 'mesh-tab');
    });

    await test.step('bob requests exposure to cluster-1 and sees the YAML approval would apply', async () => {
      await requester.getByRole('button', { name: 'Request exposure' }).click();
      const form = requester.getByRole('dialog', { name: 'Request exposure' });
      await form.getByRole('checkbox', { name: 'cluster-1' }).check();
      // Prefilled from the Service svc-2 in bar on cluster-2 (port http 8000).
      await expect(form.getByLabel('Ports')).toHaveValue('http:8000');
      await form
        .getByLabel('Reason')
        .fill(
          'svc-1 in cluster-1 calls svc-2, as in the Istio multicluster sample',
        );
      const preview = form.getByRole('region', {
        name: 'Manifests for cluster-1',
      });
      await expect(preview).toContainText('kind: ServiceEntry');
      await expect(preview).toContainText(host);
      await preview.scrollIntoViewIfNeeded();
      await shoot(requester, 'request-form-preview');
      await form.getByRole('button', { name: 'Submit request' }).click();
      await expect(form).toBeHidden();
      await expect(exposureRow).toContainText('Pending approval');
    });

    await test.step('carol finds the request in the approvals inbox and approves it', async () => {
      const approver = carol.page;
      await approver
        .getByRole('navigation', { name: 'sidebar nav' })
        .getByRole('link', { name: 'Approvals' })
        .click();
      const request = approver
        .getByRole('table', { name: 'Pending requests' })
        .getByRole('row', { name: new RegExp(host.replace(/\./g, '\\.')) });
      await expect(request).toContainText('bob');
      await shoot(approver, 'approvals-inbox');

      await request.getByRole('button', { name: 'Review' }).click();
      const review = approver.getByRole('dialog', { name: `Review ${host}` });
      await expect(
        review.getByRole('region', { name: 'Manifests for cluster-1' }),
      ).toContainText('kind: ServiceEntry');
      await review
        .getByLabel('Comment')
        .fill('Approved for the multicluster demo');
      await shoot(approver, 'review-dialog');
      await review.getByRole('button', { name: 'Approve' }).click();
      await expect(review).toBeHidden();
      await expect(approver.getByText(`Approved ${host}.`)).toBeVisible();
    });

    await test.step(`the ServiceEntry for ${host} appears in cluster-1's API server and bob's tab says Active`, async () => {
      await expect
        .poll(async () => (await serviceEntriesFor(cluster1, host)).length, {
          message: `a ServiceEntry for ${host} in cluster-1`,
          timeout: 90_000,
        })
        .toBeGreaterThan(0);
      const [entry] = await serviceEntriesFor(cluster1, host);
      expect(entry.metadata.labels).toMatchObject({
        'app.kubernetes.io/managed-by': 'crossmesh',
      });
      expect(entry.spec).toMatchObject({
        hosts: [host],
        location: 'MESH_INTERNAL',
        resolution: 'DNS',
        ports: [expect.objectContaining({ name: 'http', number: 8000 })],
        endpoints: [
          expect.objectContaining({
            address: '192.0.2.11',
            ports: { http: 15443 },
          }),
        ],
      });
      expect(entry.spec.addresses[0]).toMatch(/^2(4\d|5[0-5])\.\d+\.\d+\.\d+$/);

      await expectExposureState(requester, exposureRow, 'Active');
      await expect(exposureRow).toContainText(entry.spec.addresses[0]);
      await shoot(requester, 'mesh-tab-active');
    });

    await test.step('the mesh overview draws the exposure in its graph', async () => {
      const viewer = carol.page;
      await viewer
        .getByRole('navigation', { name: 'sidebar nav' })
        .getByRole('link', { name: 'Mesh' })
        .click();
      await expect(
        viewer.getByRole('img', { name: 'Mesh graph' }),
      ).toBeVisible();
      await expect(
        viewer.getByRole('list', { name: 'Edges of the mesh graph' }),
      ).toContainText(`${host}: from cluster-2 to cluster-1`);
      await viewer
        .getByRole('img', { name: 'Mesh graph' })
        .scrollIntoViewIfNeeded();
      await shoot(viewer, 'mesh-overview-graph');
    });

    await test.step('bob revokes; the ServiceEntry leaves cluster-1 and the tab says Revoked', async () => {
      await exposureRow.getByRole('button', { name: 'Revoke' }).click();
      const confirm = requester.getByRole('dialog', {
        name: 'Revoke exposure?',
      });
      await confirm.getByRole('button', { name: 'Revoke exposure' }).click();
      await expect(confirm).toBeHidden();

      await expect
        .poll(async () => (await serviceEntriesFor(cluster1, host)).length, {
          message: `the ServiceEntry for ${host} removed from cluster-1`,
          timeout: 90_000,
        })
        .toBe(0);
      await expectExposureState(requester, exposureRow, 'Revoked');
      await shoot(requester, 'mesh-tab-revoked');
    });
  } finally {
    await bob.close();
    await carol.close();
  }
});

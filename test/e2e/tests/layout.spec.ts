import { Page, expect, test } from '@playwright/test';
import {
  LOOKS,
  Look,
  checkView,
  lookName,
  personWithLook,
} from '../support/checkView';
import {
  openMeshTab,
  requestExposure,
  withdrawExposures,
} from '../support/exposures';
import { signInAs } from '../support/signIn';

// Every crossmesh page and the dialogs that matter, at 1280×800 and 1920×1080, light and
// dark: no word broken across lines, no label over its value, no serious or critical axe
// finding, and a screenshot of each (.crossmesh/e2e/screenshots/<view>-<width>-<theme>.png).
test.describe.configure({ mode: 'serial' });

async function signedIn(page: Page, user: string) {
  await signInAs(page, user);
  return page;
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  // A pending request for the inbox (alice's svc-1 to cluster-2), and an active exposure
  // for the Mesh tab's Revoke button (bob's svc-2 to cluster-1, approved by carol).
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
  });
  try {
    const alice = await signedIn(await context.newPage(), 'alice');
    await openMeshTab(alice, 'svc-1');
    await withdrawExposures(alice);
    await requestExposure(alice, 'cluster-2', 'svc-2 calls svc-1 back');

    const bobContext = await browser.newContext();
    const bob = await signedIn(await bobContext.newPage(), 'bob');
    await openMeshTab(bob, 'svc-2');
    await withdrawExposures(bob);
    await requestExposure(bob, 'cluster-1', 'svc-1 in cluster-1 calls svc-2');

    const carolContext = await browser.newContext();
    const carol = await signedIn(await carolContext.newPage(), 'carol');
    await carol.goto('/crossmesh/approvals');
    await carol
      .getByRole('table', { name: 'Pending requests' })
      .getByRole('row', { name: /svc-2\.bar\.global/ })
      .getByRole('button', { name: 'Review' })
      .click();
    const review = carol.getByRole('dialog', {
      name: 'Review svc-2.bar.global',
    });
    await review.getByRole('button', { name: 'Approve' }).click();
    await expect(review).toBeHidden();
    await bobContext.close();
    await carolContext.close();
  } finally {
    await context.close();
  }
});

test.afterAll(async ({ browser }) => {
  for (const [user, component] of [
    ['bob', 'svc-2'],
    ['alice', 'svc-1'],
  ]) {
    // A context per person: a signed-in session is kept per context.
    const context = await browser.newContext();
    try {
      const page = await signedIn(await context.newPage(), user);
      await openMeshTab(page, component);
      await withdrawExposures(page);
    } finally {
      await context.close();
    }
  }
});

async function checkOverview(page: Page, look: Look) {
  await page.goto('/crossmesh');
  await expect(
    page.getByRole('heading', { name: 'Mesh overview' }),
  ).toBeVisible();
  const clusters = page.getByRole('table', { name: 'Mesh clusters' });
  await expect(clusters.getByRole('row', { name: /cluster-2/ })).toContainText(
    'Converged',
  );
  await expect(
    page.getByRole('table', { name: 'Trust per cluster' }),
  ).not.toContainText('Loading');
  await page.getByRole('button', { name: 'Details of cluster-1' }).click();
  await expect(
    page.getByRole('region', { name: 'Details of cluster-1' }),
  ).toContainText('192.0.2.10:15443');
  await checkView(page, 'overview', page.getByRole('main'), look);

  await page
    .getByRole('button', { name: 'Run preflight for cluster-1' })
    .click();
  const preflight = page.getByRole('dialog', {
    name: 'Preflight of cluster-1',
  });
  await expect(
    preflight.getByRole('table', { name: 'Preflight checks' }),
  ).toBeVisible();
  await checkView(page, 'dialog-preflight', preflight, look);
  await preflight.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('button', { name: 'Add cluster', exact: true }).click();
  const addCluster = page.getByRole('dialog', {
    name: 'Add a cluster to the mesh',
  });
  await expect(
    addCluster.getByRole('form', { name: 'Cluster to onboard' }),
  ).toBeVisible();
  await checkView(page, 'dialog-add-cluster', addCluster, look);
  await addCluster.getByRole('button', { name: 'Cancel' }).click();
  await expect(addCluster).toBeHidden();

  const generate = page.getByRole('button', { name: 'Generate root' });
  if (await generate.isVisible()) {
    await generate.click();
    const create = page.getByRole('dialog', {
      name: "Create the mesh's root CA",
    });
    await checkView(page, 'dialog-generate-root', create, look);
    await create
      .getByRole('radio', { name: 'Import an existing root' })
      .check();
    await checkView(page, 'dialog-import-root', create, look);
    await create.getByRole('button', { name: 'Cancel' }).click();
  }
}

async function checkApprovals(page: Page, look: Look) {
  await page.goto('/crossmesh/approvals');
  const pending = page.getByRole('table', { name: 'Pending requests' });
  const svc1 = pending.getByRole('row', { name: /svc-1\.foo\.global/ });
  // The Component column links to the entity, under its title.
  await expect(svc1.getByRole('link', { name: 'svc-1' })).toHaveAttribute(
    'href',
    '/catalog/default/component/svc-1',
  );
  await checkView(page, 'approvals', page.getByRole('main'), look);

  await svc1.getByRole('button', { name: 'Review' }).click();
  const review = page.getByRole('dialog', { name: 'Review svc-1.foo.global' });
  await expect(
    review.getByRole('region', { name: 'Manifests for cluster-2' }),
  ).toContainText('kind: ServiceEntry');
  await review.getByLabel('Comment').fill('Checked the ports and the reason');
  await checkView(page, 'dialog-review', review, look);
  await review.getByRole('button', { name: 'Close' }).click();

  await page.getByRole('tab', { name: 'Decided' }).click();
  await expect(
    page.getByRole('table', { name: 'Decided requests' }),
  ).toContainText('svc-2.bar.global');
  await checkView(page, 'approvals-decided', page.getByRole('main'), look);
}

async function checkMeshTab(page: Page, look: Look) {
  const tab = await openMeshTab(page, 'svc-2');
  const row = tab
    .getByRole('table', { name: 'Exposures' })
    .getByRole('row', { name: /cluster-1/ })
    .first();
  await expect(row.getByRole('button', { name: 'Revoke' })).toBeVisible();
  await checkView(page, 'mesh-tab-svc-2', tab, look);

  await row.getByRole('button', { name: 'Revoke' }).click();
  const revoke = page.getByRole('dialog', { name: 'Revoke exposure?' });
  await checkView(page, 'dialog-revoke', revoke, look);
  await revoke.getByRole('button', { name: 'Keep it' }).click();

  await page.getByRole('button', { name: 'Request exposure' }).click();
  const form = page.getByRole('dialog', { name: 'Request exposure' });
  await form.getByRole('checkbox', { name: 'cluster-1' }).check();
  await form.getByLabel('Reason').fill('A second consumer namespace');
  // svc-2 is already exposed to cluster-1: the preview may say so instead.
  await expect(
    form.getByText(/kind: ServiceEntry|No preview/).first(),
  ).toBeVisible();
  await checkView(page, 'dialog-request-exposure', form, look);
  await form.getByRole('button', { name: 'Close' }).click();
}

for (const look of LOOKS) {
  test(`every crossmesh page reads cleanly at ${lookName(look)}`, async ({
    browser,
  }) => {
    test.setTimeout(300_000);
    const carol = await personWithLook(browser, 'carol', look);
    const bob = await personWithLook(browser, 'bob', look);
    try {
      await test.step('the mesh overview and its dialogs', () =>
        checkOverview(carol.page, look));
      await test.step('the approvals inbox, a review and the decided requests', () =>
        checkApprovals(carol.page, look));
      await test.step("the Mesh tab on svc-2's page and its dialogs", () =>
        checkMeshTab(bob.page, look));
      expect(carol.consoleErrors).toEqual([]);
      // The draft preview of svc-2 to cluster-1, already exposed there, is a 409.
      expect(
        bob.consoleErrors.filter(e => !e.includes('status of 409 (Conflict)')),
      ).toEqual([]);
    } finally {
      await carol.close();
      await bob.close();
    }
  });
}

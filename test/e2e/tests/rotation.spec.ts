import { Locator, Page, expect, test } from '@playwright/test';
import { X509Certificate } from 'node:crypto';
import {
  bedCluster,
  deleteCacerts,
  hasCacerts,
  readCacerts,
} from '../support/bedClusters';
import { LOOKS, Look, checkView, personWithLook } from '../support/checkView';

const CLUSTERS = ['cluster-1', 'cluster-2'];

function fingerprintsIn(pem: string): string[] {
  return (
    pem.match(
      /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g,
    ) ?? []
  ).map(block => new X509Certificate(block).fingerprint256);
}

/** The SHA-256 fingerprints of the roots the trust card lists, in its order. */
async function listedRootFingerprints(trust: Locator): Promise<string[]> {
  const roots = trust
    .getByRole('list', { name: 'Root CAs' })
    .getByRole('listitem');
  const texts = await roots.allInnerTexts();
  return texts.map(text => /SHA-256\s+([0-9A-F:]+)/.exec(text)?.[1] ?? text);
}

/**
 * Runs a step from the keyboard: focuses its button and presses Enter, then confirms in
 * the dialog the same way, and waits for the dialog to go.
 */
async function confirmStep(page: Page, button: string, dialog: string) {
  await page.getByRole('button', { name: button, exact: true }).focus();
  await page.keyboard.press('Enter');
  const confirm = page.getByRole('dialog', { name: dialog });
  await expect(confirm).toBeVisible();
  await confirm.getByRole('button', { name: button, exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(confirm).toBeHidden();
}

/**
 * The second platform member (ADR 0026) confirms, on their own overview, the root change
 * carol asked for; carol's page then shows what it did.
 */
async function confirmAsDave(
  dave: Page,
  carolsPage: Page,
  outcome: string,
  views?: { name: string; look: Look },
) {
  await dave.goto('/crossmesh');
  const waiting = dave.getByRole('region', {
    name: 'Waiting for a second platform member',
  });
  await expect(waiting).toContainText('Asked by carol');
  if (views) {
    await checkView(dave, `${views.name}-waiting`, waiting, views.look);
  }
  await waiting.getByRole('button', { name: 'Confirm', exact: true }).click();
  const dialog = dave.getByRole('dialog', {
    name: 'Confirm this root change?',
  });
  await expect(dialog).toContainText('Check with carol');
  if (views) {
    await checkView(dave, `${views.name}-confirm`, dialog, views.look);
  }
  await dialog.getByRole('button', { name: 'Confirm root change' }).click();
  await expect(dialog).toBeHidden();
  await expect(
    dave.getByRole('status', { name: 'Result of the last trust step' }),
  ).toContainText(outcome);
  await carolsPage.reload();
}

async function expectStepStates(rotation: Locator, states: string[]) {
  const steps = [
    'Add the new root',
    'Move the intermediates to the new root',
    'Stop trusting the old root',
  ];
  for (const [index, state] of states.entries()) {
    await expect(
      rotation.getByText(steps[index], { exact: true }).locator('..'),
    ).toContainText(state);
  }
}

test.describe.configure({ mode: 'serial' });

test('a platform engineer creates the root, gives each cluster its intermediate, distributes and rotates the root in the browser', async ({
  browser,
}) => {
  test.setTimeout(420_000);
  const look = LOOKS[0];
  const carol = await personWithLook(browser, 'carol', look);
  // dave looks at the confirmation at the other width.
  const daveLook = LOOKS.find(l => l.width === 1920 && l.theme === look.theme)!;
  const dave = await personWithLook(browser, 'dave', daveLook);
  const page = carol.page;
  const main = page.getByRole('main');
  const trust = page.getByRole('region', { name: 'Mesh trust' });
  const rotation = page.getByRole('region', { name: 'Root rotation' });
  const results = page.getByRole('status', {
    name: 'Result of the last trust step',
  });
  const beds = CLUSTERS.map(bedCluster);

  try {
    // The bed's etcd outlives the app, whose database starts empty: clear what an earlier
    // run wrote, so the clusters start as a fresh Istio install does, without cacerts.
    for (const bed of beds) {
      if (await hasCacerts(bed)) await deleteCacerts(bed);
    }
    await page.goto('/crossmesh');

    await test.step('the first screen asks for the root, and nothing is red', async () => {
      await expect(
        trust.getByRole('region', { name: "Create the mesh's root CA" }),
      ).toBeVisible();
      const clusters = page.getByRole('table', { name: 'Mesh clusters' });
      for (const cluster of CLUSTERS) {
        await expect(
          clusters.getByRole('row', { name: new RegExp(cluster) }),
        ).toContainText('Waiting for the root');
      }
      await expect(main.locator('[aria-label="Status error"]')).toHaveCount(0);
      await checkView(page, 'first-run-overview', main, look);
    });

    await test.step('generate the root', async () => {
      await confirmStep(page, 'Generate root', "Create the mesh's root CA");
      await expect(results).toContainText(
        "The mesh's root CA O=Istio, CN=Root CA is in place",
      );
      await expect(trust.getByRole('list', { name: 'Root CAs' })).toContainText(
        'generated by crossmesh',
      );
      const table = trust.getByRole('table', { name: 'Trust per cluster' });
      for (const cluster of CLUSTERS) {
        await expect(
          table.getByRole('row', { name: new RegExp(cluster) }),
        ).toContainText('Waiting for its intermediate');
      }
    });
    const [firstRoot] = await listedRootFingerprints(trust);

    await test.step("issue each cluster's intermediate; cacerts appears in each cluster", async () => {
      for (const cluster of CLUSTERS) {
        await page
          .getByRole('button', { name: `Issue intermediate for ${cluster}` })
          .click();
        const confirm = page.getByRole('dialog', {
          name: `Issue a new intermediate for ${cluster}?`,
        });
        await confirm
          .getByRole('button', { name: 'Issue intermediate' })
          .click();
        await expect(confirm).toBeHidden();
        await expect(results).toContainText(`${cluster}: cacerts written`);
      }
      for (const bed of beds) {
        const cacerts = await readCacerts(bed);
        expect(fingerprintsIn(cacerts['root-cert.pem'])).toEqual([firstRoot]);
      }
      const table = trust.getByRole('table', { name: 'Trust per cluster' });
      for (const cluster of CLUSTERS) {
        await expect(
          table.getByRole('row', { name: new RegExp(cluster) }),
        ).toContainText('In place');
      }
    });

    await test.step('distribute: every cacerts is already what crossmesh holds', async () => {
      await confirmStep(
        page,
        'Distribute',
        'Distribute cacerts to every cluster?',
      );
      for (const cluster of CLUSTERS) {
        await expect(results).toContainText(
          `${cluster}: cacerts already up to date`,
        );
      }
      await expect(
        trust.getByRole('img', { name: 'Certificate expiry' }),
      ).toBeVisible();
      await expect(trust.getByRole('list').last()).toContainText(
        'cluster-2 intermediate: valid from',
      );
      await expectStepStates(rotation, ['Next step', 'Later', 'Later']);
      await checkView(page, 'trust-ready', main, look);
    });

    await test.step('start the rotation with a new root: every cluster trusts both roots', async () => {
      await rotation.getByRole('button', { name: 'Start rotation' }).click();
      const start = page.getByRole('dialog', {
        name: 'Start a root rotation?',
      });
      await expect(
        start.getByRole('radio', { name: 'Generate a new root' }),
      ).toBeChecked();
      await checkView(page, 'dialog-start-rotation', start, look);
      await start.getByRole('button', { name: 'Start rotation' }).click();
      await expect(start).toBeHidden();
      // carol alone only asks: nothing moves until another platform member confirms.
      await expect(results).toContainText(
        'Waiting for a second platform member to confirm',
      );
      await expect(rotation).toContainText(
        'You asked for this: another member of the platform team must confirm it.',
      );
      await expectStepStates(rotation, ['Next step', 'Later', 'Later']);
      await checkView(page, 'rotation-asked', rotation, look);
      for (const bed of beds) {
        const cacerts = await readCacerts(bed);
        expect(fingerprintsIn(cacerts['root-cert.pem'])).toEqual([firstRoot]);
      }
      await confirmAsDave(
        dave.page,
        page,
        'Rotation started with the new root',
        {
          name: 'rotation-start',
          look: daveLook,
        },
      );
      await expectStepStates(rotation, ['Done', 'Next step', 'Later']);
      const [, incoming] = await listedRootFingerprints(trust);
      for (const bed of beds) {
        const cacerts = await readCacerts(bed);
        expect(fingerprintsIn(cacerts['root-cert.pem']).sort()).toEqual(
          [firstRoot, incoming].sort(),
        );
      }
      await checkView(page, 'rotation-trusting-both', main, look);
    });

    await test.step("a step is refused while cluster-2's cacerts is gone, with the backend's reason", async () => {
      await deleteCacerts(beds[1]);
      await rotation
        .getByRole('button', { name: 'Move intermediates' })
        .click();
      const confirm = page.getByRole('dialog', {
        name: 'Move the intermediates to the new root?',
      });
      await confirm.getByRole('button', { name: 'Move intermediates' }).click();
      await expect(confirm.getByRole('alert')).toHaveText(
        'Refused: Not every cluster trusts both roots yet (cluster-2); fix them and distribute again before moving intermediates',
      );
      await checkView(page, 'dialog-rotation-refused', confirm, look);
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      await expectStepStates(rotation, ['Done', 'Next step', 'Later']);
    });

    await test.step('distribute again: cluster-2 gets its cacerts back', async () => {
      await confirmStep(
        page,
        'Distribute',
        'Distribute cacerts to every cluster?',
      );
      await expect(results).toContainText('cluster-2: cacerts written');
      expect(
        fingerprintsIn((await readCacerts(beds[1]))['root-cert.pem']),
      ).toHaveLength(2);
    });

    await test.step('move the intermediates to the new root', async () => {
      await confirmStep(
        page,
        'Move intermediates',
        'Move the intermediates to the new root?',
      );
      await expect(results).toContainText(
        'intermediates come from the new root',
      );
      await expectStepStates(rotation, ['Done', 'Done', 'Next step']);
      const table = rotation.getByRole('table', {
        name: 'Clusters during the rotation',
      });
      for (const cluster of CLUSTERS) {
        await expect(
          table.getByRole('row', { name: new RegExp(cluster) }),
        ).toContainText('new root');
      }
      await checkView(page, 'rotation-intermediates-moved', main, look);
    });
    const [, newRoot] = await listedRootFingerprints(trust);

    await test.step('retire the old root: every cluster trusts only the new one', async () => {
      await confirmStep(page, 'Retire old root', 'Stop trusting the old root?');
      await expect(results).toContainText(
        'Waiting for a second platform member to confirm: Stop trusting the old root',
      );
      await confirmAsDave(dave.page, page, 'no rotation under way');
      await expect(rotation).toContainText('The last rotation finished');
      await expect(rotation).toContainText(
        'one retired root is no longer trusted',
      );
      await expect(rotation).toContainText('Now: no rotation under way');
      await expect(rotation.getByRole('table')).toHaveCount(0);
      expect(await listedRootFingerprints(trust)).toEqual([newRoot]);
      expect(newRoot).not.toEqual(firstRoot);
      for (const bed of beds) {
        const cacerts = await readCacerts(bed);
        expect(fingerprintsIn(cacerts['root-cert.pem'])).toEqual([newRoot]);
      }
      await expect(
        page.getByRole('table', { name: 'Audit log' }),
      ).toContainText('rotation.completed');
      await checkView(page, 'rotation-done', main, look);
    });
    // The browser logs the refused step's 409; nothing else may go wrong.
    expect(
      carol.consoleErrors.filter(e => !e.includes('status of 409 (Conflict)')),
    ).toEqual([]);
    expect(dave.consoleErrors).toEqual([]);
  } finally {
    await carol.close();
    await dave.close();
  }
});

// After the rotation above (the tests of this file run in order, in one worker).
test('the overview after a rotation reads cleanly at every other width and theme', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  for (const other of LOOKS.slice(1)) {
    await test.step(`at ${other.width} ${other.theme}`, async () => {
      const viewer = await personWithLook(browser, 'carol', other);
      try {
        await viewer.page.goto('/crossmesh');
        await expect(
          viewer.page.getByRole('region', { name: 'Root rotation' }),
        ).toContainText('The last rotation finished');
        await checkView(
          viewer.page,
          'rotation-done',
          viewer.page.getByRole('main'),
          other,
        );
      } finally {
        await viewer.close();
      }
    });
  }
});

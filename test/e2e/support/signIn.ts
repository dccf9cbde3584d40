import { Page, expect } from '@playwright/test';

/** Signs in through the demo sign-in page as a catalog User (alice, bob or carol). */
export async function signInAs(page: Page, userName: string) {
  const catalogLink = page
    .getByRole('navigation', { name: 'sidebar nav' })
    .getByRole('link', { name: 'Catalog', exact: true });
  // Right after start-up the catalog may not have read the users yet: sign-in then fails
  // with "There is no User ...", and a later attempt succeeds.
  await expect(async () => {
    await page.goto('/');
    // A failed attempt is remembered and retried on load, so the page may sign in by itself.
    const signInButton = page.getByRole('button', {
      name: `Sign in as ${userName}`,
    });
    await expect(signInButton.or(catalogLink)).toBeVisible();
    if (await signInButton.isVisible()) {
      await signInButton.click();
    }
    await expect(catalogLink).toBeVisible({ timeout: 10_000 });
  }).toPass({ timeout: 60_000, intervals: [2_000, 5_000] });
}

/** Collects what the page logs as errors, and uncaught exceptions. */
export function collectConsoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', message => {
    if (message.type() === 'error') {
      errors.push(message.text());
    }
  });
  page.on('pageerror', error => errors.push(`uncaught: ${error.message}`));
  return errors;
}

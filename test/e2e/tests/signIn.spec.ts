import { expect, test } from '@playwright/test';
import { signInAs } from '../support/signIn';

test('demo sign-in acts as a catalog User, survives a reload and ends with sign-out', async ({
  page,
}) => {
  await signInAs(page, 'bob');

  await page.goto('/settings');
  await expect(page.getByText('Bob (team-b)').first()).toBeVisible();
  await expect(page.getByText('team-b').first()).toBeVisible();

  await page.reload();
  await expect(page.getByText('Bob (team-b)').first()).toBeVisible();

  await page.getByRole('button', { name: 'more' }).click();
  await page.getByRole('menuitem', { name: 'Sign Out' }).click();
  await expect(
    page.getByRole('button', { name: 'Sign in as carol' }),
  ).toBeVisible();
});

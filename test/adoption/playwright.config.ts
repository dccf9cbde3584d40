import { defineConfig } from '@playwright/test';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/**
 * Checks on the app fresh from create-app with crossmesh installed from its tarballs:
 * test/adoption/run.sh starts that app's backend (serving its production frontend build)
 * and passes its address and a static external-access token.
 */
export default defineConfig({
  testDir: __dirname,
  testMatch: '*.spec.ts',
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: path.join(root, '.crossmesh/adoption/results'),
  use: {
    baseURL: process.env.CROSSMESH_ADOPTION_URL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CROSSMESH_CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
});

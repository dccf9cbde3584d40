import { defineConfig } from '@playwright/test';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const baseURL = process.env.CROSSMESH_E2E_URL ?? 'http://localhost:7007';

/**
 * End-to-end tests in Debian's Chromium against the app running on the test bed.
 * Playwright starts the demo mesh and the app itself unless CROSSMESH_E2E_URL points
 * at one that is already running.
 */
export default defineConfig({
  testDir: path.join(__dirname, 'tests'),
  timeout: 90_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [['list']],
  outputDir: path.join(root, '.crossmesh/e2e/results'),
  use: {
    baseURL,
    // Bounded waits: a missing button fails the step instead of the whole test's budget.
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
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
  webServer: process.env.CROSSMESH_E2E_URL
    ? undefined
    : {
        command: 'bash scripts/run-app.sh --served',
        cwd: root,
        url: `${baseURL}/.backstage/health/v1/readiness`,
        timeout: 600_000,
        reuseExistingServer: false,
        stdout: 'pipe',
        stderr: 'pipe',
        env: { CROSSMESH_RUN_STATE_DIR: path.join(root, '.crossmesh/e2e') },
      },
});

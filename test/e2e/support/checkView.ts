import AxeBuilder from '@axe-core/playwright';
import { Browser, Locator, Page, expect, test } from '@playwright/test';
import path from 'node:path';
import {
  labelsOverlappingValues,
  wordsBrokenAcrossLines,
} from './layoutProbes';
import { collectConsoleErrors, signInAs } from './signIn';

export const screenshotDir = path.resolve(
  __dirname,
  '../../../.crossmesh/e2e/screenshots',
);

/** A viewport and a theme to look at the app with. */
export interface Look {
  width: number;
  height: number;
  theme: 'light' | 'dark';
}

/** The narrowest and widest screens the layouts must hold on, each in both themes. */
export const LOOKS: Look[] = [1280, 1920].flatMap(width =>
  (['light', 'dark'] as const).map(theme => ({
    width,
    height: width === 1280 ? 800 : 1080,
    theme,
  })),
);

export function lookName(look: Look): string {
  return `${look.width}-${look.theme}`;
}

/** A signed-in browser context with the look's viewport and the app's theme set. */
export async function personWithLook(
  browser: Browser,
  userName: string,
  look: Look,
) {
  const context = await browser.newContext({
    viewport: { width: look.width, height: look.height },
  });
  // The app keeps the chosen theme in localStorage (AppThemeSelector, key "theme").
  await context.addInitScript(theme => {
    // about:blank, the page a context opens on, has no storage of its own.
    if (window.location.origin !== 'null') {
      window.localStorage.setItem('theme', theme);
    }
  }, look.theme);
  const page = await context.newPage();
  const consoleErrors = collectConsoleErrors(page);
  await signInAs(page, userName);
  return { page, consoleErrors, close: () => context.close() };
}

/** Counts of axe-core violations by impact. */
export type AxeCounts = Record<
  'critical' | 'serious' | 'moderate' | 'minor',
  number
>;

async function axeCountsOf(page: Page, include: string, name: string) {
  const results = await new AxeBuilder({ page }).include(include).analyze();
  const counts: AxeCounts = { critical: 0, serious: 0, moderate: 0, minor: 0 };
  for (const violation of results.violations) {
    counts[violation.impact ?? 'minor'] += violation.nodes.length;
  }
  // eslint-disable-next-line no-console
  console.log(
    `axe ${name}: critical ${counts.critical}, serious ${counts.serious}, moderate ${counts.moderate}, minor ${counts.minor}`,
  );
  const severe = results.violations.filter(
    v => v.impact === 'critical' || v.impact === 'serious',
  );
  for (const violation of results.violations) {
    const targets = violation.nodes
      .map(n => n.target.join(' '))
      .slice(0, 4)
      .join('; ');
    // What axe found wrong with the first node, e.g. the contrast ratio it measured.
    const why = violation.nodes[0]?.failureSummary?.split('\n')[1]?.trim();
    // eslint-disable-next-line no-console
    console.log(
      `  ${violation.impact} ${violation.id}: ${violation.help} (${targets})${
        why ? `: ${why}` : ''
      }`,
    );
  }
  return { counts, severe };
}

/**
 * Takes the whole content, not just the viewport: Backstage pages scroll inside their own
 * container, so the viewport grows to the tallest scrolling content for the picture (the
 * width, and so the layout, stays as it is) and shrinks back afterwards.
 */
async function screenshot(page: Page, file: string) {
  const viewport = page.viewportSize()!;
  const contentHeight = await page.evaluate(() => {
    let tallest = document.documentElement.scrollHeight;
    for (const element of document.querySelectorAll('*')) {
      const style = getComputedStyle(element);
      if (
        /(auto|scroll)/.test(style.overflowY) &&
        element.scrollHeight > element.clientHeight
      ) {
        const top = element.getBoundingClientRect().top + window.scrollY;
        tallest = Math.max(tallest, top + element.scrollHeight);
      }
    }
    return Math.ceil(tallest);
  });
  if (contentHeight > viewport.height) {
    await page.setViewportSize({
      width: viewport.width,
      height: Math.min(contentHeight, 8000),
    });
  }
  await page.screenshot({ path: path.join(screenshotDir, file) });
  await page.setViewportSize(viewport);
}

/**
 * Waits until the transitions and finite animations inside `root` have ended: right after
 * an input a field's label is still moving above its value, and measuring then would see
 * the two overlap.
 */
async function transitionsEnded(root: Locator) {
  await root.evaluate(async element => {
    await new Promise(resolve =>
      requestAnimationFrame(() => requestAnimationFrame(resolve)),
    );
    await Promise.all(
      element
        .getAnimations({ subtree: true })
        .filter(
          animation =>
            animation.effect?.getComputedTiming().endTime !== Infinity,
        )
        .map(animation => animation.finished.catch(() => undefined)),
    );
  });
}

/**
 * Checks one view as a reader would meet it: no word broken across lines and no label over
 * its value inside `root`, no serious or critical axe-core violation there, and a
 * screenshot named `<view>-<width>-<theme>.png`. Failures are soft, so one run reports
 * every view.
 */
export async function checkView(
  page: Page,
  view: string,
  root: Locator,
  look: Look,
) {
  const name = `${view}-${lookName(look)}`;
  await test.step(`check ${name}`, async () => {
    await expect(root).toBeVisible();
    await transitionsEnded(root);
    const broken = await wordsBrokenAcrossLines(root);
    expect.soft(broken, `words broken across lines in ${name}`).toEqual([]);
    const overlaps = await labelsOverlappingValues(root);
    expect
      .soft(overlaps, `labels drawn over their values in ${name}`)
      .toEqual([]);
    const rootSelector = await root.evaluate(element => {
      const marker = `crossmesh-check-${Math.random().toString(36).slice(2)}`;
      element.setAttribute('data-crossmesh-check', marker);
      return `[data-crossmesh-check="${marker}"]`;
    });
    const { severe } = await axeCountsOf(page, rootSelector, name);
    await root.evaluate(element =>
      element.removeAttribute('data-crossmesh-check'),
    );
    expect
      .soft(
        severe.map(v => `${v.id}: ${v.nodes.map(n => n.target).join('; ')}`),
        `serious or critical axe-core violations in ${name}`,
      )
      .toEqual([]);
    await screenshot(page, `${name}.png`);
  });
}

import { expect, test } from '@playwright/test';
import {
  labelsOverlappingValues,
  wordsBrokenAcrossLines,
} from '../support/layoutProbes';

// The probes the layout checks rest on must be able to fail: here they meet a word cut
// letter by letter, a name cut at its hyphen and a label drawn over a select's value, and
// stay quiet where the same text and controls are laid out well.
test('the layout probes find words broken across lines and labels over values, and nothing in a good layout', async ({
  page,
}) => {
  await page.setContent(`
    <main style="font: 16px sans-serif">
      <div id="cut" style="width: 40px; overflow-wrap: anywhere">cluster-1 Reachable</div>
      <div id="hyphen" style="width: 60px">east-west</div>
      <div id="whole" style="width: 400px; overflow-wrap: anywhere">cluster-1 Reachable</div>
      <div id="hidden">
        <span style="position: absolute; width: 1px; height: 1px; overflow: hidden">read by screen readers only</span>
      </div>
      <div id="over" style="position: relative; width: 260px">
        <label for="a" style="position: absolute; left: 16px; top: 12px">Cluster</label>
        <select id="a" style="width: 240px; padding: 10px 14px; font: inherit"><option>All clusters</option></select>
      </div>
      <div id="apart" style="width: 260px">
        <label for="b">Cluster</label><br />
        <select id="b" style="width: 240px; padding: 10px 14px; font: inherit"><option>All clusters</option></select>
      </div>
    </main>`);

  const cut = await wordsBrokenAcrossLines(page.locator('#cut'));
  expect(cut.map(w => w.word)).toEqual(['cluster-1', 'Reachable']);
  expect(cut[0].asRendered.split(' / ').length).toBeGreaterThan(1);
  expect(
    (await wordsBrokenAcrossLines(page.locator('#hyphen'))).map(
      w => w.asRendered,
    ),
  ).toEqual(['east- / west']);
  expect(await wordsBrokenAcrossLines(page.locator('#whole'))).toEqual([]);
  expect(await wordsBrokenAcrossLines(page.locator('#hidden'))).toEqual([]);

  expect(await labelsOverlappingValues(page.locator('#over'))).toEqual([
    { label: 'Cluster', value: 'All clusters', control: '<select id="a">' },
  ]);
  expect(await labelsOverlappingValues(page.locator('#apart'))).toEqual([]);
});

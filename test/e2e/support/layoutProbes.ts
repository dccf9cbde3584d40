import { Locator } from '@playwright/test';

/** A word whose characters the browser laid out on more than one line. */
export interface BrokenWord {
  word: string;
  /** The word as the lines cut it, e.g. `cl / us / ter-1`. */
  asRendered: string;
  /** The element holding the text node, and its whole text. */
  element: string;
  text: string;
}

/** A form label drawn over the value of its control. */
export interface LabelOverlap {
  label: string;
  value: string;
  control: string;
}

/**
 * Every word (a run of non-space characters) in the text under `root` whose characters sit on
 * more than one rendered line. Each character's box comes from the Range API; characters
 * whose vertical middle lies outside the line box of the word's first character start a new
 * line. Text that is not rendered, or rendered in a box of a pixel or less (visually hidden
 * text for screen readers), is skipped.
 */
export async function wordsBrokenAcrossLines(
  root: Locator,
): Promise<BrokenWord[]> {
  return root.evaluate((rootElement: Element) => {
    const found: BrokenWord[] = [];
    const range = document.createRange();
    const walker = document.createTreeWalker(rootElement, NodeFilter.SHOW_TEXT);
    const describe = (element: Element) =>
      `<${element.tagName.toLowerCase()}${
        element.className && typeof element.className === 'string'
          ? ` class="${element.className.split(/\s+/).slice(0, 3).join(' ')}"`
          : ''
      }>`;
    for (
      let node = walker.nextNode() as Text | null;
      node;
      node = walker.nextNode() as Text | null
    ) {
      const parent = node.parentElement;
      if (!parent) continue;
      const parentBox = parent.getBoundingClientRect();
      if (parentBox.width <= 1 || parentBox.height <= 1) continue;
      if (getComputedStyle(parent).visibility === 'hidden') continue;
      for (const match of node.data.matchAll(/\S+/g)) {
        const start = match.index ?? 0;
        const lines: Array<{ top: number; bottom: number; chars: string }> = [];
        for (let i = start; i < start + match[0].length; i++) {
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const box = range.getClientRects()[0];
          if (!box || (box.width === 0 && box.height === 0)) continue;
          const middle = (box.top + box.bottom) / 2;
          const line = lines.find(l => middle >= l.top && middle <= l.bottom);
          if (line) {
            line.chars += node.data[i];
          } else {
            lines.push({
              top: box.top,
              bottom: box.bottom,
              chars: node.data[i],
            });
          }
        }
        if (lines.length > 1) {
          found.push({
            word: match[0],
            asRendered: lines.map(l => l.chars).join(' / '),
            element: describe(parent),
            text: node.data.trim().slice(0, 120),
          });
        }
      }
    }
    return found;
  });
}

/**
 * Every form label under `root` whose text box intersects the text of its control's value:
 * the selected option of a select, the value of an input or text area (the whole content box
 * of a date input, whose format hint shows when empty). The value's box starts at the
 * control's content box and is as wide as the text measured in the control's font.
 */
export async function labelsOverlappingValues(
  root: Locator,
): Promise<LabelOverlap[]> {
  return root.evaluate((rootElement: Element) => {
    const found: LabelOverlap[] = [];
    const canvas = document.createElement('canvas').getContext('2d')!;
    const skipped = ['checkbox', 'radio', 'file', 'hidden', 'submit', 'button'];
    for (const label of rootElement.querySelectorAll('label')) {
      const control = (
        label.htmlFor
          ? document.getElementById(label.htmlFor)
          : label.querySelector('input, select, textarea')
      ) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null;
      if (!control || skipped.includes((control as HTMLInputElement).type)) {
        continue;
      }
      const labelRange = document.createRange();
      labelRange.selectNodeContents(label);
      const labelBox = labelRange.getBoundingClientRect();
      if (labelBox.width === 0 || labelBox.height === 0) continue;

      const isDate = ['date', 'time', 'datetime-local'].includes(
        (control as HTMLInputElement).type,
      );
      const value =
        control instanceof HTMLSelectElement
          ? control.selectedOptions[0]?.text ?? ''
          : control.value;
      if (!value && !isDate) continue;

      const style = getComputedStyle(control);
      const px = (v: string) => parseFloat(v) || 0;
      const box = control.getBoundingClientRect();
      const left = box.left + px(style.borderLeftWidth) + px(style.paddingLeft);
      const right =
        box.right - px(style.borderRightWidth) - px(style.paddingRight);
      const top = box.top + px(style.borderTopWidth) + px(style.paddingTop);
      const bottom =
        box.bottom - px(style.borderBottomWidth) - px(style.paddingBottom);
      canvas.font = style.font;
      const width = isDate ? right - left : canvas.measureText(value).width;
      const valueBox = {
        left,
        right: Math.min(right, left + width),
        top,
        bottom,
      };
      const intersects =
        labelBox.left < valueBox.right &&
        valueBox.left < labelBox.right &&
        labelBox.top < valueBox.bottom &&
        valueBox.top < labelBox.bottom;
      if (intersects) {
        found.push({
          label: label.textContent?.trim() ?? '',
          value: value || '(date format)',
          control: `<${control.tagName.toLowerCase()} id="${control.id}">`,
        });
      }
    }
    return found;
  });
}

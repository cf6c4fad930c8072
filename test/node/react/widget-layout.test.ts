import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ar, de } from '../../../src/react/index.js';
import { launchChromium, openGallery } from '../../support/widget-page.js';

// Each test drives a real Chromium: under a full `npm test` on 2 cores it needs more than Vitest's 5 s.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/** WCAG 1.4.12's text spacing, as its bookmarklet applies it. */
const TEXT_SPACING =
  '* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; } p { margin-bottom: 2em !important; }';

/** Every element of the widget that sticks out of its box or of the widget, as "tag.class: what". */
function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.querySelector('.s3u') as HTMLElement;
    const edge = root.getBoundingClientRect();
    const found: string[] = [];
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth) found.push('the page scrolls sideways');
    for (const element of Array.from(root.querySelectorAll<HTMLElement>('button, .s3u-file__status, .s3u-status__text, li, p'))) {
      const box = element.getBoundingClientRect();
      const name = `${element.tagName.toLowerCase()}.${element.className} "${element.textContent?.slice(0, 30)}"`;
      if (box.left < edge.left - 0.5 || box.right > edge.right + 0.5) found.push(`${name}: outside the widget`);
      if (element.scrollWidth > element.clientWidth + 0.5 && getComputedStyle(element).overflow !== 'visible')
        found.push(`${name}: clipped`);
      if (element.tagName === 'BUTTON' && element.scrollWidth > element.clientWidth + 0.5) found.push(`${name}: text cut`);
    }
    return found;
  });
}

describe('the widget laid out in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  for (const [what, pageCss] of [
    ['German at 320 px (400 % zoom of 1280)', ''],
    ['German at 320 px with WCAG text spacing', TEXT_SPACING],
  ] as const) {
    it(`reflows without clipping: ${what}`, async () => {
      const page = await openGallery(browser, { locale: de, width: 320, pageCss });
      expect(await overflows(page)).toEqual([]);
      // "Abbrechen" is whole and inside the row.
      const cancel = page.getByRole('button', { name: /abbrechen$/ }).first();
      expect(await cancel.evaluate((button) => button.scrollWidth <= button.clientWidth)).toBe(true);
      await page.close();
    });
  }

  for (const [page, theme, system, expected] of [
    ['says nothing', undefined, 'dark', 'rgb(255, 255, 255)'],
    ['says color-scheme: dark', undefined, 'light', 'rgb(13, 17, 23)'],
    ['says color-scheme: light dark', undefined, 'dark', 'rgb(13, 17, 23)'],
    ['says nothing, theme="system"', 'system', 'dark', 'rgb(13, 17, 23)'],
  ] as const) {
    it(`follows the page's colour scheme: the page ${page}, the system ${system}`, async () => {
      const scheme = page.match(/color-scheme: ([a-z ]+)/)?.[1];
      const tab = await openGallery(browser, { theme, pageCss: scheme ? `:root { color-scheme: ${scheme}; }` : '' });
      await tab.emulateMedia({ colorScheme: system });
      expect(await tab.$eval('.s3u', (root) => getComputedStyle(root).backgroundColor)).toBe(expected);
      await tab.close();
    });
  }

  it('aligns its text where the language starts, not where the page centres its own', async () => {
    const page = await openGallery(browser, { pageCss: 'body { text-align: center; }' });
    const aligns = await page.$$eval('.s3u-file__error p, .s3u-file__status, .s3u-rejected li', (elements) =>
      elements.map((element) => getComputedStyle(element).textAlign),
    );
    expect(aligns.length).toBeGreaterThan(3);
    for (const align of aligns) expect(align).toBe('start');
    await page.close();
  });

  it('isolates each segment of an Arabic status line, in order from the right', async () => {
    const page = await openGallery(browser, { locale: ar, dir: 'rtl', width: 560 });
    const segments = await page.$$eval('.s3u-file[data-status="uploading"] .s3u-file__status bdi', (elements) =>
      elements.map((element) => ({ text: element.textContent, right: element.getBoundingClientRect().right })),
    );
    expect(segments.map((segment) => segment.text)).toHaveLength(4);
    // Right to left: status, percentage, speed, time left, each further left than the one before.
    for (let index = 1; index < segments.length; index++) expect(segments[index]?.right).toBeLessThan(segments[index - 1]?.right as number);
    expect(segments[1]?.text).toMatch(/[%٪]/);
    await page.close();
  });

  it('on a phone: numbers stay with their units, long names keep their extension, compact buttons are 24 px high', async () => {
    for (const size of ['default', 'compact'] as const) {
      const page = await openGallery(browser, { width: 375, size });
      // A segment with a number is one line box: never "3 / MB/s" or "2 sec / left".
      const broken = await page.$$eval('.s3u :is(.s3u-file__status, .s3u-status__text) bdi', (elements) =>
        elements
          .filter((element) => /\d/.test(element.textContent ?? '') && element.getClientRects().length > 1)
          .map((element) => element.textContent),
      );
      expect(broken).toEqual([]);
      // The long photo name is cut in the middle: its end ".jpg" is in sight, its start ends in an ellipsis.
      const name = await page.$eval('.s3u-file[data-status="uploading"] .s3u-file__name', (element) => {
        const start = element.querySelector('.s3u-file__name-start') as HTMLElement;
        const end = element.querySelector('.s3u-file__name-end') as HTMLElement;
        const box = element.getBoundingClientRect();
        const endBox = end.getBoundingClientRect();
        return {
          cut: start.scrollWidth > start.clientWidth,
          endInSight: endBox.left >= box.left - 0.5 && endBox.right <= box.right + 0.5 && endBox.width > 0,
          end: end.textContent,
        };
      });
      expect(name).toEqual({ cut: true, endInSight: true, end: '_final_version.jpg'.slice(-10) });
      const heights = await page.$$eval('.s3u-file button', (buttons) => buttons.map((button) => button.getBoundingClientRect().height));
      for (const height of heights) expect(height).toBeGreaterThanOrEqual(24);
      // A tap shows the whole name.
      await page.locator('.s3u-file[data-status="uploading"] .s3u-file__name').click();
      expect(
        await page.$eval('.s3u-file[data-status="uploading"] .s3u-file__name', (element) => element.scrollWidth <= element.clientWidth),
      ).toBe(true);
      await page.close();
    }
  });
});

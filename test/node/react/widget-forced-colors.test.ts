import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openGallery } from '../../support/widget-page.js';

/**
 * Windows High Contrast (forced colours) replaces author colours with the
 * user's system colours: backgrounds become Canvas. What carries meaning in
 * a background or a mask (progress fills, the track, icons) must say so with
 * system colours, or it vanishes. Chromium emulates the mode.
 */
describe('the widget in forced colours (Chromium)', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  /** Computed colours of every element matching `selector` (a pseudo-element when given). */
  const colours = (page: Page, selector: string, property: string, pseudo?: string) =>
    page.$$eval(
      selector,
      (elements, [name, before]) => elements.map((element) => getComputedStyle(element, before || null).getPropertyValue(name as string)),
      [property, pseudo ?? ''] as const,
    );

  for (const theme of ['light', 'dark'] as const) {
    it(`keeps progress, the track and icons visible against the background (${theme} page)`, async () => {
      const page = await openGallery(browser, { theme });
      await page.emulateMedia({ forcedColors: 'active', colorScheme: theme });
      await expect(page.evaluate(() => matchMedia('(forced-colors: active)').matches)).resolves.toBe(true);
      const [background] = await colours(page, '.s3u', 'background-color');
      expect(background).toBeTruthy();
      // Fills: uploading, paused, complete (and the total); the failed row's bar is empty.
      const fills = await colours(page, '.s3u-progress__bar', 'background-color');
      expect(fills.length).toBeGreaterThanOrEqual(4);
      for (const fill of fills) expect(fill).not.toBe(background);
      // The track's outline shows where an empty bar is.
      for (const track of await colours(page, '.s3u-progress', 'border-top-color')) expect(track).not.toBe(background);
      for (const width of await colours(page, '.s3u-progress', 'border-top-width')) expect(width).not.toBe('0px');
      // The drop area's icon and each file-type icon (masks over a background colour).
      for (const icon of await colours(page, '.s3u-dropzone__icon', 'background-color')) expect(icon).not.toBe(background);
      const glyphs = await colours(page, '.s3u-preview--icon', 'background-color', '::before');
      expect(glyphs.length).toBe(4);
      for (const glyph of glyphs) expect(glyph).not.toBe(background);
      // A finished fill is told from a running one without colour names: they differ from each other too.
      const [running, , done] = await colours(page, '.s3u-file .s3u-progress__bar', 'background-color');
      expect(running).not.toBe(done);
      await page.close();
    });
  }
});

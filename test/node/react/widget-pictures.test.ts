import { resolve } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ar } from '../../../src/react/index.js';
import { comparePicture } from '../../support/pictures.js';
import { type GalleryOptions, launchChromium, openGallery } from '../../support/widget-page.js';

/**
 * Reference pictures of the widget in every state (the gallery page) in each
 * mode people use it in. A change that moves pixels fails here until it is
 * looked at and accepted:
 *
 *   UPDATE_PICTURES=1 npx vitest run --project node test/node/widget-pictures.test.ts
 *
 * rewrites the references in test/pictures/ (look at them before committing);
 * a failing run leaves what it saw beside the reference as <mode>.actual.png.
 */
const PICTURES = resolve(import.meta.dirname, '../../pictures');

const MODES: Record<string, GalleryOptions & { width?: number; forced?: boolean }> = {
  light: {},
  dark: { theme: 'dark', pageCss: 'body { background: #0d1117; }' },
  rtl: { locale: ar, dir: 'rtl' },
  'forced-colours': { forced: true },
  phone: { width: 375 },
};

describe('reference pictures of the widget', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(() => browser?.close());

  for (const [mode, options] of Object.entries(MODES)) {
    it(`looks as accepted: ${mode}`, async () => {
      const page = await openGallery(browser, options);
      if (options.forced) await page.emulateMedia({ forcedColors: 'active' });
      const actual = await page.screenshot({ fullPage: true, animations: 'disabled' });
      const failure = await comparePicture(page, resolve(PICTURES, `${mode}.png`), actual);
      await page.close();
      expect(failure, mode).toBeNull();
    });
  }
});

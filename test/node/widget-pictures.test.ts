import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ar } from '../../src/react/index.js';
import { type GalleryOptions, launchChromium, openGallery } from '../support/widget-page.js';

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
const PICTURES = resolve(import.meta.dirname, '../pictures');
const UPDATE = process.env.UPDATE_PICTURES === '1';
/** Share of pixels that may differ (anti-aliasing), and by how much a channel may differ before a pixel counts. */
const TOLERANCE = { pixels: 0.001, channel: 24 };

const MODES: Record<string, GalleryOptions & { width?: number; forced?: boolean }> = {
  light: {},
  dark: { theme: 'dark', pageCss: 'body { background: #0d1117; }' },
  rtl: { locale: ar, dir: 'rtl' },
  'forced-colours': { forced: true },
  phone: { width: 375 },
};

/** Share of pixels that differ between two PNGs of the same size, compared in the page's canvas; 1 when the sizes differ. */
function difference(page: Page, expected: Buffer, actual: Buffer): Promise<number> {
  return page.evaluate(
    async ([a, b, channel]) => {
      const decode = async (base64: string) => {
        const image = await createImageBitmap(await (await fetch(`data:image/png;base64,${base64}`)).blob());
        const canvas = new OffscreenCanvas(image.width, image.height);
        const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
        context.drawImage(image, 0, 0);
        return context.getImageData(0, 0, image.width, image.height);
      };
      const [left, right] = await Promise.all([decode(a as string), decode(b as string)]);
      if (left.width !== right.width || left.height !== right.height) return 1;
      let differing = 0;
      for (let index = 0; index < left.data.length; index += 4) {
        for (let offset = 0; offset < 4; offset++) {
          if (Math.abs((left.data[index + offset] as number) - (right.data[index + offset] as number)) > (channel as number)) {
            differing++;
            break;
          }
        }
      }
      return differing / (left.width * left.height);
    },
    [expected.toString('base64'), actual.toString('base64'), TOLERANCE.channel] as const,
  );
}

describe('reference pictures of the widget', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
    mkdirSync(PICTURES, { recursive: true });
  });
  afterAll(() => browser?.close());

  for (const [mode, options] of Object.entries(MODES)) {
    it(`looks as accepted: ${mode}`, async () => {
      const page = await openGallery(browser, options);
      if (options.forced) await page.emulateMedia({ forcedColors: 'active' });
      const actual = await page.screenshot({ fullPage: true, animations: 'disabled' });
      const reference = resolve(PICTURES, `${mode}.png`);
      if (UPDATE || !existsSync(reference)) {
        writeFileSync(reference, actual);
        await page.close();
        // A missing reference is a failure outside an update: pictures are accepted on purpose.
        expect(UPDATE, `no reference picture ${reference}: run with UPDATE_PICTURES=1 and look at it`).toBe(true);
        return;
      }
      const share = await difference(page, readFileSync(reference), actual);
      await page.close();
      if (share > TOLERANCE.pixels) writeFileSync(resolve(PICTURES, `${mode}.actual.png`), actual);
      expect(
        share,
        `${mode}: ${(share * 100).toFixed(2)} % of pixels differ from ${reference} (see ${mode}.actual.png)`,
      ).toBeLessThanOrEqual(TOLERANCE.pixels);
    });
  }
});

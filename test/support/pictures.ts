/**
 * Reference pictures: a PNG taken now against the accepted one beside the
 * test, pixel by pixel in the page's own canvas (no image library). Shared by
 * the widget gallery's pictures and every story's.
 *
 * `UPDATE_PICTURES=1` (on any run) writes what it sees as the new reference:
 * look at the pictures before committing them. A failing run leaves what it
 * saw beside the reference as <name>.actual.png.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export const UPDATE_PICTURES = process.env.UPDATE_PICTURES === '1';

/** Share of pixels that may differ (anti-aliasing), and by how much a channel may differ before a pixel counts. */
export const TOLERANCE = { pixels: 0.001, channel: 24 };

/** A page to decode and compare PNGs in: Playwright's and Puppeteer's both fit. */
export interface EvaluatingPage {
  evaluate<R, A>(fn: (argument: A) => R | Promise<R>, argument: A): Promise<R>;
}

/** Share of pixels that differ between two PNGs of the same size, compared in the page's canvas; 1 when the sizes differ. */
export function pictureDifference(page: EvaluatingPage, expected: Buffer, actual: Buffer, channel = TOLERANCE.channel): Promise<number> {
  return page.evaluate(
    async ([a, b, limit]) => {
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
          if (Math.abs((left.data[index + offset] as number) - (right.data[index + offset] as number)) > (limit as number)) {
            differing++;
            break;
          }
        }
      }
      return differing / (left.width * left.height);
    },
    [expected.toString('base64'), actual.toString('base64'), channel] as const,
  );
}

/**
 * Compares `actual` with the reference PNG at `reference` (a path ending in
 * .png). Returns null when it matches (or was accepted by UPDATE_PICTURES=1),
 * else why not. A missing reference is a failure outside an update: pictures
 * are accepted on purpose, after looking at them.
 */
export async function comparePicture(page: EvaluatingPage, reference: string, actual: Buffer): Promise<string | null> {
  const beside = reference.replace(/\.png$/, '.actual.png');
  if (UPDATE_PICTURES || !existsSync(reference)) {
    mkdirSync(dirname(reference), { recursive: true });
    writeFileSync(reference, actual);
    rmSync(beside, { force: true });
    return UPDATE_PICTURES ? null : `no reference picture ${reference} (written now): run with UPDATE_PICTURES=1 and look at it`;
  }
  const share = await pictureDifference(page, readFileSync(reference), actual);
  if (share <= TOLERANCE.pixels) {
    rmSync(beside, { force: true });
    return null;
  }
  writeFileSync(beside, actual);
  return `${(share * 100).toFixed(2)} % of pixels differ from ${reference} (see ${beside}; UPDATE_PICTURES=1 accepts)`;
}

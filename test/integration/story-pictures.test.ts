/**
 * Every Storybook story in Chromium, as people meet it:
 *
 * - a reference picture of the story (clipped to its frame) in five modes:
 *   light; dark (prefers-color-scheme: dark, and the page says dark: its
 *   `color-scheme` and background, which the widget follows unless a story
 *   forces a theme); right to left (`dir="rtl"` on the page's <html>, which
 *   every story's widget inherits, in English unless the story gives a
 *   locale); forced colours; and a 375 px wide viewport;
 * - a keyboard-only walk: Tab from the top of the page, focus never on <body>
 *   while something focusable is left; then Enter, and Space on whatever took
 *   the pressed button's place, on each row's action buttons: focus never
 *   falls to <body>.
 *
 * Storybook is built once per run (test/support/storybook-static.ts); each
 * story is loaded once, run to its end (Storybook's `storyFinished`), then
 * photographed in each mode in turn and walked. What changes with time is
 * left out of the pictures: a row's or the totals' speed and time left.
 *
 * Accept intended changes (and look at them, in test/pictures/stories/):
 *
 *   UPDATE_PICTURES=1 npx vitest run --project integration test/integration/story-pictures.test.ts
 */
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunchOptions } from '../support/chromium.js';
import { comparePicture } from '../support/pictures.js';
import { catchStoryFinished, readStoryFinished, servedStorybook, switchStory, untilStoryFinished } from '../support/storybook-static.js';

const PICTURES = resolve(import.meta.dirname, '../pictures/stories');
const VIEWPORT = { width: 800, height: 900 };

/** Each mode is applied to the finished story's page, and undone before the next. */
const MODES: Record<string, { apply(page: Page): Promise<void> }> = {
  light: { apply: async () => {} },
  dark: {
    apply: async (page) => {
      await page.emulateMedia({ colorScheme: 'dark' });
      await page.evaluate(() => {
        const style = document.createElement('style');
        style.dataset.pictureMode = 'dark';
        style.textContent = ':root { color-scheme: dark; } body, body.sb-show-main { background: #0d1117 !important; color: #e6edf3; }';
        document.head.append(style);
      });
    },
  },
  rtl: {
    apply: async (page) => {
      await page.evaluate(() => document.documentElement.setAttribute('dir', 'rtl'));
    },
  },
  'forced-colours': { apply: (page) => page.emulateMedia({ forcedColors: 'active' }) },
  phone: { apply: (page) => page.setViewportSize({ width: 375, height: 740 }) },
};

async function undoModes(page: Page): Promise<void> {
  await page.emulateMedia({ colorScheme: 'light', forcedColors: 'none' });
  await page.setViewportSize(VIEWPORT);
  await page.evaluate(() => {
    document.documentElement.removeAttribute('dir');
    for (const style of document.querySelectorAll('style[data-picture-mode]')) style.remove();
  });
}

/**
 * Hides what changes with time: the speed and time-left segments of a row's
 * status line and of the totals line (a held upload's rate decays, its time
 * left grows, — a held one says it is waiting, and the pictures wait for that), in any of
 * the stories' languages. The rest of the line stays.
 */
function hideWhatChangesWithTime(): void {
  const varies = /\/s\b|\/ث|\d+\s*\S+\s+left$|^noch |^يتبقى /;
  const hide = () => {
    for (const segment of document.querySelectorAll<HTMLElement>('.s3u-file__status bdi, .s3u-status__text bdi')) {
      segment.style.display = varies.test(segment.textContent ?? '') ? 'none' : '';
    }
  };
  hide();
  // A speed that appears or changes between now and the picture is hidden too.
  const global = window as unknown as { hidingWhatChanges?: boolean };
  if (global.hidingWhatChanges) return;
  global.hidingWhatChanges = true;
  new MutationObserver(hide).observe(document.body, { childList: true, characterData: true, subtree: true });
}

const nextFrames = (page: Page) => page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));

/** The story's frame (the first element Storybook renders): the picture's clip. */
async function picture(page: Page): Promise<Buffer> {
  await nextFrames(page);
  await page.evaluate(hideWhatChangesWithTime);
  return page.locator('#storybook-root > *').first().screenshot({ animations: 'disabled', caret: 'hide', scale: 'css' });
}

/** A short description of the focused element, for messages. */
function describeFocus(): string {
  const element = document.activeElement;
  if (!element || element === document.body) return '<body>';
  const name = element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? '';
  return `<${element.tagName.toLowerCase()}> "${name}"`;
}

/** How many elements Tab can reach (tabindex ≥ 0, rendered, not inert), whether the last of them has focus, and which element has it. */
function focusState(): { count: number; lastIsFocused: boolean; focused: string } {
  const candidates = document.querySelectorAll<HTMLElement>(
    'a[href], button, input, select, textarea, summary, [tabindex], [contenteditable="true"]',
  );
  const tabbable = Array.from(candidates).filter(
    (element) =>
      element.tabIndex >= 0 &&
      !(element as HTMLButtonElement).disabled &&
      element.getClientRects().length > 0 &&
      getComputedStyle(element).visibility !== 'hidden' &&
      !element.closest('[inert], details:not([open]) > :not(summary)'),
  );
  const element = document.activeElement;
  const name =
    !element || element === document.body
      ? '<body>'
      : `<${element.tagName.toLowerCase()}> "${element.getAttribute('aria-label') ?? element.textContent?.trim().slice(0, 40) ?? ''}"`;
  return { count: tabbable.length, lastIsFocused: tabbable.at(-1) === element, focused: name };
}

/** Where Tab takes focus from the top of the page: a failure message per stop on <body> with something still to reach. */
async function tabWalk(page: Page): Promise<string[]> {
  const failures: string[] = [];
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // A click on the page's empty corner: the next Tab starts from the top.
  await page.mouse.click(2, 2);
  let previous = await page.evaluate(focusState);
  let first: string | undefined;
  for (let stop = 1; stop <= 40; stop++) {
    await page.keyboard.press('Tab');
    await nextFrames(page);
    const now = await page.evaluate(focusState);
    if (now.focused === '<body>') {
      // Past the last stop focus leaves the page: the walk is over.
      if (previous.lastIsFocused || previous.count === 0) break;
      failures.push(`Tab #${stop} from ${previous.focused} left focus on <body> (${now.count} focusable elements on the page)`);
      break;
    }
    // Back at the first stop: focus went round.
    if (now.focused === first) break;
    first ??= now.focused;
    previous = now;
  }
  return failures;
}

/** Row action buttons: the widget's (Pause, Resume, Cancel, Retry, Remove), the refusals' Dismiss, a custom UI's row buttons. */
const ROW_BUTTONS = '#storybook-root li button, #storybook-root .s3u-rejected button';

/**
 * Enter on each row action button present once the story finished, then
 * Space on the button that took its place (if focus is on one): after each,
 * focus must not be on <body>. At most `limit` buttons (the 1000-file story).
 */
async function pressRowButtons(page: Page, limit = 4): Promise<string[]> {
  const failures: string[] = [];
  const count = await page.evaluate((selector) => {
    const buttons = Array.from(document.querySelectorAll(selector));
    buttons.forEach((button, index) => {
      button.setAttribute('data-walk', String(index));
    });
    return buttons.length;
  }, ROW_BUTTONS);
  for (let index = 0; index < Math.min(count, limit); index++) {
    const button = page.locator(`[data-walk="${index}"]`);
    if ((await button.count()) === 0 || !(await button.isVisible())) continue;
    const name = await button.evaluate((element) => element.getAttribute('aria-label') ?? element.textContent?.trim() ?? '');
    await button.focus();
    await page.keyboard.press('Enter');
    // Long enough for the row to change (a retry that fails again, a resume that starts).
    await page.waitForTimeout(400);
    const afterEnter = await page.evaluate(describeFocus);
    if (afterEnter === '<body>') {
      failures.push(`Enter on "${name}" left focus on <body>`);
      continue;
    }
    const onRowButton = await page.evaluate(
      (selector) => document.activeElement?.matches(selector) ?? false,
      ROW_BUTTONS.replaceAll('#storybook-root ', ''),
    );
    if (!onRowButton) continue;
    await page.keyboard.press(' ');
    await page.waitForTimeout(400);
    const afterSpace = await page.evaluate(describeFocus);
    if (afterSpace === '<body>') failures.push(`Space on ${afterEnter} (after Enter on "${name}") left focus on <body>`);
  }
  return failures;
}

const storybook = await servedStorybook();
const { stories } = storybook;
let browser: Browser;
/** One preview page for every story: the first is loaded, the others switched to (as Storybook's sidebar does). */
let page: Page;
let loaded = false;

beforeAll(async () => {
  browser = await chromium.launch(chromiumLaunchOptions);
  page = await browser.newPage({ viewport: VIEWPORT, reducedMotion: 'reduce' });
  await page.addInitScript(catchStoryFinished);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe.each(stories)('story %s in Chromium', (id) => {
  beforeAll(async () => {
    if (loaded) await page.evaluate(switchStory, id);
    else await page.goto(storybook.url(id));
    loaded = true;
    const finished = await untilStoryFinished(() => page.evaluate(readStoryFinished), 110_000);
    expect(finished?.storyId, `${id} never finished`).toBe(id);
    expect(finished?.status, `${id}'s play function failed: ${JSON.stringify(finished?.reporters)}`).toBe('success');
    // A held upload says it is waiting 3 s after its last byte: picture every story once that has happened, never halfway.
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('.s3u-file[data-status="uploading"]')).every((row) =>
          /waiting for the connection|wartet auf die Verbindung|بانتظار الاتصال/.test(row.textContent ?? ''),
        ),
      undefined,
      { timeout: 10_000 },
    );
  }, 120_000);

  it('looks as accepted in light, dark, right to left, forced colours and at 375 px', async () => {
    const failures: string[] = [];
    for (const [mode, { apply }] of Object.entries(MODES)) {
      await apply(page);
      const failure = await comparePicture(page, resolve(PICTURES, `${id}.${mode}.png`), await picture(page));
      if (failure) failures.push(`${mode}: ${failure}`);
      await undoModes(page);
    }
    expect(failures).toEqual([]);
  });

  it('keeps focus off <body> by keyboard alone (Tab from the top; Enter and Space on row buttons)', async () => {
    const failures = [...(await tabWalk(page)), ...(await pressRowButtons(page))];
    expect(failures, id).toEqual([]);
  });
});

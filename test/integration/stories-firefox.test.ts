/**
 * Every Storybook story in Firefox: its play function and its axe check
 * (addon-a11y, `a11y.test: 'error'`), as the storybook project runs them in
 * Chromium. Storybook is built once (test/support/storybook-static.ts) and served on
 * 127.0.0.1; each story's preview page reports the end of its run on
 * Storybook's channel (`storyFinished`: the play function's outcome and every
 * reporter's, axe's among them), which a preload script listens for.
 */
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchStoryFinished, readStoryFinished, servedStorybook, untilStoryFinished } from '../support/storybook-static.js';

let browser: Browser;
let page: Page;

// Built (or reused from this run's other story tests) before the tests are collected: `it` per story needs the index.
const storybook = await servedStorybook();
const { stories } = storybook;

beforeAll(async () => {
  const { default: puppeteer } = await import('puppeteer-core');
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
  });
  page = await browser.newPage();
  await page.evaluateOnNewDocument(catchStoryFinished);
}, 180_000);

afterAll(async () => {
  await browser?.close();
});

describe('every story in Firefox', () => {
  it('has stories to run', () => {
    expect(stories.length).toBeGreaterThan(10);
  });

  it.each(stories)('Firefox: %s plays and passes axe', async (id) => {
    await page.goto(storybook.url(id));
    const finished = await untilStoryFinished(() => page.evaluate(readStoryFinished));
    expect(finished, `${id} never finished`).not.toBeNull();
    const a11y = finished?.reporters.find((reporter) => reporter.type === 'a11y');
    expect(a11y?.result?.violations ?? [], `${id}: axe`).toEqual([]);
    expect(a11y?.status).toBe('passed');
    expect(finished?.status, `${id}: ${JSON.stringify(finished?.reporters).slice(0, 500)}`).toBe('success');
  });
});

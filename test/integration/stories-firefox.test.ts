/**
 * Every Storybook story in Firefox: its play function and its axe check
 * (addon-a11y, `a11y.test: 'error'`), as the storybook project runs them in
 * Chromium. Storybook is built once into a temporary folder and served on
 * 127.0.0.1; each story's preview page reports the end of its run on
 * Storybook's channel (`storyFinished`: the play function's outcome and every
 * reporter's, axe's among them), which a preload script listens for.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

let directory: string;
let server: Server;
let base: string;
let browser: Browser;
let page: Page;

interface StoryFinished {
  storyId: string;
  status: 'success' | 'error';
  reporters: Array<{ type: string; status: string; result?: { violations?: Array<{ id: string; help: string }> } }>;
}

// Built before the tests are collected: `it` per story needs the index.
directory = mkdtempSync(join(tmpdir(), 's3du-storybook-'));
await promisify(execFile)('npx', ['storybook', 'build', '--output-dir', directory, '--quiet'], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
const index = JSON.parse(await readFile(join(directory, 'index.json'), 'utf8')) as {
  entries: Record<string, { id: string; type: string }>;
};
const stories = Object.values(index.entries)
  .filter((entry) => entry.type === 'story')
  .map((entry) => entry.id);

beforeAll(async () => {
  server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    try {
      const body = await readFile(join(directory, path === '/' ? 'index.html' : path));
      response.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const { default: puppeteer } = await import('puppeteer-core');
  browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
  });
  page = await browser.newPage();
  // Storybook emits `storyFinished` on its channel once; catch the channel as the preview creates it.
  await page.evaluateOnNewDocument(() => {
    let channel: { on(event: string, listener: (payload: unknown) => void): void } | undefined;
    Object.defineProperty(window, '__STORYBOOK_ADDONS_CHANNEL__', {
      configurable: true,
      get: () => channel,
      set: (value) => {
        channel = value;
        value.on('storyFinished', (payload: unknown) => {
          (window as unknown as { storyFinished: unknown }).storyFinished = payload;
        });
      },
    });
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

describe('every story in Firefox', () => {
  it('has stories to run', () => {
    expect(stories.length).toBeGreaterThan(10);
  });

  it.each(stories)('Firefox: %s plays and passes axe', async (id) => {
    await page.goto(`${base}/iframe.html?id=${id}&viewMode=story`);
    const deadline = Date.now() + 120_000;
    let finished: StoryFinished | null = null;
    while (!finished && Date.now() < deadline) {
      finished = await page.evaluate(() => (window as unknown as { storyFinished?: StoryFinished }).storyFinished ?? null);
      if (!finished) await new Promise((done) => setTimeout(done, 200));
    }
    expect(finished, `${id} never finished`).not.toBeNull();
    const a11y = finished?.reporters.find((reporter) => reporter.type === 'a11y');
    expect(a11y?.result?.violations ?? [], `${id}: axe`).toEqual([]);
    expect(a11y?.status).toBe('passed');
    expect(finished?.status, `${id}: ${JSON.stringify(finished?.reporters).slice(0, 500)}`).toBe('success');
  });
});

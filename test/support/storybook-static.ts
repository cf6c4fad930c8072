/**
 * Storybook built statically and served on 127.0.0.1, for tests that open
 * each story's preview page (iframe.html?id=…) in a real browser: every story
 * in Firefox, every story's pictures and keyboard walk in Chromium.
 *
 * The build (about 20 s) is made once per state of the sources: it is kept in
 * the system's temporary folder under a key of what went into it (src/,
 * stories/, .storybook/, the Vite config and the lockfile: paths, sizes and
 * modification times), so the second test file of a run reuses the first's.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const INPUTS = ['src', 'stories', '.storybook', 'vite.config.ts', 'package-lock.json', 'tsconfig.json'];
const PREFIX = 's3du-storybook-cache-';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

/** What Storybook's preview says when a story's play function and its reporters (axe among them) are done. */
export interface StoryFinished {
  storyId: string;
  status: 'success' | 'error';
  reporters: Array<{ type: string; status: string; result?: { violations?: Array<{ id: string; help: string }> } }>;
}

function inputsKey(): string {
  const hash = createHash('sha256');
  const visit = (path: string) => {
    const full = join(root, path);
    if (!existsSync(full)) return;
    const stat = statSync(full);
    if (stat.isDirectory()) {
      for (const name of readdirSync(full).sort()) visit(join(path, name));
    } else {
      hash.update(`${path}\0${stat.size}\0${stat.mtimeMs}\n`);
    }
  };
  for (const input of INPUTS) visit(input);
  return hash.digest('hex').slice(0, 16);
}

let building: Promise<string> | undefined;

/** The folder of a static Storybook build of the current sources (built now, or reused). */
export function buildStorybook(): Promise<string> {
  building ??= (async () => {
    const directory = join(tmpdir(), `${PREFIX}${inputsKey()}`);
    if (existsSync(join(directory, 'index.json'))) return directory;
    // Built beside, then moved in place in one step: a reader never sees half a build.
    const fresh = mkdtempSync(join(tmpdir(), 's3du-storybook-build-'));
    await promisify(execFile)('npx', ['storybook', 'build', '--output-dir', fresh, '--quiet'], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    try {
      renameSync(fresh, directory);
    } catch {
      // Another run built the same sources meanwhile: keep theirs.
      rmSync(fresh, { recursive: true, force: true });
    }
    // Builds of earlier sources, untouched for a day, go.
    for (const name of readdirSync(tmpdir())) {
      const old = join(tmpdir(), name);
      if (name.startsWith(PREFIX) && old !== directory && Date.now() - statSync(old).mtimeMs > 86_400_000) {
        rmSync(old, { recursive: true, force: true });
      }
    }
    return directory;
  })();
  return building;
}

/** The ids of the build's stories, in the sidebar's order. */
export async function storyIds(directory: string): Promise<string[]> {
  const index = JSON.parse(await readFile(join(directory, 'index.json'), 'utf8')) as {
    entries: Record<string, { id: string; type: string }>;
  };
  return Object.values(index.entries)
    .filter((entry) => entry.type === 'story')
    .map((entry) => entry.id);
}

/** Serves `directory` on 127.0.0.1 (a secure context: MSW's service worker runs there). */
export async function serveStorybook(directory: string): Promise<{ base: string; close(): void }> {
  const server = createServer(async (request, response) => {
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
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.close(),
  };
}

/** A story's preview page. */
export const storyUrl = (base: string, id: string) => `${base}/iframe.html?id=${id}&viewMode=story`;

/**
 * For a test file that opens every story, called at its top level: the build
 * (made or reused before the tests are collected, since an `it` per story
 * needs the index), its story ids, and the build served on 127.0.0.1 from
 * beforeAll until afterAll. `url(id)` is a story's preview page once served.
 */
export async function servedStorybook(): Promise<{ stories: string[]; url(id: string): string }> {
  const directory = await buildStorybook();
  const stories = await storyIds(directory);
  let server: { base: string; close(): void } | undefined;
  beforeAll(async () => {
    server = await serveStorybook(directory);
  });
  afterAll(() => server?.close());
  return {
    stories,
    url: (id) => {
      if (!server) throw new Error('servedStorybook: not served yet (url(id) is for tests and hooks)');
      return storyUrl(server.base, id);
    },
  };
}

/**
 * Runs in the page before its scripts (Puppeteer's evaluateOnNewDocument,
 * Playwright's addInitScript): Storybook emits `storyFinished` on its channel
 * once, so catch the channel as the preview creates it and keep the event in
 * `window.storyFinished`.
 */
export function catchStoryFinished(): void {
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
}

/** Polls the page (through `read`, which returns `window.storyFinished`) until the story has finished, or null after `timeoutMs`. */
export async function untilStoryFinished(read: () => Promise<StoryFinished | null>, timeoutMs = 120_000): Promise<StoryFinished | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const finished = await read();
    if (finished || Date.now() > deadline) return finished;
    await new Promise((done) => setTimeout(done, 200));
  }
}

/** Reads `window.storyFinished` (set by catchStoryFinished); pass to the page's evaluate. */
export const readStoryFinished = () => (window as unknown as { storyFinished?: StoryFinished }).storyFinished ?? null;

/**
 * Runs in a preview page that has already shown a story: shows story `id`
 * instead, as Storybook's manager does (its `setCurrentStory` event), without
 * loading the page again (seconds per story on a busy machine). Clears
 * `window.storyFinished` for the next wait.
 */
export function switchStory(id: string): void {
  const global = window as unknown as {
    storyFinished?: unknown;
    __STORYBOOK_ADDONS_CHANNEL__: { emit(event: string, payload: unknown): void };
  };
  global.storyFinished = undefined;
  global.__STORYBOOK_ADDONS_CHANNEL__.emit('setCurrentStory', { storyId: id, viewMode: 'story' });
}

/**
 * One small interface over the three browser engines people upload from, each
 * driven the way this machine can (no browser downloads):
 * - Chromium: Debian's `chromium`, through playwright-core.
 * - Firefox: Debian's `firefox-esr`, through puppeteer-core over WebDriver BiDi.
 * - WebKit (Safari's engine): WebKitGTK's MiniBrowser under Xvfb, through
 *   Debian's `WebKitWebDriver` and a few W3C WebDriver calls (below).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { chromiumLaunchOptions } from '../support/chromium.js';

export type EngineName = 'Chromium' | 'Firefox' | 'WebKit';

export interface EngineDriver {
  readonly name: EngineName;
  open(url: string): Promise<void>;
  /** Chooses files through the page's `<input type=file>` as a person would. */
  chooseFiles(selector: string, paths: string[]): Promise<void>;
  /** Evaluates a synchronous JavaScript expression in the page; its value must be JSON. */
  evaluate<T>(expression: string): Promise<T>;
  close(): Promise<void>;
}

export const ENGINES: readonly EngineName[] = ['Chromium', 'Firefox', 'WebKit'];

export function launch(name: EngineName): Promise<EngineDriver> {
  if (name === 'Chromium') return launchChromium();
  if (name === 'Firefox') return launchFirefox();
  return launchWebKit();
}

async function launchChromium(): Promise<EngineDriver> {
  const browser = await chromium.launch(chromiumLaunchOptions);
  const page = await browser.newPage();
  return {
    name: 'Chromium',
    open: async (url) => void (await page.goto(url)),
    chooseFiles: (selector, paths) => page.setInputFiles(selector, paths),
    evaluate: (expression) => page.evaluate(expression),
    close: () => browser.close(),
  };
}

async function launchFirefox(): Promise<EngineDriver> {
  const { default: puppeteer } = await import('puppeteer-core');
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
    headless: true,
  });
  const page = await browser.newPage();
  return {
    name: 'Firefox',
    open: async (url) => void (await page.goto(url)),
    chooseFiles: async (selector, paths) => {
      const input = await page.$(selector);
      if (!input) throw new Error(`Firefox: no ${selector} on the page`);
      await (input as unknown as { uploadFile(...paths: string[]): Promise<void> }).uploadFile(...paths);
    },
    evaluate: (expression) => page.evaluate(expression) as Promise<never>,
    close: () => browser.close(),
  };
}

const MINIBROWSER = process.env.MINIBROWSER_PATH ?? '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * WebKit through W3C WebDriver: MiniBrowser refuses `--headless`, so Xvfb
 * gives it a display (`xvfb-run -a`); the whole process group (xvfb-run, Xvfb,
 * the driver, MiniBrowser) is stopped together.
 */
async function launchWebKit(): Promise<EngineDriver> {
  const port = await freePort();
  const driver: ChildProcess = spawn('xvfb-run', ['-a', 'WebKitWebDriver', `--port=${port}`], { detached: true, stdio: 'ignore' });
  const stop = () => {
    try {
      if (driver.pid) process.kill(-driver.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const base = `http://127.0.0.1:${port}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json()) as { value: T & { error?: string; message?: string } };
    if (!response.ok) throw new Error(`WebKitWebDriver ${method} ${path}: ${answer.value.error} ${answer.value.message}`);
    return answer.value;
  };
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await call('GET', '/status');
        break;
      } catch (error) {
        if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not start on port ${port}: ${error}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const { sessionId } = await call<{ sessionId: string }>('POST', '/session', {
      capabilities: {
        alwaysMatch: {
          browserName: 'MiniBrowser',
          'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
        },
      },
    });
    const session = `/session/${sessionId}`;
    return {
      name: 'WebKit',
      open: async (url) => void (await call('POST', `${session}/url`, { url })),
      chooseFiles: async (selector, paths) => {
        const element = await call<Record<string, string>>('POST', `${session}/element`, { using: 'css selector', value: selector });
        const id = Object.values(element)[0];
        // W3C WebDriver: file paths joined by newlines, sent as the input's keys, choose them.
        await call('POST', `${session}/element/${id}/value`, { text: paths.join('\n') });
      },
      evaluate: (expression) => call('POST', `${session}/execute/sync`, { script: `return (${expression});`, args: [] }),
      close: async () => {
        await call('DELETE', session).catch(() => undefined);
        stop();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}

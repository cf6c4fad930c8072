/**
 * Chromium through playwright-core (Debian's /usr/bin/chromium, no download),
 * one fresh browser context per measured run so that each run gets its own
 * renderer process, and the readings taken around a run: the renderer's RSS
 * (/proc/<pid>/status) and JS heap (CDP Performance.getMetrics), sampled.
 */
import { type Browser, type BrowserContext, type CDPSession, chromium, type Page } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../test/support/chromium.js';
import { readCmdline, readRss } from './proc.js';

export interface ChromiumHandle {
  browser: Browser;
  /** Browser-level CDP session (SystemInfo). */
  cdp: CDPSession;
  version: string;
  browserPid: number;
  close(): Promise<void>;
}

interface ProcessInfo {
  type: string;
  id: number;
  cpuTime: number;
}

export async function launchChromium(executablePath: string, extraArgs: string[] = []): Promise<ChromiumHandle> {
  const browser = await chromium.launch({
    executablePath,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    headless: true,
    // bench/run.ts stops everything itself, in order, on a signal.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  try {
    const cdp = await browser.newBrowserCDPSession();
    const browserPid = (await processes(cdp)).find((p) => p.type === 'browser')?.id ?? -1;
    return {
      browser,
      cdp,
      version: browser.version(),
      browserPid,
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close().catch(() => {});
    throw error;
  }
}

export async function processes(cdp: CDPSession): Promise<ProcessInfo[]> {
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: ProcessInfo[] };
  return processInfo;
}

/** PIDs of Chromium's browser, network service and GPU processes. */
export async function chromiumPids(handle: ChromiumHandle): Promise<{ browser: number; network?: number; gpu?: number }> {
  const list = await processes(handle.cdp);
  const network = list.find((p) => p.type.includes('NetworkService'))?.id;
  const gpu = list.find((p) => p.type === 'GPU')?.id;
  return { browser: handle.browserPid, ...(network ? { network } : {}), ...(gpu ? { gpu } : {}) };
}

export interface BenchPageHandle {
  context: BrowserContext;
  page: Page;
  session: CDPSession;
  rendererPid: number;
  close(): Promise<void>;
}

/** A fresh context and page at `url`, with the PID of the renderer that runs it. */
export async function openBenchPage(handle: ChromiumHandle, url: string): Promise<BenchPageHandle> {
  // The HTTP/2 front's certificate is a throw-away one (test/support/h2-front.ts): accept it.
  const context = await handle.browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(url);
    await page
      .waitForFunction(() => typeof window.bench === 'object', undefined, { timeout: 15_000 })
      .catch(() => {
        throw new Error(`the bench page ${url} did not load: ${pageErrors.join('; ') || 'no window.bench'}`);
      });
    const session = await context.newCDPSession(page);
    await session.send('Performance.enable');
    // Another renderer can grow at the same moment (a context just closed, a page still loading): try again then.
    let rendererPid: number | undefined;
    for (let attempt = 1; rendererPid === undefined; attempt++) {
      try {
        rendererPid = await findRenderer(handle, page, session);
      } catch (error) {
        if (attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    return { context, page, session, rendererPid, close: () => context.close() };
  } catch (error) {
    await context.close().catch(() => {});
    throw error;
  }
}

/**
 * The renderer that runs the page (site isolation: one per context here): the
 * one whose RSS grows by about 256 MiB while the page holds that much memory.
 */
async function findRenderer(handle: ChromiumHandle, page: Page, session: CDPSession): Promise<number> {
  const renderers = (await processes(handle.cdp)).filter((p) => p.type === 'renderer').map((p) => p.id);
  const before = new Map(renderers.map((pid) => [pid, readRss(pid) ?? 0]));
  await page.evaluate((mib) => window.bench.probe(mib), 256);
  const deltas = renderers.map((pid) => ({ pid, delta: (readRss(pid) ?? 0) - (before.get(pid) ?? 0) })).sort((a, b) => b.delta - a.delta);
  await page.evaluate(() => window.bench.probe(0));
  await settleMemory(session);
  const [first, second] = deltas;
  const MiB = 1024 * 1024;
  if (
    !first ||
    first.delta < 200 * MiB ||
    (second && second.delta * 4 > first.delta) ||
    !readCmdline(first.pid).join(' ').includes('--type=renderer')
  ) {
    throw new Error(
      `could not tell the page's renderer process (${deltas.map((d) => `${d.pid}: ${Math.round(d.delta / MiB)} MiB`).join(', ')})`,
    );
  }
  return first.pid;
}

/** Collects garbage in the page and asks Chromium to return free memory, then lets it settle. */
export async function settleMemory(session: CDPSession): Promise<void> {
  await session.send('HeapProfiler.collectGarbage');
  await session.send('Memory.simulatePressureNotification', { level: 'critical' }).catch(() => {});
  await new Promise((resolve) => setTimeout(resolve, 500));
  await session.send('HeapProfiler.collectGarbage');
  await new Promise((resolve) => setTimeout(resolve, 200));
}

export async function jsHeapUsed(session: CDPSession): Promise<number | undefined> {
  const { metrics } = (await session.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
  return metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value;
}

export interface MemorySamples {
  /** [ms since start, renderer RSS bytes], every `intervalMs`. */
  rss: Array<[number, number]>;
  rssPeak: number;
  /** [ms since start, JS heap used bytes], every 500 ms. */
  heap: Array<[number, number]>;
  heapPeak: number;
  /** Browser process RSS peak (where Blob data lives). */
  browserRssPeak: number;
}

/** Samples the renderer's RSS (and the browser's) every `intervalMs` and its JS heap every 500 ms until stopped. */
export function sampleMemory(session: CDPSession | undefined, pids: { renderer?: number; browser: number }, intervalMs = 100) {
  const t0 = performance.now();
  const samples: MemorySamples = { rss: [], rssPeak: 0, heap: [], heapPeak: 0, browserRssPeak: 0 };
  const takeRss = () => {
    if (pids.renderer !== undefined) {
      const rss = readRss(pids.renderer);
      if (rss !== undefined) {
        samples.rss.push([Math.round(performance.now() - t0), rss]);
        samples.rssPeak = Math.max(samples.rssPeak, rss);
      }
    }
    samples.browserRssPeak = Math.max(samples.browserRssPeak, readRss(pids.browser) ?? 0);
  };
  let heapBusy = false;
  const takeHeap = () => {
    if (!session || heapBusy) return;
    heapBusy = true;
    jsHeapUsed(session)
      .then((heap) => {
        if (heap !== undefined) {
          samples.heap.push([Math.round(performance.now() - t0), heap]);
          samples.heapPeak = Math.max(samples.heapPeak, heap);
        }
      })
      .catch(() => {})
      .finally(() => {
        heapBusy = false;
      });
  };
  takeRss();
  takeHeap();
  const rssTimer = setInterval(takeRss, intervalMs);
  const heapTimer = setInterval(takeHeap, 500);
  return {
    stop(): MemorySamples {
      clearInterval(rssTimer);
      clearInterval(heapTimer);
      takeRss();
      return samples;
    },
  };
}

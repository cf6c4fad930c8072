/**
 * What both benchmark pages share: the files (picked from disk through
 * `<input type=file>`, or made in the page from random bytes, 64 KiB per
 * getRandomValues call), a long-task observer, a trace of fetch and XHR
 * calls, and the `window.bench` object that bench/run.ts drives.
 */

export interface Workload {
  /** Number of files. */
  count: number;
  /** Size of each file, bytes. */
  size: number;
  /** File name stem. */
  name: string;
}

export interface PageResult {
  ok: boolean;
  /** From the call that hands the files to the uploader to the moment it reports all of them done. */
  wallMs: number;
  files: number;
  bytes: number;
  completed: number;
  failed: number;
  /** First few error messages. */
  errors: string[];
  /** upload-progress callbacks the uploader delivered. */
  progressEvents: number;
  /** State notifications (subscribe listener / Uppy state-update) during the upload. */
  stateUpdates: number;
  /** Main-thread tasks over 50 ms during the upload (PerformanceObserver 'longtask'). */
  longTasks: number;
  longTaskMs: number;
  /** The longest main-thread task over 50 ms, ms (0: none). */
  longestTaskMs: number;
  /** fetch and XHR calls as the page made them: [what, start, end] in ms from the upload's start (first 2,000). */
  trace: Array<[string, number, number]>;
}

export interface BenchPage {
  /** Makes the files in the page; resolves with the time it took. */
  prepare(workload: Workload): Promise<{ generateMs: number; bytes: number }>;
  /** Takes the files Playwright put into `<input id="files">` (files on disk, as a user would pick them). */
  useInput(): { generateMs: number; bytes: number };
  /** Uploads the prepared files once. */
  upload(options: Record<string, unknown>): Promise<PageResult>;
  /** Holds (or, with 0, drops) this many MiB of touched memory, to tell which renderer process is this page's. */
  probe(mib: number): void;
  /** Drops the prepared files. */
  release(): void;
}

declare global {
  interface Window {
    bench: BenchPage;
  }
}

const CHUNK = 64 * 1024; // getRandomValues fills at most 65,536 bytes per call
const SEGMENT = 64 * 1024 * 1024; // chunks are gathered into Blobs of this size, then released

let prepared: File[] = [];
const held: { probe?: Uint8Array } = {};

export function preparedFiles(): File[] {
  return prepared;
}

async function randomFile(name: string, size: number): Promise<File> {
  const segments: Blob[] = [];
  let pending: Uint8Array<ArrayBuffer>[] = [];
  let pendingBytes = 0;
  for (let offset = 0; offset < size; offset += CHUNK) {
    const chunk = new Uint8Array(Math.min(CHUNK, size - offset));
    crypto.getRandomValues(chunk);
    pending.push(chunk);
    pendingBytes += chunk.byteLength;
    if (pendingBytes >= SEGMENT) {
      segments.push(new Blob(pending));
      pending = [];
      pendingBytes = 0;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  if (pending.length > 0) segments.push(new Blob(pending));
  const file = new File(segments, name, { type: 'application/octet-stream', lastModified: Date.now() });
  // Blob bytes travel to the browser process after construction; reading both ends waits until they are all there,
  // so that the upload does not pay for the page's way of making files (a real file is on disk already).
  if (size > 0) {
    await file.slice(0, 1).arrayBuffer();
    await file.slice(size - 1).arrayBuffer();
  }
  return file;
}

export function observeLongTasks(): () => { count: number; ms: number; longest: number } {
  let count = 0;
  let ms = 0;
  let longest = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      count++;
      ms += entry.duration;
      longest = Math.max(longest, entry.duration);
    }
  });
  try {
    observer.observe({ type: 'longtask' });
  } catch {
    // not supported: zeros
  }
  return () => {
    for (const entry of observer.takeRecords()) {
      count++;
      ms += entry.duration;
      longest = Math.max(longest, entry.duration);
    }
    observer.disconnect();
    return { count, ms, longest };
  };
}

/** Records every fetch and XHR of the page from `traceFrom` on (wrappers installed once, at load). */
const trace: Array<[string, number, number]> = [];
let traceFrom = 0;

export function startTrace(): () => Array<[string, number, number]> {
  trace.length = 0;
  traceFrom = performance.now();
  return () => trace.slice(0, 2000);
}

function installTracing(): void {
  const record = (what: string, start: number) => {
    if (trace.length < 2000)
      trace.push([what, Math.round((start - traceFrom) * 10) / 10, Math.round((performance.now() - traceFrom) * 10) / 10]);
  };
  const originalFetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const start = performance.now();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let what = `fetch ${init?.method ?? 'GET'} ${new URL(url, location.href).pathname}`;
    if (typeof init?.body === 'string' && init.body.startsWith('{')) {
      try {
        const body = JSON.parse(init.body) as { operation?: string; method?: string; partNumber?: number };
        what += ` ${body.operation ?? `${body.method ?? ''}${body.partNumber ? ` part ${body.partNumber}` : ''}`}`;
      } catch {
        // not JSON
      }
    }
    try {
      return await originalFetch(input, init);
    } finally {
      record(what, start);
    }
  };
  const open = XMLHttpRequest.prototype.open;
  const send = XMLHttpRequest.prototype.send;
  const labels = new WeakMap<XMLHttpRequest, string>();
  XMLHttpRequest.prototype.open = function (this: XMLHttpRequest, method: string, url: string | URL, ...rest: unknown[]) {
    const parsed = new URL(String(url), location.href);
    const part = parsed.searchParams.get('partNumber');
    labels.set(this, `xhr ${method}${part ? ` part ${part}` : ''}`);
    return (open as (...args: unknown[]) => void).call(this, method, url, ...rest);
  } as typeof XMLHttpRequest.prototype.open;
  XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, body?: Document | XMLHttpRequestBodyInit | null) {
    const start = performance.now();
    const label = `${labels.get(this) ?? 'xhr'}${body instanceof FormData ? ' form' : ''}`;
    this.addEventListener('loadend', () => record(label, start), { once: true });
    return send.call(this, body);
  };
}

export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function install(upload: BenchPage['upload']): void {
  installTracing();
  window.bench = {
    async prepare(workload) {
      prepared = [];
      const started = performance.now();
      let bytes = 0;
      for (let index = 0; index < workload.count; index++) {
        const file = await randomFile(`${workload.name}-${String(index).padStart(4, '0')}.bin`, workload.size);
        bytes += file.size;
        prepared.push(file);
      }
      return { generateMs: performance.now() - started, bytes };
    },
    useInput() {
      const input = document.getElementById('files') as HTMLInputElement | null;
      prepared = Array.from(input?.files ?? []);
      return { generateMs: 0, bytes: prepared.reduce((sum, file) => sum + file.size, 0) };
    },
    upload,
    probe(mib) {
      held.probe = mib > 0 ? new Uint8Array(mib * 1024 * 1024).fill(1) : undefined;
    },
    release() {
      prepared = [];
    },
  };
  const status = document.getElementById('status');
  if (status) status.textContent = 'loaded';
}

/** Counted by each page's own event handlers during an upload. */
export interface Counters {
  progressEvents: number;
  stateUpdates: number;
}

/** How an upload of the prepared files ended, as the page's uploader tells it. */
export interface UploadOutcome {
  completed: number;
  failed: number;
  errors: string[];
}

/**
 * Times `upload` (handing the prepared files over until the uploader says all
 * are done) with the long-task observer and the request trace running, and
 * gathers what both pages report. Setting the uploader up stays outside.
 */
export async function measureUpload(counters: Counters, upload: (files: File[]) => Promise<UploadOutcome>): Promise<PageResult> {
  const files = preparedFiles();
  const stopObserving = observeLongTasks();
  const stopTrace = startTrace();
  const started = performance.now();
  const outcome = await upload(files);
  const wallMs = performance.now() - started;
  const longTasks = stopObserving();
  return {
    ok: outcome.completed === files.length && outcome.failed === 0,
    wallMs,
    files: files.length,
    bytes: files.reduce((sum, file) => sum + file.size, 0),
    completed: outcome.completed,
    failed: outcome.failed,
    errors: outcome.errors.slice(0, 5),
    progressEvents: counters.progressEvents,
    stateUpdates: counters.stateUpdates,
    longTasks: longTasks.count,
    longTaskMs: longTasks.ms,
    longestTaskMs: longTasks.longest,
    trace: stopTrace(),
  };
}

/**
 * Long work in slices, so the page stays responsive: a task that runs past
 * 50 ms is a "long task" (input waits for it). Work that may take that long —
 * adding a thousand files, starting their uploads — checks `due()` between
 * items and, when its slice is spent, awaits `next()`, which lets the browser
 * paint and handle input before the work goes on.
 */
export class TimeSlicer {
  #started = now();

  /** Whether this slice has used its time (`SLICE_BUDGET_MS`). */
  due(): boolean {
    return now() - this.#started >= SLICE_BUDGET_MS;
  }

  /** Yields to the browser, then starts a new slice. */
  async next(): Promise<void> {
    await yieldToMain();
    this.#started = now();
  }
}

/**
 * Work time per slice, ms: well under 50 ms so that a slower machine still stays under it — a sixth of
 * the long-task line, headroom for a machine several times slower.
 */
export const SLICE_BUDGET_MS = 8;

const now = () => (typeof performance === 'undefined' ? Date.now() : performance.now());

interface Scheduler {
  yield?: () => Promise<void>;
}

/** `scheduler.yield()` where the browser has it (the rest of the work keeps its place in line), else a new task. */
function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: Scheduler }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

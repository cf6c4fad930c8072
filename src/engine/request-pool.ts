import { canceledError } from '../protocol/errors.js';

interface Waiter {
  priority: number;
  order: number;
  start: () => void;
}

/**
 * Caps the requests in flight to one host. Browsers open at most 6
 * HTTP/1.1 connections per host; queuing more only hides them in the
 * network stack where they cannot be canceled or prioritised.
 * Lower `priority` runs first, so the files added first finish first.
 *
 * The cap adapts (AIMD, as TCP does): a throttling answer (503 SlowDown,
 * 429) halves it, at most once a second; each `limit` successes add one
 * back, up to the configured maximum.
 */
export class RequestPool {
  readonly #max: number;
  #limit: number;
  #active = 0;
  #order = 0;
  #waiting: Waiter[] = [];
  #successes = 0;
  #lastCut = Number.NEGATIVE_INFINITY;

  constructor(limit: number) {
    this.#max = Math.max(1, limit);
    this.#limit = this.#max;
  }

  get active(): number {
    return this.#active;
  }

  /** The cap in force now (≤ the configured maximum). */
  get limit(): number {
    return this.#limit;
  }

  /** The store asked us to slow down. */
  throttled(now = Date.now()): void {
    if (now - this.#lastCut < 1000) return;
    this.#lastCut = now;
    this.#limit = Math.max(1, Math.floor(this.#limit / 2));
    this.#successes = 0;
  }

  /** A request succeeded: recover gradually. */
  succeeded(): void {
    if (this.#limit >= this.#max) return;
    if (++this.#successes >= this.#limit) {
      this.#limit++;
      this.#successes = 0;
      this.#next();
    }
  }

  async run<T>(priority: number, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    await this.#acquire(priority, signal);
    try {
      return await task();
    } finally {
      this.#active--;
      this.#next();
    }
  }

  #acquire(priority: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(canceledError());
    if (this.#active < this.#limit) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        order: this.#order++,
        start: () => {
          signal.removeEventListener('abort', onAbort);
          this.#active++;
          resolve();
        },
      };
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((entry) => entry !== waiter);
        reject(canceledError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(waiter);
    });
  }

  #next(): void {
    while (this.#active < this.#limit && this.#waiting.length > 0) this.#startBest();
  }

  #startBest(): void {
    let best = 0;
    for (let index = 1; index < this.#waiting.length; index++) {
      const candidate = this.#waiting[index] as Waiter;
      const current = this.#waiting[best] as Waiter;
      if (candidate.priority < current.priority || (candidate.priority === current.priority && candidate.order < current.order)) {
        best = index;
      }
    }
    const [waiter] = this.#waiting.splice(best, 1);
    waiter?.start();
  }
}

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
 */
export class RequestPool {
  #limit: number;
  #active = 0;
  #order = 0;
  #waiting: Waiter[] = [];

  constructor(limit: number) {
    this.#limit = Math.max(1, limit);
  }

  get active(): number {
    return this.#active;
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
    if (this.#active >= this.#limit || this.#waiting.length === 0) return;
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

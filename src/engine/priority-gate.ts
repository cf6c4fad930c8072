import { canceledError, onAbort } from '../protocol/errors.js';

interface Waiter {
  priority: number;
  start: () => void;
}

/**
 * A semaphore whose waiters start lowest `priority` first (then first come),
 * and leave the queue when their signal aborts. Subclasses decide, through
 * `mayStart`, how many may hold it at once.
 */
export abstract class PriorityGate {
  #active = 0;
  /** In order of arrival. */
  #waiting: Waiter[] = [];

  /** Holders now. */
  get active(): number {
    return this.#active;
  }

  /** Whether one more waiter may start now, with `active` holders. */
  protected abstract mayStart(active: number): boolean;

  /** Waits for a turn; call the returned function exactly once when done. */
  async enter(priority: number, signal: AbortSignal): Promise<() => void> {
    await this.#acquire(priority, signal);
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.#active--;
      this.next();
    };
  }

  /** Runs `task` once it is this caller's turn. */
  async run<T>(priority: number, signal: AbortSignal, task: () => Promise<T>): Promise<T> {
    const leave = await this.enter(priority, signal);
    try {
      return await task();
    } finally {
      leave();
    }
  }

  /** Starts waiters while `mayStart` allows; call after anything that may allow more. */
  protected next(): void {
    while (this.#waiting.length > 0 && this.mayStart(this.#active)) this.#startBest();
  }

  #acquire(priority: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(canceledError());
    if (this.#waiting.length === 0 && this.mayStart(this.#active)) {
      this.#active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        priority,
        start: () => {
          stopListening();
          this.#active++;
          resolve();
        },
      };
      const stopListening = onAbort(signal, () => {
        this.#waiting = this.#waiting.filter((entry) => entry !== waiter);
        reject(canceledError());
      });
      this.#waiting.push(waiter);
      // A waiter that arrived while others queued may still fit now.
      this.next();
    });
  }

  /** The lowest priority; of equals, the first to arrive. */
  #startBest(): void {
    let best = 0;
    for (let index = 1; index < this.#waiting.length; index++) {
      if ((this.#waiting[index] as Waiter).priority < (this.#waiting[best] as Waiter).priority) best = index;
    }
    const [waiter] = this.#waiting.splice(best, 1);
    waiter?.start();
  }
}

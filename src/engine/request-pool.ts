import { PriorityGate } from './priority-gate.js';

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
export class RequestPool extends PriorityGate {
  readonly #max: number;
  #limit: number;
  #successes = 0;
  #lastCut = Number.NEGATIVE_INFINITY;

  constructor(limit: number) {
    super();
    this.#max = Math.max(1, limit);
    this.#limit = this.#max;
  }

  /** The cap in force now (≤ the configured maximum). */
  get limit(): number {
    return this.#limit;
  }

  protected mayStart(active: number): boolean {
    return active < this.#limit;
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
      this.next();
    }
  }
}

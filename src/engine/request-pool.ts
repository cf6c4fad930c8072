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
 *
 * With `perHost`, the maximum is per storage host name: a signer that deals
 * URLs out across several host names of the bucket (`alternateEndpoints`)
 * gets that many more requests in flight, each host with its own 6
 * connections in the browser.
 */
export class RequestPool extends PriorityGate {
  readonly #perHostMax: number;
  readonly #perHost: boolean;
  readonly #hosts = new Set<string>();
  #max: number;
  #limit: number;
  #successes = 0;
  #lastCut = Number.NEGATIVE_INFINITY;

  constructor(limit: number, { perHost = false } = {}) {
    super();
    this.#perHostMax = Math.max(1, limit);
    this.#perHost = perHost;
    this.#max = this.#perHostMax;
    this.#limit = this.#max;
  }

  /** A request is about to go to `host`; a host not seen before raises the maximum (with `perHost`). */
  sawHost(host: string): void {
    if (!this.#perHost || this.#hosts.has(host)) return;
    this.#hosts.add(host);
    const max = this.#perHostMax * Math.min(this.#hosts.size, MAX_HOSTS);
    this.#limit += max - this.#max;
    this.#max = max;
    this.next();
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

/** Host names counted at most: beyond a few, the page's own CPU and the uplink are the limit, not connections. */
const MAX_HOSTS = 4;

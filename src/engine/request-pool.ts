import type { StorageTransport } from '../protocol/types.js';
import { PriorityGate } from './priority-gate.js';

/**
 * Caps the requests in flight to storage. Browsers open at most 6 HTTP/1.1
 * connections per host; queuing more only hides them in the network stack
 * where they cannot be canceled or prioritised. Over HTTP/2 or HTTP/3 one
 * connection carries many requests at once, so a multiplexing host gets more
 * (`multiplexedLimit`, 24 by default). Lower `priority` runs first, so the
 * files added first finish first.
 *
 * The cap adapts (AIMD, as TCP does): a throttling answer (503 SlowDown,
 * 429) halves it, at most once a second; each `limit` successes add one
 * back, up to the maximum in force.
 *
 * With `perHost`, the maximum is the sum over the storage host names seen
 * (up to 4): each host adds 6 (HTTP/1.1) or `multiplexedLimit` (HTTP/2, 3),
 * never more than a cap the store documents (`transport.maxInFlight`). What a
 * host speaks comes from the signer (`transport` on each signed URL, from its
 * store table) and, where the store sends `Timing-Allow-Origin`, from what
 * the browser saw (Resource Timing's `nextHopProtocol`), which wins. Without
 * `perHost` (the app set `maxConcurrentRequests`) the cap is the app's.
 */
export class RequestPool extends PriorityGate {
  readonly #perHostMax: number;
  readonly #multiplexedMax: number;
  readonly #perHost: boolean;
  /** Per host: [multiplexes, answers seen without a protocol (-1: the browser told us), the store's own cap]. */
  readonly #hosts = new Map<string, [boolean, number, number?]>();
  #max: number;
  #limit: number;
  #successes = 0;
  #lastCut = Number.NEGATIVE_INFINITY;
  #observer: PerformanceObserver | undefined;

  constructor(limit: number, { perHost = false, multiplexedLimit = MULTIPLEXED_PER_HOST } = {}) {
    super();
    this.#perHostMax = Math.max(1, limit);
    this.#multiplexedMax = Math.max(this.#perHostMax, multiplexedLimit);
    this.#perHost = perHost;
    this.#max = this.#perHostMax;
    this.#limit = this.#max;
  }

  /**
   * A request is about to go to `host`, signed with this `transport` hint.
   * With `perHost`, a host not seen before raises the maximum, and a host
   * the signer says multiplexes raises it further.
   */
  sawHost(host: string, transport?: StorageTransport): void {
    if (!this.#perHost) return;
    const state = this.#hosts.get(host);
    if (state && (state[1] < 0 || !transport)) return;
    this.#hosts.set(host, [multiplexes(transport?.protocol), state?.[1] ?? 0, transport?.maxInFlight]);
    this.#resize();
    // Resource Timing tells the protocol of each finished request (main thread or worker; absent elsewhere).
    if (!this.#observer && typeof PerformanceObserver !== 'undefined') {
      try {
        this.#observer = new PerformanceObserver((list) => {
          for (const entry of list.getEntries() as PerformanceResourceTiming[])
            this.sawProtocol(new URL(entry.name).host, entry.nextHopProtocol);
        });
        this.#observer.observe({ type: 'resource' });
      } catch {
        // No Resource Timing here: the signer's word stands.
      }
    }
  }

  /**
   * What the browser saw for a request to `host` (Resource Timing's
   * `nextHopProtocol`; empty without `Timing-Allow-Origin`). Called by the
   * pool's own observer; public for hosts that learn it another way.
   */
  sawProtocol(host: string, nextHopProtocol: string): void {
    const state = this.#hosts.get(host);
    if (!state || state[1] < 0) return;
    if (nextHopProtocol) {
      this.#hosts.set(host, [multiplexes(nextHopProtocol), -1, state[2]]);
      this.#resize();
    } else state[1]++;
    // Every host told, or silent long enough (no Timing-Allow-Origin): stop watching.
    if ([...this.#hosts.values()].every(([, seen]) => seen < 0 || seen >= SILENT_ENOUGH)) {
      this.#observer?.disconnect();
      this.#observer = undefined;
    }
  }

  /** The cap in force now (≤ the maximum: the sum of the hosts' caps). */
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

  /** The maximum from the hosts seen (the first 4); a throttled cap keeps its distance below it. */
  #resize(): void {
    let max = 0;
    for (const [multiplexed, , cap] of [...this.#hosts.values()].slice(0, MAX_HOSTS)) {
      const own = multiplexed ? this.#multiplexedMax : this.#perHostMax;
      max += Math.max(1, Math.min(own, cap ?? own));
    }
    this.#limit = Math.max(1, Math.min(max, this.#limit + max - this.#max));
    this.#max = max;
    this.next();
  }
}

/** HTTP/2 or HTTP/3: many requests share one connection. */
const multiplexes = (protocol = '') => /^h[23]/.test(protocol);

/** Host names counted at most: beyond a few, the page's own CPU and the uplink are the limit, not connections. */
const MAX_HOSTS = 4;

/**
 * Requests in flight per HTTP/2 or HTTP/3 host. Small files are round-trip
 * bound: at 40 ms and 8 MiB/s per connection the bandwidth-delay product is
 * 320 KiB, 10 files of 32 KiB, and a store's own time per request adds as
 * much again; 24 covers that with room, stays under the 100 concurrent
 * streams HTTP/2 servers commonly allow (and Chromium assumes before their
 * SETTINGS), and keeps the queue in the page where it can be prioritised and
 * canceled. Measured against 12 and 48: BENCHMARKS.md.
 */
export const MULTIPLEXED_PER_HOST = 24;

/** Answers without a protocol (no `Timing-Allow-Origin`) after which a host is no longer watched. */
const SILENT_ENOUGH = 8;

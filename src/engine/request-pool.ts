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
  readonly #hosts = new Map<string, HostState>();
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
    let state = this.#hosts.get(host);
    if (state && (state.observed || !transport || sameHint(state, transport))) return;
    if (!state) {
      state = { multiplexed: false, observed: false, silent: 0 };
      this.#hosts.set(host, state);
    }
    state.multiplexed = transport ? isMultiplexed(transport.protocol) : false;
    if (transport?.maxInFlight !== undefined) state.cap = transport.maxInFlight;
    this.#resize();
    this.#watch();
  }

  /**
   * What the browser saw for a request to `host` (Resource Timing's
   * `nextHopProtocol`; empty without `Timing-Allow-Origin`). Called by the
   * pool's own observer; public for hosts that learn it another way.
   */
  sawProtocol(host: string, nextHopProtocol: string): void {
    const state = this.#hosts.get(host);
    if (!state || state.observed) return;
    if (!nextHopProtocol) {
      state.silent++;
    } else {
      state.observed = true;
      state.multiplexed = isMultiplexed(nextHopProtocol);
      this.#resize();
    }
    if ([...this.#hosts.values()].every((entry) => entry.observed || entry.silent >= SILENT_ENOUGH)) this.#unwatch();
  }

  /** The cap in force now (≤ the maximum). */
  get limit(): number {
    return this.#limit;
  }

  /** The maximum in force: the sum of the hosts' caps. */
  get maximum(): number {
    return this.#max;
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

  /** The maximum from the hosts seen; a throttled cap keeps its distance below it. */
  #resize(): void {
    let max = 0;
    let counted = 0;
    for (const state of this.#hosts.values()) {
      if (counted++ >= MAX_HOSTS) break;
      const own = state.multiplexed ? this.#multiplexedMax : this.#perHostMax;
      max += Math.max(1, Math.min(own, state.cap ?? own));
    }
    max = Math.max(1, max);
    this.#limit = Math.max(1, Math.min(max, this.#limit + max - this.#max));
    this.#max = max;
    this.next();
  }

  /** Watches Resource Timing for the protocol each storage request went over (main thread or worker; absent elsewhere). */
  #watch(): void {
    if (this.#observer || typeof PerformanceObserver === 'undefined') return;
    if (!PerformanceObserver.supportedEntryTypes?.includes('resource')) return;
    if ([...this.#hosts.values()].every((entry) => entry.observed || entry.silent >= SILENT_ENOUGH)) return;
    try {
      const observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
          if (entry.initiatorType !== 'xmlhttprequest' && entry.initiatorType !== 'fetch') continue;
          let host: string;
          try {
            host = new URL(entry.name).host;
          } catch {
            continue;
          }
          this.sawProtocol(host, entry.nextHopProtocol);
        }
      });
      observer.observe({ type: 'resource' });
      this.#observer = observer;
    } catch {
      // No Resource Timing here: the signer's word stands.
    }
  }

  #unwatch(): void {
    this.#observer?.disconnect();
    this.#observer = undefined;
  }
}

interface HostState {
  /** HTTP/2 or HTTP/3: many requests share one connection. */
  multiplexed: boolean;
  /** The browser told us (Resource Timing); the signer's hints no longer change it. */
  observed: boolean;
  /** Requests seen finished with an empty `nextHopProtocol` (no `Timing-Allow-Origin`). */
  silent: number;
  /** The store's own cap on requests in flight. */
  cap?: number;
}

function isMultiplexed(protocol: string): boolean {
  return protocol === 'h2' || protocol.startsWith('h3');
}

function sameHint(state: HostState, transport: StorageTransport): boolean {
  return state.multiplexed === isMultiplexed(transport.protocol) && state.cap === transport.maxInFlight;
}

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

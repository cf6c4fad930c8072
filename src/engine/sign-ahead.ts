import { PriorityGate } from './priority-gate.js';

/**
 * How many single-PUT files may hold a presigned URL before their turn at a
 * connection. Signing a file only when a connection frees up costs each file
 * one endpoint round trip on the critical path, and files that free up one by
 * one are signed one by one. Signing a window ahead hides that round trip
 * behind the PUTs in flight, and refilling the window only once it is half
 * empty lets one `presign-put` call carry many files.
 *
 * The window is bounded (in files) so that URLs are not signed long before
 * use: a URL that still expires while queued is re-signed before it is sent.
 */
export class SignAheadWindow extends PriorityGate {
  readonly #size: number;
  #refilling = true;

  constructor(size = DEFAULT_SIGN_AHEAD) {
    super();
    this.#size = Math.max(1, size);
  }

  protected mayStart(active: number): boolean {
    // Hysteresis: stop at a full window, start again at half.
    if (active >= this.#size) this.#refilling = false;
    else if (active <= this.#size / 2) this.#refilling = true;
    return this.#refilling;
  }
}

/** Files signed ahead at most: enough to keep 6–12 connections busy through two endpoint round trips, few enough that URLs are used within seconds. */
export const DEFAULT_SIGN_AHEAD = 64;

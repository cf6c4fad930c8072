import type { FileContext } from '../protocol/types.js';
import type { MultipartProgress } from './transfer.js';

/** A file's multipart upload in this page: what a retry, a resume or an abort needs. */
export interface MultipartEntry {
  /** What the signer is told about the file (a resumed upload keeps the first page's). */
  file: FileContext;
  current?: MultipartProgress;
  /** The file's fingerprint, when uploads are remembered across reloads. */
  fingerprint?: string;
}

/** Why a running file was stopped: a pause waits to go on; the others end it. */
export type StopReason = 'pause' | 'cancel' | 'remove' | 'destroy';

/**
 * One file's upload in this page, from its first start until it is stored,
 * canceled or removed: the controller of its requests, why it was stopped,
 * the wait of a pause, and the multipart upload that a retry, a resume or an
 * abort needs. Its status lives on the Uppy file (file-state.ts); this holds
 * what cannot live in state — a controller, a promise, a handle in use.
 *
 * ```
 * queued → running ⇄ paused (stop('pause') / resume())
 *            ↓ stop('cancel' | 'remove' | 'destroy'), success or failure
 *          ended (a failed task keeps its multipart upload for a retry)
 * ```
 */
export class FileTask {
  readonly id: string;
  /** Lower runs first: files started earlier get connections first. */
  priority = 0;
  /** Aborts the file's requests in flight; a new one after each pause. */
  controller = new AbortController();
  /** Set by `stop`; cleared by `resume` when it was a pause. */
  reason: StopReason | undefined;
  /** The upload loop runs (uploading or paused). */
  running = false;
  /** Paused because the browser went offline, not by the user: resumed when it is back. */
  offline = false;
  /** What the signer was told about the file, and its multipart upload in progress with the parts stored; made at the first attempt. */
  multipart: MultipartEntry | undefined;
  #resumed: { promise: Promise<void>; resolve: () => void } | undefined;

  constructor(id: string) {
    this.id = id;
  }

  /** Stops the running transfer. A cancel or removal overrides a pause; a pause never overrides them. Returns whether anything changed. */
  stop(reason: StopReason): boolean {
    if (!this.running || (reason === 'pause' && this.reason)) return false;
    this.reason = reason;
    this.controller.abort();
    if (reason !== 'pause') this.#resumed?.resolve();
    return true;
  }

  /** Lets a paused transfer go on. */
  resume(): void {
    if (this.reason !== 'pause') return;
    this.reason = undefined;
    this.offline = false;
    this.#resumed?.resolve();
  }

  /** Waits while paused; then the next attempt gets a fresh controller. */
  async waitWhilePaused(): Promise<void> {
    let resolve = () => {};
    const promise = new Promise<void>((done) => {
      resolve = done;
    });
    this.#resumed = { promise, resolve };
    await promise;
    this.#resumed = undefined;
    this.controller = new AbortController();
  }
}

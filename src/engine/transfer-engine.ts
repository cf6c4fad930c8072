import type { SignClient } from '../protocol/client.js';
import type { ChecksumAlgorithm, FileContext, MultipartHandle } from '../protocol/types.js';
import { FormPostPolicy } from './form-post.js';
import { RequestPool } from './request-pool.js';
import type { RetryOptions } from './retry.js';
import { DEFAULT_SIGN_AHEAD, SignAheadWindow } from './sign-ahead.js';
import { singlePut } from './single-put.js';
import type { MultipartProgress, SendFunction, TransferContext, TransferResult } from './transfer.js';

/** Every setting of a transfer, resolved: `pluginOptions` (transfer-options.ts) fills in the defaults. */
export interface TransferSettings {
  client: SignClient;
  multipartThreshold: number;
  /** Preferred part size; absent, it grows with the file (`defaultPartSize`). */
  partSize?: number;
  maxConcurrentRequests: number;
  /** `maxConcurrentRequests` is per storage host name (several when the signer has alternate endpoints). */
  concurrencyPerHost: boolean;
  /** Files up to this size go up as form POSTs (no CORS preflight, no progress); 0 turns it off. */
  formPostMaxSize: number;
  signBatchSize: number;
  retry: RetryOptions;
  /** Least time between two progress reports of one file, ms. */
  progressIntervalMs: number;
  /** A request with no progress for this long is aborted and retried, ms. */
  stallTimeoutMs: number;
  /** Retries one file may spend in all. */
  fileRetryBudget: number;
  /** Digest every single PUT with this algorithm (the server's `checksum`). */
  checksum?: ChecksumAlgorithm;
}

/** One file's transfer. */
export interface TransferJob {
  data: Blob;
  file: FileContext;
  /** Lower runs first: files added earlier get connections first. */
  priority: number;
  /** Aborted when the file is canceled, paused or removed. */
  signal: AbortSignal;
  /** A multipart upload's stored parts, kept across attempts so that a retry or resume sends only the rest. */
  multipart: { current?: MultipartProgress };
  /** Told when a multipart upload was created (to remember it for a resume). */
  onCreated?: (upload: MultipartHandle) => void;
  /** Bytes already reported for this file; progress never goes below it. */
  reported?: number;
  /** Bytes stored or in flight: never backwards, at most every `progressIntervalMs` (a file that finishes is complete whatever was last reported). */
  onProgress: (bytesUploaded: number) => void;
  /** Told whenever a storage request of this file got its connection (a file queued behind others has none yet). */
  onSending?: () => void;
}

/**
 * The transfer engine the browser plugin and the CLI share: the services
 * every file uses (signing client, request pool, sign-ahead window, form
 * policy, retry and stall settings) made once, and `run` for one file's job.
 * The host supplies `send`: XMLHttpRequest in browsers, node:http in Node.
 */
export class TransferEngine {
  readonly settings: TransferSettings;
  readonly #send: SendFunction;
  readonly #pool: RequestPool;
  readonly #signAhead: SignAheadWindow;
  /** One for the session: a store that refuses one form POST refuses them all. */
  readonly #formPost: FormPostPolicy;

  constructor(settings: TransferSettings, send: SendFunction) {
    this.settings = settings;
    this.#send = send;
    this.#pool = new RequestPool(settings.maxConcurrentRequests, { perHost: settings.concurrencyPerHost });
    this.#formPost = new FormPostPolicy(settings.formPostMaxSize);
    this.#signAhead = new SignAheadWindow(Math.max(DEFAULT_SIGN_AHEAD, settings.maxConcurrentRequests * 4));
  }

  /**
   * Whether a file of `size` bytes goes up as a multipart upload with these
   * settings (rather than one request). Its part size is chosen by the
   * multipart code, loaded with the first such file (`requestedPartSize`).
   */
  isMultipart(size: number): boolean {
    return size > this.settings.multipartThreshold;
  }

  /** Uploads one file; rejects with an UploadError (a canceled one when `signal` aborts). */
  async run(job: TransferJob): Promise<TransferResult> {
    const { progressIntervalMs } = this.settings;
    let reported = job.reported ?? 0;
    let lastReport = 0;
    let trailing: ReturnType<typeof setTimeout> | undefined;
    const report = () => {
      trailing = undefined;
      lastReport = Date.now();
      if (!job.signal.aborted) job.onProgress(reported);
    };
    const context: TransferContext = {
      client: this.settings.client,
      send: this.#send,
      formPost: this.#formPost,
      storagePool: this.#pool,
      signAhead: this.#signAhead,
      priority: job.priority,
      signal: job.signal,
      data: job.data,
      file: job.file,
      retry: this.settings.retry,
      retryBudget: { remaining: this.settings.fileRetryBudget },
      stallTimeoutMs: this.settings.stallTimeoutMs,
      onSending: job.onSending,
      ...(this.settings.checksum ? { checksum: this.settings.checksum } : {}),
      // Never backwards: a retried part's lost bytes are made up before the bar moves again.
      onProgress: (bytes) => {
        if (bytes <= reported) return;
        reported = bytes;
        const wait = progressIntervalMs - (Date.now() - lastReport);
        if (wait <= 0) report();
        else trailing ??= setTimeout(report, wait);
      },
    };
    try {
      if (!this.isMultipart(job.data.size)) return await singlePut(context);
      // Multipart code loads with the first file above the threshold: apps that upload small files never download it.
      const { multipartUpload } = await import('./multipart.js');
      return await multipartUpload(
        context,
        {
          ...(this.settings.partSize !== undefined ? { partSize: this.settings.partSize } : {}),
          signBatchSize: this.settings.signBatchSize,
          ...(job.onCreated ? { onCreated: job.onCreated } : {}),
        },
        job.multipart,
      );
    } finally {
      clearTimeout(trailing);
    }
  }

  /** Aborts a multipart upload on the server (with the engine's retry policy). */
  abort(file: FileContext, upload: MultipartHandle): Promise<void> {
    return import('./multipart.js').then(({ abortMultipart }) =>
      abortMultipart({ client: this.settings.client, retry: this.settings.retry, file }, upload),
    );
  }
}

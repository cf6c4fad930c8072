import { canceledError, isRetryableStatus, onAbort, UploadError } from './errors.js';
import { redactPresigned } from './redact.js';
import { type FileContext, type Operation, PROTOCOL_VERSION, type PresignPutResult, type ResponseFor, type SignRequest } from './types.js';
import { MalformedResponseError, protocolError, validateResponse } from './validate-response.js';

/**
 * An app's own transport to its signer, used instead of an HTTP endpoint:
 * it receives the protocol request and returns the endpoint's JSON answer
 * (or throws). Answers are validated exactly like HTTP answers.
 */
export type SignTransport = (request: SignRequest, init: { signal: AbortSignal }) => Promise<unknown>;

export interface SignClientOptions {
  /** The signing endpoint's URL, or a function that reaches the signer some other way. */
  signUrl: string | SignTransport;
  /** Extra headers for every endpoint call (auth); a function is called per request. */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>);
  /** Cookie policy for endpoint calls. Default `'same-origin'`. */
  credentials?: RequestCredentials;
  /** Time allowed for one endpoint call before it counts as failed. Default 30 000 ms. */
  timeoutMs?: number;
  /** How many `presign-put` files one request may carry. Default 50, protocol maximum 100. */
  maxBatchSize?: number;
  /**
   * Lifetime to ask for the URLs the endpoint signs (`presign-put`,
   * `sign-parts`), seconds: shorter than the endpoint's own (default 600)
   * for a page that should hold working URLs only briefly. At least 60 (a
   * URL with less than 30 s left is signed again); the endpoint refuses one
   * longer than its own (`expiry_too_long`). Default: the endpoint's.
   */
  expiresIn?: number;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A protocol request without the version field, which the client adds. */
export type SignCall = DistributiveOmit<SignRequest, 'v'>;

interface PendingPresign {
  file: FileContext;
  post: boolean;
  signal: AbortSignal;
  resolve: (result: PresignPutResult) => void;
  reject: (error: unknown) => void;
}

/** Checks the options; answers the endpoint's name, for messages. */
function checkOptions(options: SignClientOptions): string {
  const { expiresIn } = options;
  if (expiresIn !== undefined && !(expiresIn >= 60)) throw new RangeError(`\`expiresIn\` must be 60 s or more; got ${expiresIn}.`);
  return typeof options.signUrl === 'string' ? `The signing endpoint ${options.signUrl}` : 'The signUrl function';
}

/** Talks to the app's signing endpoint: adds auth, times out, validates every answer. */
export class SignClient {
  #options: SignClientOptions;
  #endpointName: string;
  #pendingPresigns: PendingPresign[] = [];
  #clockOffsetMs = 0;

  constructor(options: SignClientOptions) {
    this.#options = options;
    this.#endpointName = checkOptions(options);
  }

  /** Later calls go to the new endpoint, with the new headers and credentials. */
  setOptions(options: SignClientOptions): void {
    this.#options = options;
    this.#endpointName = checkOptions(options);
  }

  /**
   * The server's clock, as far as the endpoint's `Date` header tells (to the
   * second). URL expiry times are the server's; judging them by a skewed
   * browser clock would re-sign too early or use URLs already dead.
   */
  now(): number {
    return Date.now() + this.#clockOffsetMs;
  }

  /** How far the browser's clock is behind the server's, ms (negative when ahead). */
  get clockOffsetMs(): number {
    return this.#clockOffsetMs;
  }

  /** Sends one protocol request and returns its validated answer. */
  async send<O extends Operation>(call: Extract<SignCall, { operation: O }>, signal?: AbortSignal): Promise<ResponseFor[O]> {
    const { expiresIn } = this.#options;
    const request = {
      v: PROTOCOL_VERSION,
      ...(expiresIn && (call.operation === 'presign-put' || call.operation === 'sign-parts') ? { expiresIn } : {}),
      ...call,
    } as SignRequest;
    const body = await this.#exchange(request, signal);
    try {
      return validateResponse(call.operation as O, body);
    } catch (error) {
      if (!(error instanceof MalformedResponseError)) throw error;
      throw this.#malformed(call.operation, error);
    }
  }

  #malformed(operation: Operation, error: MalformedResponseError): UploadError {
    return new UploadError({
      code: 'endpoint_malformed',
      message: `${this.#endpointName} answered "${operation}" with an invalid response: ${error.message}. Check that it implements protocol v1 (docs/protocol.md).`,
      retryable: false,
      cause: error,
    });
  }

  /**
   * Presigns a single PUT for one file. Calls made in the same tick share one
   * endpoint request, so adding 300 small files costs a handful of round trips.
   * With `post`, the server may answer a form POST instead (no CORS preflight).
   */
  presignPut(file: FileContext, signal: AbortSignal, post = false): Promise<PresignPutResult> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(canceledError());
      this.#pendingPresigns.push({ file, post, signal, resolve, reject });
      if (this.#pendingPresigns.length === 1) setTimeout(() => this.#flushPresigns(), 0);
    });
  }

  #flushPresigns(): void {
    const pending = this.#pendingPresigns.filter((entry) => !entry.signal.aborted);
    for (const entry of this.#pendingPresigns) if (entry.signal.aborted) entry.reject(canceledError());
    this.#pendingPresigns = [];
    const batchSize = Math.min(100, Math.max(1, this.#options.maxBatchSize ?? 50));
    for (const post of [true, false]) {
      const group = pending.filter((entry) => entry.post === post);
      for (let start = 0; start < group.length; start += batchSize) this.#presignBatch(group.slice(start, start + batchSize), post);
    }
  }

  #presignBatch(batch: PendingPresign[], post: boolean): void {
    // A batch is only abandoned when every file in it was canceled.
    const controller = new AbortController();
    let live = batch.length;
    for (const entry of batch) {
      entry.signal.addEventListener('abort', () => (--live === 0 ? controller.abort() : undefined), { once: true });
    }
    this.send({ operation: 'presign-put', files: batch.map((entry) => entry.file), ...(post ? { post } : {}) }, controller.signal).then(
      ({ results }) => {
        if (results.length !== batch.length) {
          const error = new UploadError({
            code: 'endpoint_malformed',
            message: `${this.#endpointName} answered "presign-put" with ${results.length} results for ${batch.length} files.`,
            retryable: false,
          });
          for (const entry of batch) entry.reject(error);
          return;
        }
        // A malformed result fails its own file (validate-response.ts isolates each); the others are signed.
        for (const [index, entry] of batch.entries()) {
          const result: unknown = results[index];
          if (result instanceof MalformedResponseError) entry.reject(this.#malformed('presign-put', result));
          else entry.resolve(result as PresignPutResult);
        }
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(entry.signal.aborted ? canceledError() : error);
      },
    );
  }

  async #exchange(request: SignRequest, signal?: AbortSignal): Promise<unknown> {
    if (signal?.aborted) throw canceledError();
    const timeoutMs = this.#options.timeoutMs ?? 30_000;
    const controller = new AbortController();
    const stopListening = onAbort(signal, () => controller.abort());
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    try {
      const { signUrl } = this.#options;
      // A function that ignores its signal still times out: its answer is raced against the abort.
      if (typeof signUrl === 'function') {
        return await Promise.race([
          signUrl(request, { signal: controller.signal }),
          new Promise<never>((_, reject) => onAbort(controller.signal, () => reject(new Error('aborted')))),
        ]);
      }
      return await this.#post(signUrl, request, controller.signal);
    } catch (error) {
      if (signal?.aborted) throw canceledError();
      if (timedOut) {
        throw new UploadError({
          code: 'endpoint_timeout',
          message: `${this.#endpointName} did not answer "${request.operation}" within ${timeoutMs / 1000} s.`,
          retryable: true,
          cause: error,
        });
      }
      if (error instanceof UploadError) throw error;
      throw new UploadError({
        code: 'endpoint_unreachable',
        message: `${this.#endpointName} could not be reached for "${request.operation}": ${errorText(error)}.`,
        retryable: true,
        cause: error,
      });
    } finally {
      clearTimeout(timer);
      stopListening();
    }
  }

  #observeClock(date: string | null): void {
    const serverTime = date ? Date.parse(date) : Number.NaN;
    if (Number.isNaN(serverTime)) return;
    const offset = serverTime - Date.now();
    // The header has one-second resolution: smaller differences are noise.
    this.#clockOffsetMs = Math.abs(offset) > 2000 ? offset : 0;
  }

  async #post(url: string, request: SignRequest, signal: AbortSignal): Promise<unknown> {
    const { headers, credentials = 'same-origin' } = this.#options;
    const extraHeaders = typeof headers === 'function' ? await headers() : headers;
    const requestHeaders = new Headers(extraHeaders);
    requestHeaders.set('content-type', 'application/json');
    requestHeaders.set('accept', 'application/json');
    const response = await fetch(url, {
      method: 'POST',
      headers: requestHeaders,
      body: JSON.stringify(request),
      credentials,
      signal,
      // An abort sent while the page unloads must outlive the page (no orphaned multipart uploads).
      keepalive: request.operation === 'abort-multipart',
    });
    const text = await response.text();
    this.#observeClock(response.headers.get('date'));
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      let serverError: ReturnType<typeof protocolError> | undefined;
      try {
        serverError = protocolError((body as { error?: unknown } | undefined)?.error, 'error');
      } catch {
        serverError = undefined;
      }
      throw new UploadError({
        code: 'endpoint_refused',
        status: response.status,
        serverCode: serverError?.code,
        message: serverError
          ? `${this.#endpointName} refused "${request.operation}" (${response.status} ${serverError.code}): ${redactPresigned(serverError.message)}`
          : `${this.#endpointName} answered "${request.operation}" with HTTP ${response.status}${text ? `: ${truncate(text)}` : ''}.`,
        retryable: isRetryableStatus(response.status),
      });
    }
    if (body === undefined) {
      throw new UploadError({
        code: 'endpoint_malformed',
        status: response.status,
        message: `${this.#endpointName} answered "${request.operation}" with ${text ? `non-JSON content: ${truncate(text)}` : 'an empty body'}; expected JSON (docs/protocol.md).`,
        retryable: false,
      });
    }
    return body;
  }
}

/** An answer's text for a message: one line, short, and never a presigned URL (a credential) an endpoint echoed. */
function truncate(text: string, max = 120): string {
  const oneLine = redactPresigned(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, TLS) is its cause.
  const cause = error.cause instanceof Error ? error.cause.message : undefined;
  return cause && cause !== error.message ? `${error.message} (${cause})` : error.message;
}

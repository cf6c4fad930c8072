import type { ErrorCode } from './types.js';

/** Where an upload failed, as codes apps can branch on. */
export type UploadErrorCode =
  /** The signing endpoint refused the request (its own stable code is in `serverCode`). */
  | 'endpoint_refused'
  /** The signing endpoint answered something that is not a valid protocol answer. */
  | 'endpoint_malformed'
  /** The signing endpoint did not answer in time. */
  | 'endpoint_timeout'
  /** The signing endpoint could not be reached. */
  | 'endpoint_unreachable'
  /** The storage (S3) refused a request; `status` and `storageCode` say how. */
  | 'storage_refused'
  /** The storage could not be reached, or the connection dropped. */
  | 'storage_unreachable'
  /** A request to the storage moved no byte for `stallTimeoutMs` and was given up. */
  | 'storage_stalled'
  /** The file could not be read: it changed, moved or was deleted since it was chosen. Choosing it again may work; retrying will not. */
  | 'file_unreadable'
  /** A fault in this library or the page, not in the network, the endpoint or the storage (the `cause` says what). */
  | 'internal_error'
  /** The upload was canceled. */
  | 'canceled';

export interface UploadErrorDetails {
  code: UploadErrorCode;
  message: string;
  /** HTTP status, when an HTTP answer caused the error. */
  status?: number;
  /** The endpoint's protocol error code, for `endpoint_refused`. */
  serverCode?: ErrorCode;
  /** S3's error code (e.g. `SlowDown`, `AccessDenied`), for `storage_refused`. */
  storageCode?: string;
  /** Whether trying again may succeed (network errors, timeouts, 5xx, 429). */
  retryable: boolean;
  cause?: unknown;
}

/** Every failure the client reports is an UploadError with a stable `code` and a message for people. */
export class UploadError extends Error {
  readonly code: UploadErrorCode;
  readonly status?: number;
  readonly serverCode?: ErrorCode;
  readonly storageCode?: string;
  readonly retryable: boolean;

  constructor(details: UploadErrorDetails) {
    super(details.message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'UploadError';
    this.code = details.code;
    this.status = details.status;
    this.serverCode = details.serverCode;
    this.storageCode = details.storageCode;
    this.retryable = details.retryable;
  }
}

/** True for HTTP statuses worth retrying: 408, 429 and 5xx. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export function canceledError(): UploadError {
  return new UploadError({ code: 'canceled', message: 'Upload canceled.', retryable: false });
}

/** Calls `listener` once when `signal` aborts; answers the function that stops listening. */
export function onAbort(signal: AbortSignal | undefined, listener: () => void): () => void {
  signal?.addEventListener('abort', listener, { once: true });
  return () => signal?.removeEventListener('abort', listener);
}

export function isCanceled(error: unknown): boolean {
  return error instanceof UploadError && error.code === 'canceled';
}

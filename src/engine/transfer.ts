import type { SignClient } from '../protocol/client.js';
import type { ChecksumAlgorithm, FileContext, MultipartHandle, SignedRequest } from '../protocol/types.js';
import type { FormPostPolicy } from './form-post.js';
import type { RequestPool } from './request-pool.js';
import type { RetryBudget, RetryOptions } from './retry.js';
import type { SignAheadWindow } from './sign-ahead.js';

export interface SendResult {
  /** The ETag response header, or null when CORS hides it. */
  etag: string | null;
}

/**
 * Sends one presigned request with the file's bytes: a PUT, or a form POST
 * where the signer handed out a form. XMLHttpRequest in browsers (the only
 * API with upload progress), node:http in Node (the CLI, PUTs only).
 * Rejects with an UploadError.
 */
export type SendFunction = (
  request: SignedRequest,
  body: Blob,
  signal: AbortSignal,
  onProgress: (loaded: number) => void,
) => Promise<SendResult>;

/** What one file's transfer needs from the uploader around it. */
export interface TransferContext {
  client: SignClient;
  send: SendFunction;
  /** Shared cap on requests in flight to the storage. */
  storagePool: RequestPool;
  /** Admits single-PUT files to be signed ahead of their turn, batched (absent: sign when a connection is free). */
  signAhead?: SignAheadWindow;
  /** Lower runs first: files added earlier get connections first. */
  priority: number;
  /** Aborted when the file is canceled, paused or removed. */
  signal: AbortSignal;
  data: Blob;
  file: FileContext;
  retry: RetryOptions;
  /** Retries this file may still spend, across all its requests. */
  retryBudget?: RetryBudget;
  /** A PUT that reports no progress for this long is aborted and retried. */
  stallTimeoutMs: number;
  /** Which files may go up as form POSTs, which need no CORS preflight; shared by the session (absent: never). */
  formPost?: FormPostPolicy;
  /** Digest for single PUTs when the server requires integrity (multipart uploads follow their handle). */
  checksum?: ChecksumAlgorithm;
  /** Computes a base64 digest. Default `lazyDigest`: a Web Worker in browsers, in place elsewhere. */
  digest?: (algorithm: ChecksumAlgorithm, blob: Blob) => Promise<string>;
  /** Bytes of this file stored or in flight so far. May dip after a failed attempt; the caller keeps it monotonic. */
  onProgress: (bytesUploaded: number) => void;
  /** Told whenever a storage request of this file got its connection: the file is sending, no longer waiting its turn. */
  onSending?: (() => void) | undefined;
}

export interface TransferResult {
  key: string;
  etag?: string;
}

/**
 * What survives a paused or failed multipart transfer, so that resuming or
 * retrying sends only the parts not yet stored instead of starting over.
 */
export interface MultipartProgress {
  upload: MultipartHandle;
  /** ETags of stored parts, by part number. */
  etags: Map<number, string>;
}

/** A URL expiring within this margin is re-signed before use rather than risk a 403 mid-body. */
export const EXPIRY_MARGIN_MS = 30_000;

export function expiresSoon(expiresAt: string, now = Date.now()): boolean {
  return Date.parse(expiresAt) - now < EXPIRY_MARGIN_MS;
}

/**
 * The default `digest`: the hashing code (MD5, CRC32, the Worker around
 * them) loads on first use, so only apps whose signer requires checksums
 * download it — a bundler makes it a chunk of its own.
 */
export function lazyDigest(algorithm: ChecksumAlgorithm, blob: Blob): Promise<string> {
  return import('./digest.js').then(({ computeDigest }) => computeDigest(algorithm, blob));
}

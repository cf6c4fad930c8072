import { isRetryableStatus, UploadError } from '../protocol/errors.js';
import type { SignedRequest } from '../protocol/types.js';
import { expiresSoon } from './transfer.js';

/** S3 answers errors as XML: `<Error><Code>…</Code><Message>…</Message></Error>`. */
export function parseS3Error(xml: string): { code?: string; message?: string } {
  const pick = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  return { code: pick('Code'), message: pick('Message') };
}

/**
 * True when S3 refused a request because its presigned URL expired. AWS names
 * the expiry (ExpiredToken, RequestExpired, ExpiredRequest: `storageError`'s
 * message carries the code); Ceph RGW answers a bare AccessDenied, so a 403
 * for a URL whose own `expiresAt` has (nearly) passed counts too.
 */
export function isExpiredUrlError(error: UploadError, request?: SignedRequest, now = Date.now()): boolean {
  if (error.code !== 'storage_refused' || error.status !== 403) return false;
  if (/expired/i.test(error.message)) return true;
  return request !== undefined && expiresSoon(request.expiresAt, now);
}

/** The store asks for fewer requests: 503 SlowDown, 429, or any 503. */
export function isThrottling(error: UploadError): boolean {
  return error.code === 'storage_refused' && (error.status === 429 || error.status === 503 || error.storageCode === 'SlowDown');
}

/** The store refused a body whose digest did not match: corrupted on the way, worth sending again. */
const DIGEST_CODES = new Set(['BadDigest', 'InvalidDigest', 'XAmzContentSHA256Mismatch', 'XAmzContentChecksumMismatch']);

/** A request to the storage that got no answer the page may read. */
export function unreachableError(url: string, cause?: unknown): UploadError {
  return new UploadError({
    code: 'storage_unreachable',
    message: `The storage at ${new URL(url).origin} could not be reached, or the connection dropped (a missing CORS rule for this origin and method looks the same to the browser).`,
    retryable: true,
    ...(cause === undefined ? {} : { cause }),
  });
}

export function storageError(status: number, body: string): UploadError {
  const { code, message } = parseS3Error(body);
  const what = code ? `${code}${message ? `: ${message}` : ''}` : `HTTP ${status}`;
  // 412 on a create-only URL: an object is already stored under this key.
  const why = status === 412 ? ' An object already exists under this key, and upload URLs are create-only.' : '';
  return new UploadError({
    code: 'storage_refused',
    status,
    storageCode: code,
    message: `The storage refused the upload (${status} ${what}).${why}`,
    // 501 Not Implemented says what the store cannot do (a form POST, a header), not that it is busy: never retried.
    retryable: (isRetryableStatus(status) && status !== 501) || DIGEST_CODES.has(code ?? ''),
  });
}

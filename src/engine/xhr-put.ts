import { canceledError, isRetryableStatus, UploadError } from '../protocol/errors.js';
import type { SignedRequest } from '../protocol/types.js';

export interface PutResult {
  /** The ETag response header, or null when CORS hides it. */
  etag: string | null;
}

/**
 * Sends one PUT of `body` to a presigned URL with XMLHttpRequest, the only
 * browser API that reports upload progress over HTTP/1.1.
 * `onProgress` receives the bytes of this request sent so far.
 */
export function xhrPut(request: SignedRequest, body: Blob, signal: AbortSignal, onProgress: (loaded: number) => void): Promise<PutResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(canceledError());
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);

    xhr.open('PUT', request.url, true);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size);
        resolve({ etag: xhr.getResponseHeader('ETag') });
        return;
      }
      reject(storageError(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => {
      settle();
      reject(
        new UploadError({
          code: 'storage_unreachable',
          message: `The storage at ${new URL(request.url).origin} could not be reached, or the connection dropped (a CORS rule missing for this origin looks the same to the browser).`,
          retryable: true,
        }),
      );
    };
    xhr.onabort = () => {
      settle();
      reject(canceledError());
    };
    xhr.send(body);
  });
}

/** S3 answers errors as XML: `<Error><Code>…</Code><Message>…</Message></Error>`. */
export function parseS3Error(xml: string): { code?: string; message?: string } {
  const pick = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  return { code: pick('Code'), message: pick('Message') };
}

const EXPIRED_CODES = new Set(['ExpiredToken', 'RequestExpired', 'ExpiredRequest']);

/** True when S3 refused a request because its presigned URL expired. */
export function isExpiredUrlError(error: UploadError): boolean {
  if (error.code !== 'storage_refused' || error.status !== 403) return false;
  return EXPIRED_CODES.has(error.storageCode ?? '') || /expired/i.test(error.message);
}

function storageError(status: number, body: string): UploadError {
  const { code, message } = parseS3Error(body);
  const what = code ? `${code}${message ? `: ${message}` : ''}` : `HTTP ${status}`;
  return new UploadError({
    code: 'storage_refused',
    status,
    storageCode: code,
    message: `The storage refused the upload (${status} ${what}).`,
    retryable: isRetryableStatus(status),
  });
}

import { canceledError } from '../protocol/errors.js';
import type { SignedRequest } from '../protocol/types.js';
import { storageError, unreachableError } from './storage-errors.js';
import type { PutResult } from './transfer.js';

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
      reject(unreachableError(request.url));
    };
    xhr.onabort = () => {
      settle();
      reject(canceledError());
    };
    xhr.send(body);
  });
}

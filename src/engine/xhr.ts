import { canceledError } from '../protocol/errors.js';
import type { SignedRequest } from '../protocol/types.js';
import { storageError, unreachableError } from './storage-errors.js';
import type { SendFunction, SendResult } from './transfer.js';

/**
 * Sends one presigned PUT of `body` with XMLHttpRequest, the only browser API
 * that reports upload progress over HTTP/1.1.
 * `onProgress` receives the bytes of this request sent so far.
 */
function xhrPut(request: SignedRequest, body: Blob, signal: AbortSignal, onProgress: (loaded: number) => void): Promise<SendResult> {
  return xhrSend('PUT', request, body, signal, onProgress).then((result) => {
    onProgress(body.size);
    return result;
  });
}

/**
 * Sends a small file as an S3 POST Object form. A form POST with no custom
 * headers and no upload listener is a CORS "simple request": the browser
 * sends it without the OPTIONS preflight every presigned PUT pays, which
 * halves the round trips per small file. There is no upload progress (an
 * upload listener would bring the preflight back), so `onProgress` hears only
 * the end — which is why only small files go this way. XMLHttpRequest rather
 * than fetch: Chromium's fetch spent 3× the main-thread time serializing the
 * form (BENCHMARKS.md).
 */
function formPost(request: SignedRequest, body: Blob, signal: AbortSignal, onProgress: (loaded: number) => void): Promise<SendResult> {
  const form = new FormData();
  for (const [name, value] of Object.entries(request.fields ?? {})) form.append(name, value);
  form.append('file', body);
  return xhrSend('POST', request, form, signal).then((result) => {
    onProgress(body.size);
    return result;
  });
}

/** The browser's SendFunction: a signed form goes as a POST, anything else as a PUT with progress. */
export const browserSend: SendFunction = (request, body, signal, onProgress) =>
  (request.method === 'POST' ? formPost : xhrPut)(request, body, signal, onProgress);

function xhrSend(
  method: 'PUT' | 'POST',
  request: SignedRequest,
  body: Blob | FormData,
  signal: AbortSignal,
  onProgress?: (loaded: number) => void,
): Promise<SendResult> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(canceledError());
    const xhr = new XMLHttpRequest();
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    const settle = () => signal.removeEventListener('abort', onAbort);

    xhr.open(method, request.url, true);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    if (onProgress) xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) resolve({ etag: xhr.getResponseHeader('ETag') });
      else reject(storageError(xhr.status, xhr.responseText));
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

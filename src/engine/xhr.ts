import { canceledError, onAbort } from '../protocol/errors.js';
import { storageError, unreachableError } from './storage-errors.js';
import type { SendFunction } from './transfer.js';

/**
 * The browser's SendFunction, with XMLHttpRequest. A PUT reports upload
 * progress (XMLHttpRequest is the only browser API that does over HTTP/1.1);
 * `onProgress` receives the bytes of this request sent so far.
 *
 * A signed form goes as an S3 POST Object form. A form POST with no custom
 * headers and no upload listener is a CORS "simple request": the browser
 * sends it without the OPTIONS preflight every presigned PUT pays, which
 * halves the round trips per small file. There is no upload progress (an
 * upload listener would bring the preflight back), so `onProgress` hears only
 * the end — which is why only small files go this way. XMLHttpRequest rather
 * than fetch: Chromium's fetch spent 3× the main-thread time serializing the
 * form (BENCHMARKS.md).
 */
export const browserSend: SendFunction = (request, body, signal, onProgress) =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(canceledError());
    const xhr = new XMLHttpRequest();
    const settle = onAbort(signal, () => xhr.abort());

    xhr.open(request.method, request.url, true);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    let sent: Blob | FormData = body;
    if (request.method === 'POST') {
      sent = new FormData();
      for (const [name, value] of Object.entries(request.fields ?? {})) sent.append(name, value);
      sent.append('file', body);
    } else xhr.upload.onprogress = (event) => onProgress(event.loaded);
    xhr.onload = () => {
      settle();
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(body.size);
        resolve({ etag: xhr.getResponseHeader('ETag') });
      } else reject(storageError(xhr.status, xhr.responseText));
    };
    xhr.onerror = () => {
      settle();
      reject(unreachableError(request.url));
    };
    xhr.onabort = () => {
      settle();
      reject(canceledError());
    };
    xhr.send(sent);
  });

import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { storageError } from '../engine/storage-errors.js';
import type { SendFunction, SendResult } from '../engine/transfer.js';
import { canceledError, UploadError } from '../protocol/errors.js';
import type { SignedRequest } from '../protocol/types.js';

/** A connection that moves no byte for this long counts as dropped (and is retried). */
const IDLE_TIMEOUT_MS = 120_000;
/** Error bodies from S3 are small XML documents; anything past this is not read. */
const MAX_ERROR_BODY = 64 * 1024;

/**
 * The Node counterpart of browserSend (engine/xhr.ts): one PUT of `body` to a presigned URL with
 * node:http(s). The body is streamed from the (file-backed) Blob with an
 * explicit Content-Length — S3 and Ceph RGW refuse chunked uploads with 411 —
 * and `onProgress` counts the bytes handed to the socket.
 */
export const httpPut: SendFunction = (request, body, signal, onProgress) =>
  new Promise<SendResult>((resolve, reject) => {
    if (signal.aborted) return reject(canceledError());
    const url = new URL(request.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    let responded = false;
    const finish = (error: unknown, result?: SendResult) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (error) {
        if (!client.destroyed) client.destroy();
        reject(error);
      } else resolve(result as SendResult);
    };
    const onAbort = () => finish(canceledError());
    signal.addEventListener('abort', onAbort, { once: true });

    let client: ClientRequest;
    try {
      client = send(url, { method: request.method, headers: { ...request.headers, 'Content-Length': String(body.size) } });
    } catch (error) {
      // Node refuses a header name or value HTTP cannot carry (CR, LF, a space): the endpoint signed it, not us.
      signal.removeEventListener('abort', onAbort);
      settled = true;
      return reject(
        new UploadError({
          code: 'endpoint_malformed',
          message: `The signing endpoint's headers cannot be sent over HTTP (${error instanceof Error ? error.message : String(error)}).`,
          retryable: false,
        }),
      );
    }
    client.setTimeout(IDLE_TIMEOUT_MS, () => client.destroy(new Error(`no progress for ${IDLE_TIMEOUT_MS / 1000} s`)));
    client.on('response', (response: IncomingMessage) => {
      responded = true;
      readBody(response, (text) => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          onProgress(body.size);
          const etag = response.headers.etag;
          finish(undefined, { etag: typeof etag === 'string' && etag !== '' ? etag : null });
        } else finish(storageError(status, text));
      });
    });
    // A write can fail (EPIPE, reset) a moment before the storage's early answer is parsed; the answer wins.
    const failed = (error: unknown) =>
      setTimeout(() => {
        if (!responded) finish(readError(error) ?? unreachable(request, error));
      }, 100);
    client.on('error', failed);

    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        sent += chunk.length;
        callback(null, chunk);
        onProgress(sent);
      },
    });
    const source = Readable.fromWeb(body.stream() as unknown as NodeReadableStream<Uint8Array>);
    pipeline(source, counter, client).catch(failed);
  });

/** Collects a response body (capped) and hands it over once complete; a dropped answer gives what arrived. */
function readBody(response: IncomingMessage, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  response.on('data', (chunk: Buffer) => {
    if (size < MAX_ERROR_BODY) chunks.push(chunk);
    size += chunk.length;
  });
  const end = () => done(Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY));
  response.on('end', end);
  response.on('aborted', end);
  response.on('error', end);
}

/** A file that changed or vanished while it was being sent: not the network's fault, and not worth retrying. */
function readError(error: unknown): UploadError | undefined {
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown } | undefined)?.code;
  if (name !== 'NotReadableError' && code !== 'ENOENT' && code !== 'ERR_INVALID_STATE') return undefined;
  return new UploadError({
    code: 'file_unreadable',
    message: `The file could not be read while it was being sent (it changed or was removed): ${describe(error)}.`,
    retryable: false,
    cause: error,
  });
}

function unreachable(request: SignedRequest, error: unknown): UploadError {
  return new UploadError({
    code: 'storage_unreachable',
    // The origin only: the path and query of a presigned URL are a credential.
    message: `The storage at ${new URL(request.url).origin} could not be reached, or the connection dropped (${describe(error)}).`,
    retryable: true,
    cause: error,
  });
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
}

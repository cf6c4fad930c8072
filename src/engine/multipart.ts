import { canceledError, isCanceled, onAbort, UploadError } from '../protocol/errors.js';
import { S3_LIMITS } from '../protocol/limits.js';
import { choosePartSize, defaultPartSize, type PartRange, planParts } from '../protocol/part-plan.js';
import type { MultipartHandle, SignedRequest } from '../protocol/types.js';
import { withRetry } from './retry.js';
import { sendToStorage } from './storage-request.js';
import { expiresSoon, lazyDigest, type MultipartProgress, type TransferContext, type TransferResult } from './transfer.js';

export interface MultipartOptions {
  /** The app's preferred part size (`partSize`); absent, it grows with the file. See `requestedPartSize`. */
  partSize?: number;
  /** How many part URLs one `sign-parts` call fetches ahead (≤ 100). */
  signBatchSize: number;
  /** Told when the server created the upload (to remember it across reloads). */
  onCreated?: (upload: MultipartHandle) => void;
}

/**
 * The part size the client asks for: the preferred one (absent: growing with
 * the file, `defaultPartSize`), raised to stay within S3's 10,000 parts. The
 * server has the last word. Decided here, with the first multipart file,
 * rather than in the engine every upload loads.
 */
export function requestedPartSize(fileSize: number, preferred?: number): number {
  return choosePartSize(fileSize, preferred ?? defaultPartSize(fileSize));
}

/**
 * Uploads a file as an S3 multipart upload. The signing endpoint creates,
 * completes and aborts it; the browser only PUTs parts, as many at once as
 * the shared storage pool allows. `progress` carries over from a paused or
 * failed attempt, so only missing parts are sent.
 */
export async function multipartUpload(
  context: TransferContext,
  options: MultipartOptions,
  progress: { current?: MultipartProgress },
): Promise<TransferResult> {
  const { client, signal, retry } = context;
  if (!progress.current) {
    // Not cancelable mid-flight: the server may create the upload even if we stop listening,
    // and only knowing its uploadId lets a cancel abort it.
    const { upload } = await withRetry(
      () =>
        client.send({
          operation: 'create-multipart',
          file: context.file,
          partSize: requestedPartSize(context.data.size, options.partSize),
        }),
      signal,
      retry,
    );
    progress.current = { upload, etags: new Map() };
    options.onCreated?.(upload);
    if (signal.aborted) throw canceledError();
  }
  const { upload, etags } = progress.current;
  // The endpoint chose the part size: one that makes more parts than S3 holds is its mistake, not a plan to follow.
  if (Math.ceil(context.file.size / upload.partSize) > S3_LIMITS.maxParts) {
    throw new UploadError({
      code: 'endpoint_malformed',
      message: `The signing endpoint chose ${upload.partSize}-byte parts: ${context.file.size} bytes would need more than ${S3_LIMITS.maxParts} parts.`,
      retryable: false,
    });
  }
  const parts = planParts(context.file.size, upload.partSize);
  const missing = parts.filter((part) => !etags.has(part.partNumber));
  const signer = new PartSigner(context, upload, options.signBatchSize, missing);

  const inFlight = new Map<number, number>();
  let storedBytes = 0;
  for (const part of parts) if (etags.has(part.partNumber)) storedBytes += part.end - part.start;
  const report = () => {
    let loaded = storedBytes;
    for (const bytes of inFlight.values()) loaded += bytes;
    context.onProgress(loaded);
  };
  report();

  // One failed part stops the others: the file has failed, and the parts
  // already stored stay recorded in `etags` for a retry.
  const local = new AbortController();
  const stopListening = onAbort(signal, () => local.abort());
  const partSignal = local.signal;
  try {
    await Promise.all(
      missing.map(async (part) => {
        try {
          const etag = await uploadPart(part);
          etags.set(part.partNumber, etag);
          storedBytes += part.end - part.start;
        } catch (error) {
          local.abort();
          throw error;
        } finally {
          inFlight.delete(part.partNumber);
          report();
        }
      }),
    );
  } catch (error) {
    // Promise.all settles on the first rejection; report the cause, not the cancellations it set off.
    if (signal.aborted) throw canceledError();
    throw error;
  } finally {
    stopListening();
  }

  const completed = await withRetry(
    () =>
      client.send(
        // The server completes from the store's own part list: nothing to send but the upload.
        { operation: 'complete-multipart', file: context.file, upload },
        signal,
      ),
    signal,
    retry,
  );
  return { key: completed.key, ...(completed.etag ? { etag: completed.etag } : {}) };

  function uploadPart(part: PartRange): Promise<string> {
    return withRetry(
      async () => {
        const body = context.data.slice(part.start, part.end);
        inFlight.set(part.partNumber, 0);
        try {
          const { result } = await sendToStorage(
            context,
            partSignal,
            () => signer.urlFor(part.partNumber, partSignal),
            body,
            (loaded) => {
              inFlight.set(part.partNumber, loaded);
              report();
            },
            () => signer.forget(part.partNumber),
          );
          // The ETag is only a record here (the server completes from ListParts): a store
          // whose CORS rule does not expose it still completes.
          return result.etag ?? '';
        } catch (error) {
          inFlight.set(part.partNumber, 0);
          throw error;
        }
      },
      partSignal,
      retry,
      context.retryBudget,
    );
  }
}

/**
 * Fetches part URLs in batches, ahead of need: one `sign-parts` call serves
 * the next `batchSize` parts, and concurrent requests for the same batch share it.
 */
class PartSigner {
  readonly #urls = new Map<number, SignedRequest>();
  readonly #pending = new Map<number, Promise<void>>();

  constructor(
    private readonly context: TransferContext,
    private readonly upload: MultipartHandle,
    private readonly batchSize: number,
    private readonly parts: PartRange[],
  ) {}

  forget(partNumber: number): void {
    this.#urls.delete(partNumber);
  }

  /** The digest of each part, off the main thread, when the server asked for integrity. */
  async #checksums(numbers: number[]): Promise<Record<string, string> | undefined> {
    const algorithm = this.upload.checksumAlgorithm;
    if (!algorithm) return undefined;
    const checksums: Record<string, string> = {};
    for (const number of numbers) {
      const part = this.parts.find((candidate) => candidate.partNumber === number) as PartRange;
      checksums[String(number)] = await (this.context.digest ?? lazyDigest)(algorithm, this.context.data.slice(part.start, part.end));
    }
    return checksums;
  }

  async urlFor(partNumber: number, signal: AbortSignal): Promise<SignedRequest> {
    const cached = this.#urls.get(partNumber);
    if (!cached || expiresSoon(cached.expiresAt, this.context.client.now())) {
      if (signal.aborted) throw canceledError();
      await (this.#pending.get(partNumber) ?? this.#fetchFrom(partNumber, signal));
    }
    // A URL fresh from the endpoint is used even if the server signs for less than the margin.
    const url = this.#urls.get(partNumber);
    if (!url) return this.urlFor(partNumber, signal);
    this.#prefetchAfter(partNumber, signal);
    return url;
  }

  /** Keeps half a batch of URLs ready beyond `partNumber`, so parts rarely wait for the endpoint. */
  #prefetchAfter(partNumber: number, signal: AbortSignal): void {
    // With integrity on, each URL carries its part's digest: parts are signed one by one, when due.
    if (this.upload.checksumAlgorithm) return;
    const lookahead = Math.ceil(this.batchSize / 2);
    const target = this.parts.find(
      (part) =>
        part.partNumber > partNumber &&
        part.partNumber <= partNumber + lookahead &&
        !this.#urls.has(part.partNumber) &&
        !this.#pending.has(part.partNumber),
    );
    // A failed prefetch is not an error: the part that needs the URL asks again.
    if (target) this.#fetchFrom(target.partNumber, signal).catch(() => undefined);
  }

  #fetchFrom(first: number, signal: AbortSignal): Promise<void> {
    const numbers: number[] = [];
    const batchSize = this.upload.checksumAlgorithm ? 1 : this.batchSize;
    for (const part of this.parts) {
      if (numbers.length >= batchSize) break;
      if (part.partNumber < first || this.#pending.has(part.partNumber)) continue;
      const cached = this.#urls.get(part.partNumber);
      if (part.partNumber !== first && cached && !expiresSoon(cached.expiresAt, this.context.client.now())) continue;
      numbers.push(part.partNumber);
    }
    const request = this.#checksums(numbers)
      .then((checksums) =>
        withRetry(
          () =>
            this.context.client.send(
              {
                operation: 'sign-parts',
                file: this.context.file,
                upload: this.upload,
                partNumbers: numbers,
                ...(checksums ? { checksums } : {}),
              },
              signal,
            ),
          signal,
          this.context.retry,
        ),
      )
      .then(({ parts }) => {
        for (const part of parts) this.#urls.set(part.partNumber, part);
        if (!this.#urls.has(first)) {
          throw new UploadError({
            code: 'endpoint_malformed',
            message: `The signing endpoint answered "sign-parts" without a URL for part ${first}.`,
            retryable: false,
          });
        }
      })
      .finally(() => {
        for (const number of numbers) this.#pending.delete(number);
      });
    for (const number of numbers) this.#pending.set(number, request);
    return request;
  }
}

/** Aborts a multipart upload on the server, so no orphaned parts are billed. */
export async function abortMultipart(context: Pick<TransferContext, 'client' | 'file' | 'retry'>, upload: MultipartHandle) {
  const controller = new AbortController();
  try {
    await withRetry(
      () => context.client.send({ operation: 'abort-multipart', file: context.file, upload }, controller.signal),
      controller.signal,
      context.retry,
    );
  } catch (error) {
    if (!isCanceled(error)) throw error;
  }
}

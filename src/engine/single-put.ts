import { UploadError } from '../protocol/errors.js';
import type { PresignPutResult } from '../protocol/types.js';
import { computeDigest } from './digest.js';
import { withRetry } from './retry.js';
import { sendToStorage } from './storage-request.js';
import { expiresSoon, type TransferContext, type TransferResult } from './transfer.js';

/** Uploads a file with one presigned PUT, re-signing when the URL expired or is about to. */
export async function singlePut(context: TransferContext): Promise<TransferResult> {
  const { client, signal } = context;
  let signed: Extract<PresignPutResult, { ok: true }> | undefined;

  let file = context.file;
  const sign = async () => {
    if (context.checksum && file.checksum === undefined) {
      file = { ...file, checksum: await (context.digest ?? computeDigest)(context.checksum, context.data) };
    }
    const result = await client.presignPut(file, signal);
    if (!result.ok) {
      throw new UploadError({
        code: 'endpoint_refused',
        serverCode: result.error.code,
        message: result.error.message,
        retryable: false,
      });
    }
    return result;
  };

  const stored = await withRetry(
    async () => {
      const { result, request } = await sendToStorage(
        context,
        signal,
        async () => {
          if (!signed || expiresSoon(signed.expiresAt, client.now())) signed = await sign();
          return signed;
        },
        context.data,
        context.onProgress,
        () => {
          signed = undefined;
        },
      );
      return { request: request as Extract<PresignPutResult, { ok: true }>, etag: result.etag };
    },
    signal,
    context.retry,
    context.retryBudget,
  );
  const { request, etag } = stored;
  if (request.confirm) {
    // The server verifies the stored object (size, type) and may record it before the upload counts as done.
    const confirmed = await withRetry(
      () => client.send({ operation: 'complete-put', file, key: request.key, token: request.token }, signal),
      signal,
      context.retry,
      context.retryBudget,
    );
    return { key: confirmed.key, ...(confirmed.etag ? { etag: confirmed.etag } : {}) };
  }
  return { key: request.key, ...(etag ? { etag } : {}) };
}

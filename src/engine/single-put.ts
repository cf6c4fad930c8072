import { UploadError } from '../protocol/errors.js';
import type { SignedRequest } from '../protocol/types.js';
import { withRetry } from './retry.js';
import { isExpiredUrlError } from './storage-errors.js';
import { expiresSoon, type TransferContext, type TransferResult } from './transfer.js';

/** Uploads a file with one presigned PUT, re-signing when the URL expired or is about to. */
export async function singlePut(context: TransferContext): Promise<TransferResult> {
  const { client, signal } = context;
  let signed: (SignedRequest & { key: string }) | undefined;

  const sign = async () => {
    const result = await client.presignPut(context.file, signal);
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

  return withRetry(
    async () => {
      if (!signed || expiresSoon(signed.expiresAt)) signed = await sign();
      const request = signed;
      try {
        const { etag } = await context.storagePool.run(context.priority, signal, () =>
          context.put(request, context.data, signal, context.onProgress),
        );
        return { key: request.key, ...(etag ? { etag } : {}) };
      } catch (error) {
        if (error instanceof UploadError && isExpiredUrlError(error)) {
          signed = undefined;
          throw new UploadError({ ...error, retryable: true, message: error.message });
        }
        throw error;
      }
    },
    signal,
    context.retry,
  );
}

import { CompleteMultipartUploadCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { invalid, SignError } from '../errors.js';
import { storedParts } from './list-parts.js';
import type { OperationHandler } from './types.js';

/**
 * Completes from the store's own list of parts (ListParts, every page), not
 * from a list the client sends: authoritative, and the request stays small
 * at 10,000 parts. Each part must be there once with its planned size.
 */
export const completeMultipart: OperationHandler<'complete-multipart'> = async (context, request, caller) => {
  const { upload, file } = request;
  const count = await context.checkUpload(upload, file, caller.prefix);
  const parts = await storedParts(context, upload);
  const planned = (partNumber: number) => Math.min(upload.partSize, file.size - (partNumber - 1) * upload.partSize);
  const missing = parts.length !== count || parts.some((part, index) => part.partNumber !== index + 1 || part.size !== planned(index + 1));
  if (missing) {
    throw invalid(
      'upload',
      `Completing needs each of the ${count} parts stored once at its planned size; the store holds ${parts.length}.`,
      'invalid_part',
    );
  }
  const conditional = context.resolved.writeOnce && context.store.conditionalComplete;
  if (context.resolved.writeOnce && !conditional) {
    // A store that does not enforce If-None-Match on completion (RGW) would let this upload replace an object a
    // create-only PUT stored under the same key (a key() that gives two uploads one key): look first.
    const existing = await context.storage(
      () => context.s3.send(new HeadObjectCommand({ Bucket: context.bucket, Key: upload.key })),
      ['NotFound', 'NoSuchKey'],
    );
    if (existing) {
      throw new SignError(
        409,
        'object_mismatch',
        'An object is already stored under this key; uploads here are create-only (writeOnce).',
        'upload',
      );
    }
  }
  const completed = await context.storage(() =>
    context.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: context.bucket,
        Key: upload.key,
        UploadId: upload.uploadId,
        ...(conditional ? { IfNoneMatch: '*' } : {}),
        MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
      }),
    ),
  );
  const info = await context.verifyStored(upload.key, file, true);
  await context.options.onUploadComplete?.(info);
  const etag = completed?.ETag || info.etag;
  return { key: upload.key, ...(etag ? { etag } : {}) };
};

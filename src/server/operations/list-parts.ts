import { ListPartsCommand, type ListPartsCommandOutput } from '@aws-sdk/client-s3';
import type { MultipartHandle } from '../../protocol/types.js';
import type { SignContext } from '../context.js';
import { SignError } from '../errors.js';
import type { OperationHandler } from './types.js';

export interface StoredPart {
  partNumber: number;
  etag: string;
  size: number;
}

/** Every part the store holds for an upload: all pages (S3 answers at most 1000 a page), in part-number order. */
export async function storedParts(context: SignContext, upload: MultipartHandle): Promise<StoredPart[]> {
  const parts: StoredPart[] = [];
  let marker: string | undefined;
  for (;;) {
    const page: ListPartsCommandOutput | undefined = await context.storage(
      () =>
        context.s3.send(
          new ListPartsCommand({ Bucket: context.bucket, Key: upload.key, UploadId: upload.uploadId, PartNumberMarker: marker }),
        ),
      // AWS says NoSuchUpload; RGW says NoSuchKey.
      ['NoSuchUpload', 'NoSuchKey'],
    );
    // Completed or aborted: asking again will not open it (a 404, not a storage fault to retry).
    if (!page)
      throw new SignError(404, 'invalid_upload', 'This multipart upload is no longer open: it was completed or aborted.', 'upload');
    for (const part of page.Parts ?? []) {
      if (part.PartNumber && part.ETag) parts.push({ partNumber: part.PartNumber, etag: part.ETag, size: part.Size ?? 0 });
    }
    if (!page.IsTruncated || !page.NextPartNumberMarker || page.NextPartNumberMarker === marker) break;
    marker = page.NextPartNumberMarker;
  }
  return parts.sort((a, b) => a.partNumber - b.partNumber);
}

export const listParts: OperationHandler<'list-parts'> = async (context, request, caller) => {
  await context.checkUpload(request.upload, request.file, caller.prefix);
  return { parts: await storedParts(context, request.upload) };
};

import { AbortMultipartUploadCommand } from '@aws-sdk/client-s3';
import type { OperationHandler } from './types.js';

/** Aborting twice is not an error: the upload is gone either way. */
export const abortMultipart: OperationHandler<'abort-multipart'> = async (context, request, caller) => {
  await context.checkUpload(request.upload, request.file, caller.prefix);
  await context.storage(
    () =>
      context.s3.send(
        new AbortMultipartUploadCommand({ Bucket: context.bucket, Key: request.upload.key, UploadId: request.upload.uploadId }),
      ),
    ['NoSuchUpload', 'NoSuchKey'],
  );
  return { aborted: true };
};

import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { choosePartSize, partCount } from '../../protocol/part-plan.js';
import { invalid } from '../errors.js';
import { checkLimits } from '../policy.js';
import type { OperationHandler } from './types.js';

export const createMultipart: OperationHandler<'create-multipart'> = async (context, request, caller) => {
  const { file } = request;
  const { store, limits, bucket } = context;
  const checksum = context.options.checksum;
  checkLimits(file, limits, 'file');
  // S3 cannot complete a multipart upload without a part, and a part of nothing is no part: an empty file is one PUT.
  if (file.size === 0) throw invalid('file.size', `"${file.name}" is empty: send it with presign-put, not in parts.`);
  const partSize = choosePartSize(file.size, request.partSize, store);
  if (partCount(file.size, partSize) > limits.maxParts) {
    throw invalid('file.size', `"${file.name}" would need more than ${limits.maxParts} parts.`, 'file_too_large');
  }
  const key = await context.chooseKey(file, caller.prefix, caller.request, 'file');
  const headers = context.headersFor(file, key, 'file');
  const created = await context.storage(() =>
    context.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ContentType: headers.contentType,
        ContentDisposition: headers.contentDisposition,
        CacheControl: headers.cacheControl,
        Metadata: file.metadata,
      }),
    ),
  );
  if (!created?.UploadId) throw new Error('The storage created a multipart upload without an UploadId.');
  const upload = { key, uploadId: created.UploadId, partSize, ...(checksum ? { checksumAlgorithm: checksum } : {}) };
  return { upload: { ...upload, token: await context.multipartToken(upload, file) } };
};

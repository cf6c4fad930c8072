import { UploadPartCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { SignedRequest } from '../../protocol/types.js';
import { invalid } from '../errors.js';
import { CHECKSUM_HEADER, CHECKSUM_INPUT, requireDigest } from '../integrity.js';
import { storageTransport } from '../stores.js';
import type { OperationHandler } from './types.js';

export const signParts: OperationHandler<'sign-parts'> = async (context, request, caller) => {
  const { upload, file } = request;
  const checksum = context.options.checksum;
  const count = await context.checkUpload(upload, file, caller.prefix);
  const seconds = context.expiry.forRequest('part', request.expiresIn);
  const parts = await Promise.all(
    request.partNumbers.map(async (partNumber, index): Promise<SignedRequest & { partNumber: number }> => {
      if (partNumber > count)
        throw invalid(`partNumbers[${index}]`, `Part ${partNumber} is beyond the ${count} parts this file has.`, 'invalid_part');
      const length = Math.min(upload.partSize, file.size - (partNumber - 1) * upload.partSize);
      const digest = checksum ? requireDigest(checksum, request.checksums?.[String(partNumber)], `checksums.${partNumber}`) : undefined;
      const header = checksum && digest ? CHECKSUM_HEADER[checksum] : undefined;
      const { url, expiresAt } = await context.expiry.sign('part', seconds, (lifetime) =>
        getSignedUrl(
          context.signerFor(partNumber - 1),
          new UploadPartCommand({
            Bucket: context.bucket,
            Key: upload.key,
            UploadId: upload.uploadId,
            PartNumber: partNumber,
            // Signed: S3 refuses a body of any other size.
            ContentLength: length,
            ...(checksum && digest ? { [CHECKSUM_INPUT[checksum]]: digest } : {}),
          }),
          {
            expiresIn: lifetime,
            signableHeaders: new Set(['content-length', ...(header ? [header] : [])]),
            unhoistableHeaders: new Set(header ? [header] : []),
          },
        ),
      );
      return {
        partNumber,
        url,
        method: 'PUT',
        headers: header && digest ? { [header]: digest } : {},
        expiresAt,
        ...storageTransport(context.store),
      };
    }),
  );
  return { parts };
};

/**
 * The tiny signer behind Uppy 6's `signRequest` in the benchmark: it presigns
 * exactly the request Uppy asks for (PutObject, CreateMultipartUpload,
 * UploadPart, CompleteMultipartUpload, ListParts, Abort, DeleteObject) with the
 * AWS SDK for the same bucket, under its own prefix. Like the signer Uppy's
 * docs show: no limits, no key choice beyond the prefix.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

/** What Uppy 6.3.1 passes to signRequest (node_modules/@uppy/aws-s3/src/s3-client/types.ts). */
interface UppySignRequest {
  method: 'PUT' | 'POST' | 'GET' | 'DELETE';
  key: string;
  uploadId?: string;
  partNumber?: number;
  contentType?: string;
  expiresIn?: number;
}

export function createUppySigner(s3: S3Client, bucket: string, prefix: string) {
  return async (body: unknown): Promise<{ url: string; key: string }> => {
    const request = body as UppySignRequest;
    if (!request || typeof request.key !== 'string' || request.key === '') throw new Error('key required');
    // Uppy sends the key the signer returned on later requests of the same upload.
    const key = request.key.startsWith(`${prefix}/`) ? request.key : `${prefix}/${request.key}`;
    const Bucket = bucket;
    const Key = key;
    const { uploadId: UploadId, partNumber: PartNumber } = request;
    const expiresIn = Math.min(request.expiresIn ?? 600, 3600);
    let url: string;
    switch (request.method) {
      case 'PUT':
        url =
          UploadId && PartNumber
            ? await getSignedUrl(s3, new UploadPartCommand({ Bucket, Key, UploadId, PartNumber }), { expiresIn })
            : await getSignedUrl(s3, new PutObjectCommand({ Bucket, Key }), { expiresIn });
        break;
      case 'POST':
        url = UploadId
          ? await getSignedUrl(s3, new CompleteMultipartUploadCommand({ Bucket, Key, UploadId }), { expiresIn })
          : await getSignedUrl(s3, new CreateMultipartUploadCommand({ Bucket, Key }), { expiresIn });
        break;
      case 'GET':
        if (!UploadId) throw new Error('GET needs an uploadId');
        url = await getSignedUrl(s3, new ListPartsCommand({ Bucket, Key, UploadId }), { expiresIn });
        break;
      case 'DELETE':
        url = UploadId
          ? await getSignedUrl(s3, new AbortMultipartUploadCommand({ Bucket, Key, UploadId }), { expiresIn })
          : await getSignedUrl(s3, new DeleteObjectCommand({ Bucket, Key }), { expiresIn });
        break;
      default:
        throw new Error(`unsupported method ${String(request.method)}`);
    }
    return { url, key };
  };
}

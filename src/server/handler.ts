import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type ListPartsCommandOutput,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { choosePartSize, partCount, S3_LIMITS } from '../protocol/part-plan.js';
import type { FileContext, MultipartHandle, PresignPutResult, ResponseFor, SignRequest } from '../protocol/types.js';
import { errorResponse, invalid, jsonResponse, SignError } from './errors.js';
import { defaultKey, isUnderPrefix, normalizePrefix } from './keys.js';
import { createS3Client, type StorageOptions } from './s3-client.js';
import { validateRequest } from './validate-request.js';

export interface SignHandlerOptions extends StorageOptions {
  /** Every key starts with this prefix. Default `uploads`. */
  prefix?: string;
  /** Lifetime of each presigned URL, seconds. Default 600 (see docs/protocol.md, "Expiry"). */
  expiresIn?: number;
  /** Largest file accepted, bytes. Default 5 TiB, S3's own limit. */
  maxFileSize?: number;
  /** Largest request body accepted, bytes. Default 256 KiB. */
  maxRequestBytes?: number;
  /** Called with failures of the storage, for your logs; messages carry no presigned URLs. */
  onError?: (error: unknown) => void;
}

/** A Fetch-API request handler: works as it is in Next.js route handlers, Hono, Remix, Bun and Deno. */
export type SignHandler = (request: Request) => Promise<Response>;

const MAX_EXPIRES_IN = 604_800;

/**
 * Creates the signing endpoint: it answers the protocol's operations
 * (docs/protocol.md) by choosing keys and presigning S3 requests.
 * It keeps no state between requests.
 */
export function createSignHandler(options: SignHandlerOptions): SignHandler {
  const s3 = createS3Client(options);
  const bucket = options.bucket;
  const prefix = normalizePrefix(options.prefix ?? 'uploads');
  const expiresIn = options.expiresIn ?? 600;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    throw new RangeError(`expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (7 days, SigV4's limit).`);
  }
  const maxFileSize = options.maxFileSize ?? S3_LIMITS.maxObjectSize;
  const maxRequestBytes = options.maxRequestBytes ?? 256 * 1024;

  const expiresAt = () => new Date(Date.now() + expiresIn * 1000).toISOString();

  /** Calls the storage; its failures become a 502 that names the S3 error, never a stack trace. */
  async function storage<T>(call: () => Promise<T>, allowed: string[] = []): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (allowed.length > 0 && isStorageError(error, allowed)) return undefined;
      options.onError?.(error);
      const name = isStorageError(error) ? (error as unknown as { name: string }).name : 'unreachable';
      throw new SignError(502, 'storage_error', `The storage refused or failed the request (${name}). Try again later.`);
    }
  }

  function checkFile(file: FileContext, field: string): void {
    if (file.size > maxFileSize) {
      throw new SignError(
        413,
        'file_too_large',
        `"${file.name}" is ${file.size} bytes; the limit is ${maxFileSize} bytes.`,
        `${field}.size`,
      );
    }
  }

  function checkUpload(upload: MultipartHandle, file: FileContext): number {
    if (!isUnderPrefix(upload.key, prefix)) {
      throw new SignError(403, 'invalid_upload', 'The upload key is not one this endpoint issues.', 'upload.key');
    }
    checkFile(file, 'file');
    const count = partCount(file.size, upload.partSize);
    if (upload.partSize < S3_LIMITS.minPartSize || upload.partSize > S3_LIMITS.maxPartSize || count > S3_LIMITS.maxParts) {
      throw invalid('upload.partSize', 'The part size does not fit S3 limits for this file size.', 'invalid_part');
    }
    return count;
  }

  async function presignPut(file: FileContext, index: number): Promise<PresignPutResult> {
    try {
      checkFile(file, `files[${index}]`);
    } catch (error) {
      if (error instanceof SignError)
        return { ok: false, error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
      throw error;
    }
    const key = defaultKey(prefix, file.name);
    const contentType = file.type || 'application/octet-stream';
    const url = await getSignedUrl(
      s3,
      // Metadata is hoisted into the query string, so the browser sends no x-amz-meta-* headers (and CORS needs none).
      new PutObjectCommand({ Bucket: bucket, Key: key, ContentType: contentType, Metadata: file.metadata }),
      { expiresIn, signableHeaders: new Set(['content-type']) },
    );
    return { ok: true, key, url, method: 'PUT', headers: { 'Content-Type': contentType }, expiresAt: expiresAt() };
  }

  async function handle(request: SignRequest): Promise<ResponseFor[SignRequest['operation']]> {
    switch (request.operation) {
      case 'presign-put':
        return { results: await Promise.all(request.files.map(presignPut)) };
      case 'create-multipart': {
        const { file } = request;
        checkFile(file, 'file');
        const partSize = choosePartSize(file.size, request.partSize);
        const key = defaultKey(prefix, file.name);
        const created = await storage(() =>
          s3.send(
            new CreateMultipartUploadCommand({
              Bucket: bucket,
              Key: key,
              ContentType: file.type || 'application/octet-stream',
              Metadata: file.metadata,
            }),
          ),
        );
        if (!created?.UploadId) throw new Error('The storage created a multipart upload without an UploadId.');
        return { upload: { key, uploadId: created.UploadId, partSize, token: '' } };
      }
      case 'sign-parts': {
        const count = checkUpload(request.upload, request.file);
        const parts = await Promise.all(
          request.partNumbers.map(async (partNumber, index) => {
            if (partNumber > count)
              throw invalid(`partNumbers[${index}]`, `Part ${partNumber} is beyond the ${count} parts this file has.`, 'invalid_part');
            const url = await getSignedUrl(
              s3,
              new UploadPartCommand({ Bucket: bucket, Key: request.upload.key, UploadId: request.upload.uploadId, PartNumber: partNumber }),
              { expiresIn },
            );
            return { partNumber, url, method: 'PUT' as const, headers: {}, expiresAt: expiresAt() };
          }),
        );
        return { parts };
      }
      case 'list-parts': {
        checkUpload(request.upload, request.file);
        const parts: ResponseFor['list-parts']['parts'] = [];
        let marker: string | undefined;
        // S3 answers at most 1000 parts a page; the client gets them all.
        for (;;) {
          const page: ListPartsCommandOutput | undefined = await storage(() =>
            s3.send(
              new ListPartsCommand({
                Bucket: bucket,
                Key: request.upload.key,
                UploadId: request.upload.uploadId,
                PartNumberMarker: marker,
              }),
            ),
          );
          if (!page) break;
          for (const part of page.Parts ?? []) {
            if (part.PartNumber && part.ETag) parts.push({ partNumber: part.PartNumber, etag: part.ETag, size: part.Size ?? 0 });
          }
          if (!page.IsTruncated || !page.NextPartNumberMarker) break;
          marker = page.NextPartNumberMarker;
        }
        return { parts };
      }
      case 'complete-multipart': {
        const count = checkUpload(request.upload, request.file);
        const parts = [...request.parts].sort((a, b) => a.partNumber - b.partNumber);
        if (parts.length !== count || parts.some((part, index) => part.partNumber !== index + 1)) {
          throw invalid('parts', `Completing needs each of the ${count} parts exactly once.`, 'invalid_part');
        }
        const completed = await storage(() =>
          s3.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: request.upload.key,
              UploadId: request.upload.uploadId,
              MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
            }),
          ),
        );
        return { key: request.upload.key, ...(completed?.ETag ? { etag: completed.ETag } : {}) };
      }
      case 'abort-multipart': {
        checkUpload(request.upload, request.file);
        // Aborting twice is not an error: the upload is gone either way.
        await storage(
          () => s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: request.upload.key, UploadId: request.upload.uploadId })),
          ['NoSuchUpload', 'NoSuchKey'],
        );
        return { aborted: true };
      }
    }
  }

  return async (httpRequest: Request): Promise<Response> => {
    try {
      if (httpRequest.method !== 'POST') {
        const response = errorResponse(
          new SignError(405, 'method_not_allowed', `Use POST; this endpoint does not answer ${httpRequest.method}.`),
        );
        response.headers.set('allow', 'POST');
        return response;
      }
      const body = await readJson(httpRequest, maxRequestBytes);
      return jsonResponse(await handle(validateRequest(body)));
    } catch (error) {
      if (error instanceof SignError) return errorResponse(error);
      options.onError?.(error);
      return errorResponse(new SignError(500, 'internal_error', 'The signing endpoint failed; see its logs.'));
    }
  };
}

function isStorageError(error: unknown, names?: string[]): boolean {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return false;
  return names === undefined || names.includes((error as unknown as { name: string }).name);
}

async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (declared > maxBytes) throw new SignError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes.`);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new SignError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes.`);
      }
      chunks.push(value);
    }
  }
  const text = new TextDecoder().decode(concat(chunks, size));
  try {
    return JSON.parse(text);
  } catch {
    throw new SignError(400, 'invalid_request', 'The request body is not valid JSON.');
  }
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const result = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    result.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return result;
}

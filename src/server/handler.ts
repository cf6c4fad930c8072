import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  type ListPartsCommandOutput,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { choosePartSize, partCount, S3_LIMITS } from '../protocol/part-plan.js';
import type {
  ChecksumAlgorithm,
  FileContext,
  MultipartHandle,
  Operation,
  PresignPutResult,
  ResponseFor,
  SignedRequest,
  SignRequest,
} from '../protocol/types.js';
import { errorResponse, invalid, jsonResponse, SignError } from './errors.js';
import { createExpiry, type ExpiryOptions } from './expiry.js';
import { presignFormPost } from './form-post.js';
import { CHECKSUM_HEADER, CHECKSUM_INPUT, requireDigest } from './integrity.js';
import { defaultKey, isUnderPrefix, normalizePrefix } from './keys.js';
import { checkLimits, type UploadLimits } from './policy.js';
import { type AlternateEndpoint, createAlternateClients, createS3Client, type StorageOptions } from './s3-client.js';
import { UploadTokens } from './token.js';
import { validateRequest } from './validate-request.js';

/** What `authorize` and `key` learn about a request. */
export interface RequestContext {
  operation: Operation;
  /** The files the request is about (one, or a `presign-put` batch). */
  files: FileContext[];
}

/**
 * What `authorize` answers: `true` or nothing to allow, `false` to refuse
 * (403), or an object to allow with a narrower key prefix (e.g. per user).
 * Throw `new SignError(401, 'unauthorized', '…')` to refuse with another status.
 */
export type AuthorizeResult = boolean | undefined | { prefix?: string };

export interface KeyContext {
  file: FileContext;
  /** The prefix in force (the option, or the one `authorize` chose). */
  prefix: string;
  request: Request;
}

/** Passed to `onUploadComplete` once the server has checked the stored object. */
export interface UploadCompleteInfo {
  key: string;
  size: number;
  etag?: string;
  contentType?: string;
  metadata: Record<string, string>;
  file: FileContext;
  multipart: boolean;
}

export interface SignHandlerOptions extends StorageOptions, UploadLimits {
  /** Every key starts with this prefix. Default `uploads`. */
  prefix?: string;
  /**
   * Chooses an object key. Default `<prefix>/<random UUID>/<sanitized name>`.
   * The result must lie under the prefix and fit S3's 1024 bytes, or the request is refused.
   */
  key?: (context: KeyContext) => string | Promise<string>;
  /** Lifetime of presigned URLs, seconds: one number, or per operation. Default 600. Above 604800 (7 days) is refused. */
  expiresIn?: number | ExpiryOptions;
  /**
   * Secret for the upload tokens that bind multipart operations to the upload
   * this server created. Give every instance the same value (32+ random bytes)
   * so any of them can serve one upload. Default: a random secret per process.
   */
  secret?: string | Uint8Array;
  /** Require a digest of every PUT and part, signed into its URL: `md5` (RGW, MinIO, AWS) or `sha256` / `crc32` (AWS). */
  checksum?: ChecksumAlgorithm;
  /** Decides who may upload; runs before anything is signed. */
  authorize?: (request: Request, context: RequestContext) => AuthorizeResult | Promise<AuthorizeResult>;
  /** Called after the server verified a completed upload's size and type, e.g. to write a database row. */
  onUploadComplete?: (info: UploadCompleteInfo) => void | Promise<void>;
  /** Largest request body accepted, bytes. Default 256 KiB. */
  maxRequestBytes?: number;
  /** Told of storage failures and of URLs shortened to the credentials' lifetime. Messages carry no presigned URLs. */
  onError?: (error: unknown) => void;
  /**
   * More host names of the same bucket, to upload faster. A browser opens at
   * most 6 HTTP/1.1 connections per host name; file and part URLs are dealt
   * out in turn across the bucket's own host and these, and the browser
   * engine keeps 6 requests in flight per host it sees (BENCHMARKS.md).
   * On AWS: `[{ useDualstackEndpoint: true }]`; elsewhere, the endpoint URL
   * under another DNS name. Same region and credentials as the main endpoint.
   */
  alternateEndpoints?: AlternateEndpoint[];
}

/** A Fetch-API request handler: works as it is in Next.js route handlers, Hono, Remix, Bun and Deno. */
export type SignHandler = (request: Request) => Promise<Response>;

/**
 * Creates the signing endpoint: it answers the protocol's operations
 * (docs/protocol.md), chooses keys, enforces limits and presigns S3
 * requests. It keeps no state between requests.
 */
export function createSignHandler(options: SignHandlerOptions): SignHandler {
  const s3 = createS3Client(options);
  // The clients URLs are dealt out across: the main one first, then the alternates.
  const signers = [s3, ...createAlternateClients(options, options.alternateEndpoints)];
  const signerFor = (turn: number) => signers[turn % signers.length] as S3Client;
  const bucket = options.bucket;
  const basePrefix = normalizePrefix(options.prefix ?? 'uploads');
  const expiry = createExpiry(options.expiresIn, s3, options.onError);
  const limits: UploadLimits = {
    maxFileSize: Math.min(options.maxFileSize ?? S3_LIMITS.maxObjectSize, S3_LIMITS.maxObjectSize),
    minFileSize: options.minFileSize ?? 0,
    ...(options.allowedTypes ? { allowedTypes: options.allowedTypes } : {}),
  };
  const maxParts = Math.min(options.maxParts ?? S3_LIMITS.maxParts, S3_LIMITS.maxParts);
  const maxRequestBytes = options.maxRequestBytes ?? 256 * 1024;
  const tokens = new UploadTokens(options.secret ?? crypto.getRandomValues(new Uint8Array(32)));
  const checksum = options.checksum;

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

  async function chooseKey(file: FileContext, prefix: string, request: Request, field: string): Promise<string> {
    const key = options.key ? await options.key({ file, prefix, request }) : defaultKey(prefix, file.name);
    if (typeof key !== 'string' || !isUnderPrefix(key, prefix) || new TextEncoder().encode(key).length > 1024) {
      // The app's key function is wrong, not the client: still nothing is signed.
      throw new SignError(
        500,
        'internal_error',
        `The key chosen for \`${field}\` is outside the prefix "${prefix}" or longer than 1024 bytes.`,
      );
    }
    return key;
  }

  /** The part count, after checking the handle is one this server issued for this file, under this prefix. */
  async function checkUpload(upload: MultipartHandle, file: FileContext, prefix: string): Promise<number> {
    const genuine =
      isUnderPrefix(upload.key, prefix) &&
      (await tokens.verify(
        upload.token,
        'multipart',
        upload.key,
        upload.uploadId,
        file.size,
        upload.partSize,
        upload.checksumAlgorithm ?? '',
      ));
    if (!genuine) {
      throw new SignError(
        403,
        'invalid_upload',
        'This upload was not created by this endpoint for this file (bad token, key or size).',
        'upload',
      );
    }
    return partCount(file.size, upload.partSize);
  }

  /** HeadObject after an upload: the size S3 stored must be the size that was signed, within limits; else the object goes. */
  async function verifyStored(key: string, file: FileContext, multipart: boolean): Promise<UploadCompleteInfo> {
    const head = await storage(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), ['NotFound', 'NoSuchKey']);
    if (!head) throw new SignError(404, 'invalid_upload', 'The object is not in the bucket.');
    const size = head.ContentLength ?? -1;
    const withinLimits =
      size === file.size && size <= (limits.maxFileSize ?? Number.POSITIVE_INFINITY) && size >= (limits.minFileSize ?? 0);
    if (!withinLimits) {
      await storage(() => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
      throw new SignError(
        422,
        'size_mismatch',
        `The stored object is ${size} bytes, not the ${file.size} bytes that were signed; it was deleted.`,
      );
    }
    return {
      key,
      size,
      ...(head.ETag ? { etag: head.ETag } : {}),
      ...(head.ContentType ? { contentType: head.ContentType } : {}),
      metadata: head.Metadata ?? {},
      file,
      multipart,
    };
  }

  async function presignPut(
    file: FileContext,
    index: number,
    prefix: string,
    request: Request,
    expiresIn: number,
    post: boolean,
  ): Promise<PresignPutResult> {
    const field = `files[${index}]`;
    try {
      checkLimits(file, limits, field);
      const digest = checksum ? requireDigest(checksum, file.checksum, `${field}.checksum`) : undefined;
      const key = await chooseKey(file, prefix, request, field);
      const contentType = file.type || 'application/octet-stream';
      const common = {
        ok: true as const,
        key,
        token: await tokens.issue('put', key, file.size),
        ...(options.onUploadComplete ? { confirm: true } : {}),
      };
      // A form POST cannot carry the digest header, so a required checksum keeps the PUT.
      if (post && !checksum) {
        let fields: Record<string, string> = {};
        const { url, expiresAt } = await expiry.sign('put', expiresIn, async (seconds) => {
          const form = await presignFormPost(signerFor(index), {
            bucket,
            key,
            size: file.size,
            contentType,
            metadata: file.metadata,
            expiresIn: seconds,
          });
          fields = form.fields;
          return form.url;
        });
        return { ...common, url, method: 'POST', headers: {}, fields, expiresAt };
      }
      const headers: Record<string, string> = { 'Content-Type': contentType };
      if (checksum && digest) headers[CHECKSUM_HEADER[checksum]] = digest;
      const { url, expiresAt } = await expiry.sign('put', expiresIn, (seconds) =>
        getSignedUrl(
          signerFor(index),
          // Metadata is hoisted into the query string, so the browser sends no x-amz-meta-* headers (and CORS needs none).
          new PutObjectCommand({
            Bucket: bucket,
            Key: key,
            ContentType: contentType,
            ContentLength: file.size,
            Metadata: file.metadata,
            ...(checksum && digest ? { [CHECKSUM_INPUT[checksum]]: digest } : {}),
          }),
          { expiresIn: seconds, ...signedHeaders(checksum, 'put') },
        ),
      );
      return { ...common, url, method: 'PUT', headers, expiresAt };
    } catch (error) {
      // One refused file does not sink the batch: it gets its own error.
      if (error instanceof SignError && error.status < 500) {
        return { ok: false, error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
      }
      throw error;
    }
  }

  async function handle(request: SignRequest, httpRequest: Request): Promise<ResponseFor[Operation]> {
    const files = request.operation === 'presign-put' ? request.files : [request.file];
    const verdict = options.authorize ? await options.authorize(httpRequest, { operation: request.operation, files }) : true;
    if (verdict === false) throw new SignError(403, 'forbidden', 'You are not allowed to upload here.');
    const prefix = typeof verdict === 'object' && verdict.prefix !== undefined ? normalizePrefix(verdict.prefix) : basePrefix;
    const expiresIn = request.expiresIn;

    switch (request.operation) {
      case 'presign-put':
        return {
          results: await Promise.all(
            request.files.map((file, index) =>
              presignPut(file, index, prefix, httpRequest, expiry.forRequest('put', expiresIn), request.post === true),
            ),
          ),
        };
      case 'create-multipart': {
        const { file } = request;
        checkLimits(file, limits, 'file');
        const partSize = choosePartSize(file.size, request.partSize);
        if (partCount(file.size, partSize) > maxParts) {
          throw invalid('file.size', `"${file.name}" would need more than ${maxParts} parts.`, 'file_too_large');
        }
        const key = await chooseKey(file, prefix, httpRequest, 'file');
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
        const algorithm = checksum ?? '';
        return {
          upload: {
            key,
            uploadId: created.UploadId,
            partSize,
            token: await tokens.issue('multipart', key, created.UploadId, file.size, partSize, algorithm),
            ...(checksum ? { checksumAlgorithm: checksum } : {}),
          },
        };
      }
      case 'sign-parts': {
        const { upload, file } = request;
        const count = await checkUpload(upload, file, prefix);
        const seconds = expiry.forRequest('part', expiresIn);
        const parts = await Promise.all(
          request.partNumbers.map(async (partNumber, index): Promise<SignedRequest & { partNumber: number }> => {
            if (partNumber > count)
              throw invalid(`partNumbers[${index}]`, `Part ${partNumber} is beyond the ${count} parts this file has.`, 'invalid_part');
            const length = Math.min(upload.partSize, file.size - (partNumber - 1) * upload.partSize);
            const digest = checksum
              ? requireDigest(checksum, request.checksums?.[String(partNumber)], `checksums.${partNumber}`)
              : undefined;
            const { url, expiresAt } = await expiry.sign('part', seconds, (lifetime) =>
              getSignedUrl(
                signerFor(partNumber - 1),
                new UploadPartCommand({
                  Bucket: bucket,
                  Key: upload.key,
                  UploadId: upload.uploadId,
                  PartNumber: partNumber,
                  // Signed: S3 refuses a body of any other size.
                  ContentLength: length,
                  ...(checksum && digest ? { [CHECKSUM_INPUT[checksum]]: digest } : {}),
                }),
                { expiresIn: lifetime, ...signedHeaders(checksum, 'part') },
              ),
            );
            return {
              partNumber,
              url,
              method: 'PUT',
              headers: checksum && digest ? { [CHECKSUM_HEADER[checksum]]: digest } : {},
              expiresAt,
            };
          }),
        );
        return { parts };
      }
      case 'list-parts': {
        await checkUpload(request.upload, request.file, prefix);
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
        const { upload, file } = request;
        const count = await checkUpload(upload, file, prefix);
        const parts = [...request.parts].sort((a, b) => a.partNumber - b.partNumber);
        if (parts.length !== count || parts.some((part, index) => part.partNumber !== index + 1)) {
          throw invalid('parts', `Completing needs each of the ${count} parts exactly once.`, 'invalid_part');
        }
        const completed = await storage(() =>
          s3.send(
            new CompleteMultipartUploadCommand({
              Bucket: bucket,
              Key: upload.key,
              UploadId: upload.uploadId,
              MultipartUpload: { Parts: parts.map((part) => ({ PartNumber: part.partNumber, ETag: part.etag })) },
            }),
          ),
        );
        const info = await verifyStored(upload.key, file, true);
        await options.onUploadComplete?.(info);
        const etag = completed?.ETag || info.etag;
        return { key: upload.key, ...(etag ? { etag } : {}) };
      }
      case 'abort-multipart': {
        await checkUpload(request.upload, request.file, prefix);
        // Aborting twice is not an error: the upload is gone either way.
        await storage(
          () => s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: request.upload.key, UploadId: request.upload.uploadId })),
          ['NoSuchUpload', 'NoSuchKey'],
        );
        return { aborted: true };
      }
      case 'complete-put': {
        const { file, key } = request;
        if (!isUnderPrefix(key, prefix) || !(await tokens.verify(request.token, 'put', key, file.size))) {
          throw new SignError(403, 'invalid_upload', 'This key was not signed by this endpoint for this file.', 'token');
        }
        const info = await verifyStored(key, file, false);
        await options.onUploadComplete?.(info);
        return { key, ...(info.etag ? { etag: info.etag } : {}) };
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
      return jsonResponse(await handle(validateRequest(body), httpRequest));
    } catch (error) {
      if (error instanceof SignError) return errorResponse(error);
      options.onError?.(error);
      return errorResponse(new SignError(500, 'internal_error', 'The signing endpoint failed; see its logs.'));
    }
  };
}

/** Headers the presigner must sign rather than leave out or hoist into the query string. */
function signedHeaders(checksum: ChecksumAlgorithm | undefined, kind: 'put' | 'part') {
  // Parts carry no Content-Type (the object's type was set at create), so only a PUT signs it.
  const signable = new Set(kind === 'put' ? ['content-type', 'content-length'] : ['content-length']);
  const unhoistable = new Set<string>();
  if (checksum) {
    signable.add(CHECKSUM_HEADER[checksum]);
    unhoistable.add(CHECKSUM_HEADER[checksum]);
  }
  return { signableHeaders: signable, unhoistableHeaders: unhoistable };
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
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new SignError(400, 'invalid_request', 'The request body is not valid JSON.');
  }
}

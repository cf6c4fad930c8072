import { DeleteObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { UPLOAD_REFERENCE, UPLOAD_REFERENCE_LENGTH } from '../protocol/limits.js';
import { partCount } from '../protocol/part-plan.js';
import type { FileContext, MultipartHandle } from '../protocol/types.js';
import { essenceOf } from './content-type.js';
import { SignError } from './errors.js';
import { createExpiry } from './expiry.js';
import { defaultKey, isUnderPrefix } from './keys.js';
import { type ObjectHeaders, objectHeaders } from './object-headers.js';
import type { ResolvedOptions, SignHandlerOptions, UploadCompleteInfo } from './options.js';
import { createAlternateClients, createS3Client } from './s3-client.js';
import { base64url, UploadTokens } from './token.js';

/** Multipart tokens outlive a reload and a resume days later; S3's lifecycle rules usually abort such uploads after a day or more. */
const MULTIPART_TOKEN_SECONDS = 7 * 24 * 3600;
/** A single upload's completion must come soon after its URL was used. */
const PUT_TOKEN_GRACE_SECONDS = 15 * 60;

/** What every operation shares, built once per handler. */
export type SignContext = ReturnType<typeof createSignContext>;

export function createSignContext(options: SignHandlerOptions, resolved: ResolvedOptions) {
  const s3 = createS3Client(options);
  // The clients URLs are dealt out across: the main one first, then the alternates.
  const signers = [s3, ...createAlternateClients(options, options.alternateEndpoints)];
  const tokens = new UploadTokens(resolved.secret);
  const { bucket, store, limits } = resolved;
  const expiry = createExpiry(options.expiresIn, s3, resolved.report);

  /** Calls the storage; its failures become a 502 that names the S3 error, never a stack trace. */
  async function storage<T>(call: () => Promise<T>, allowed: string[] = []): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (allowed.length > 0 && isStorageError(error, allowed)) return undefined;
      resolved.report(error);
      const name = isStorageError(error) ? (error as unknown as { name: string }).name : 'unreachable';
      throw new SignError(502, 'storage_error', `The storage refused or failed the request (${name}). Try again later.`);
    }
  }

  /** What a token binds about a file besides key and size: its name, type and metadata as signed. */
  const fileFields = (file: FileContext) => [file.name, file.type, JSON.stringify(Object.entries(file.metadata ?? {}).sort())];
  /** A single PUT's token binds the digest and date too: `onUploadComplete` is told them as signed, never as claimed at completion. */
  const putFields = (key: string, file: FileContext) => [
    'put',
    key,
    file.size,
    ...fileFields(file),
    file.checksum ?? '',
    file.lastModified ?? '',
  ];
  /** A multipart token's fields: the upload as created, for this very file. */
  const multipartFields = (upload: Omit<MultipartHandle, 'token'>, file: FileContext) => [
    'multipart',
    upload.key,
    upload.uploadId,
    file.size,
    upload.partSize,
    upload.checksumAlgorithm ?? '',
    ...fileFields(file),
  ];

  return {
    options,
    resolved,
    s3,
    bucket,
    store,
    limits,
    expiry,
    storage,
    signerFor: (turn: number) => signers[turn % signers.length] as S3Client,

    /** The headers every stored object of this file carries: signed into its PUT or form, set at create. */
    headersFor: (file: FileContext, key: string, field: string): ObjectHeaders => objectHeaders(file, key, resolved, field),

    async chooseKey(file: FileContext, prefix: string, request: Request, field: string): Promise<string> {
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
    },

    /**
     * `<reference>.<token>`: the reference is random, so two uploads of the same file to the same key (a key()
     * that repeats) in the same second still get tokens of their own, and it is bound into the token.
     */
    putToken: async (key: string, file: FileContext, lifetime: number) => {
      const reference = base64url(crypto.getRandomValues(new Uint8Array((UPLOAD_REFERENCE_LENGTH * 3) / 4)));
      return `${reference}.${await tokens.issue(lifetime + PUT_TOKEN_GRACE_SECONDS, reference, ...putFields(key, file))}`;
    },

    multipartToken: (upload: Omit<MultipartHandle, 'token'>, file: FileContext) =>
      tokens.issue(MULTIPART_TOKEN_SECONDS, ...multipartFields(upload, file)),

    /** Refuses a `complete-put` for a key this server did not sign for this very file (name, type, metadata, size, digest, date). */
    async checkPut(key: string, token: string, file: FileContext, prefix: string): Promise<void> {
      const reference = uploadReference(token);
      if (!isUnderPrefix(key, prefix) || !(await tokens.verify(token.slice(reference.length + 1), reference, ...putFields(key, file)))) {
        throw new SignError(
          403,
          'invalid_upload',
          'This key was not signed by this endpoint for this file, or its token expired.',
          'token',
        );
      }
    },

    /** The part count, after checking the handle is one this server issued for this file, under this prefix. */
    async checkUpload(upload: MultipartHandle, file: FileContext, prefix: string): Promise<number> {
      const genuine = isUnderPrefix(upload.key, prefix) && (await tokens.verify(upload.token, ...multipartFields(upload, file)));
      if (!genuine) {
        throw new SignError(
          403,
          'invalid_upload',
          'This upload was not created by this endpoint for this file (bad or expired token, key, size, name or type).',
          'upload',
        );
      }
      return partCount(file.size, upload.partSize);
    },

    /**
     * HeadObject after an upload: the object must be exactly what was signed —
     * its size, type, disposition and metadata, and no header nobody signed
     * (Cache-Control, Content-Encoding, Content-Language, Expires, a website
     * redirect, tags). Anything else is deleted and the completion refused.
     */
    async verifyStored(key: string, file: FileContext, multipart: boolean, reference?: string): Promise<UploadCompleteInfo> {
      const head = await storage(() => s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })), ['NotFound', 'NoSuchKey']);
      if (!head) throw new SignError(404, 'invalid_upload', 'The object is not in the bucket.');
      const stored = Object.fromEntries(Object.entries(head.Metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
      const refuse = async (code: 'size_mismatch' | 'object_mismatch', message: string): Promise<never> => {
        await storage(() => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key })));
        throw new SignError(422, code, `${message} It was deleted.`);
      };
      if (reference !== undefined && stored[UPLOAD_REFERENCE] !== reference) {
        // Not stored the way this upload's URL stores. Under the default keys (a random UUID each) nobody else has the
        // key, so its holder wrote it another way (a copy on a store that obeys an unsigned x-amz-copy-source): deleted.
        // An app's own key() may give two uploads one key: then it may be someone else's, and is left alone.
        if (!options.key) await refuse('object_mismatch', 'The object under this key was not stored by this upload’s URL.');
        throw new SignError(409, 'object_mismatch', 'The object under this key was not stored by this upload; it is left as it is.');
      }
      // The reference is the library's, not the app's: neither compared with the app's metadata nor passed on.
      const metadata = { ...stored };
      if (reference !== undefined) delete metadata[UPLOAD_REFERENCE];
      const expectedMetadata = file.metadata ?? {};
      const size = head.ContentLength ?? -1;
      if (size !== file.size || size > limits.maxFileSize || size < limits.minFileSize) {
        await refuse('size_mismatch', `The stored object is ${size} bytes, not the ${file.size} bytes that were signed.`);
      }
      // A single PUT's ETag is the MD5 of what was stored (a plain one: 32 hex digits). With MD5 digests signed in, it
      // must be the file's: a store that obeys an unsigned x-amz-copy-source stores another object's bytes, and its ETag.
      const etag = /^"?([0-9a-f]{32})"?$/i.exec(head.ETag ?? '')?.[1]?.toLowerCase();
      if (!multipart && options.checksum === 'md5' && file.checksum && etag && etag !== hexOf(file.checksum)) {
        await refuse('object_mismatch', 'The stored bytes are not the file whose MD5 digest was signed.');
      }
      const expected = objectHeaders(file, key, resolved, 'file');
      const unsigned = [
        // Type and disposition are signed; a store may normalise their spelling, so what is compared is what matters.
        essenceOf(head.ContentType ?? '') !== essenceOf(expected.contentType) && 'Content-Type',
        head.ContentDisposition !== undefined && !/^\s*attachment\b/i.test(head.ContentDisposition) && 'Content-Disposition',
        (head.CacheControl ?? expected.cacheControl) !== expected.cacheControl && 'Cache-Control',
        head.ContentEncoding && head.ContentEncoding !== 'identity' && 'Content-Encoding',
        head.ContentLanguage && 'Content-Language',
        (head.ExpiresString || head.Expires) && 'Expires',
        head.WebsiteRedirectLocation && 'x-amz-website-redirect-location',
        head.TagCount && 'x-amz-tagging',
        ...Object.keys(metadata)
          .filter((name) => metadata[name] !== expectedMetadata[name])
          .map((name) => `x-amz-meta-${name}`),
        ...Object.keys(expectedMetadata)
          .filter((name) => !(name in metadata))
          .map((name) => `x-amz-meta-${name} (missing)`),
      ].filter(Boolean);
      if (unsigned.length > 0) {
        await refuse('object_mismatch', `The stored object carries what this server did not sign: ${unsigned.join(', ')}.`);
      }
      return {
        key,
        size,
        ...(head.ETag ? { etag: head.ETag } : {}),
        ...(head.ContentType ? { contentType: head.ContentType } : {}),
        metadata,
        name: file.name,
        // A multipart token binds name, size, type and metadata: a digest or date sent at completion is not passed on as signed.
        file: multipart
          ? { name: file.name, size: file.size, type: file.type, ...(file.metadata ? { metadata: file.metadata } : {}) }
          : file,
        multipart,
      };
    },
  };
}

/**
 * Every single upload that will be confirmed carries metadata `x-amz-meta-upload-ref` (UPLOAD_REFERENCE),
 * signed into its URL or form: a random reference, also the first part of its completion token, so a
 * completion recognises the object its own URL stored. An app's metadata may not use the name.
 */
export { UPLOAD_REFERENCE };

/** The reference of the single upload a completion token was issued for (its first part; not a secret, a tie). */
export function uploadReference(token: string): string {
  return token.slice(0, Math.max(0, token.indexOf('.')));
}

/** A base64 digest as lower-case hex. */
function hexOf(base64: string): string {
  return Array.from(atob(base64), (char) => char.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

export function isStorageError(error: unknown, names?: string[]): boolean {
  if (typeof error !== 'object' || error === null || !('$metadata' in error)) return false;
  return names === undefined || names.includes((error as unknown as { name: string }).name);
}

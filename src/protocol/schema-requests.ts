/**
 * The requests, per operation (docs/protocol.md), with the reference
 * server's rules for the file context written into them. The server checks
 * every request against these (validate-request.ts); types.ts derives the
 * request types from them. Only the server imports this module at run time.
 */
import { MIME_TYPE } from '../server/content-type.js';
import { isPrintableAscii } from '../server/text.js';
import { MAX_BATCH, MAX_METADATA_BYTES, MAX_PARTS_PER_SIGN, S3_LIMITS, UPLOAD_REFERENCE } from './limits.js';
import type { Infer, ObjectOf, Schema } from './schema.js';
import { array, boolean, fallback, integer, isolated, isRecord, object, optional, record, refine, string } from './schema.js';
import { multipartHandle } from './schema-responses.js';

/** Metadata: header-safe names and values, stored in lower case, 2 KiB in all. */
const metadata: Schema<Record<string, string>> = (value, path, dialect) => {
  const refuse = (text: string, field = path): never => dialect.fail(field, text);
  if (!isRecord(value)) return dialect.fail(path, 'an object');
  const clean: Record<string, string> = {};
  let bytes = 0;
  for (const [key, raw] of Object.entries(value)) {
    if (!/^[a-z0-9-]{1,64}$/i.test(key)) refuse(`Metadata key "${key.slice(0, 64)}" may hold only letters, digits and dashes.`);
    // S3 stores metadata names in lower case: two names that differ only in case would be one.
    if (Object.hasOwn(clean, key.toLowerCase())) refuse(`Metadata key "${key}" is given twice (names are not case-sensitive).`);
    if (key.toLowerCase() === UPLOAD_REFERENCE) refuse(`Metadata key "${key}" is reserved for the upload's reference.`, `${path}.${key}`);
    const text = string({ empty: true, max: MAX_METADATA_BYTES })(raw, `${path}.${key}`, dialect, value);
    // Sent as a header: CR, LF, NUL or any other control character could split or end it; S3 stores US-ASCII only.
    if (!isPrintableAscii(text)) {
      refuse(
        `Metadata "${key}" may hold printable ASCII only (no control characters; encode other text, e.g. with encodeURIComponent).`,
        `${path}.${key}`,
      );
    }
    bytes += key.length + text.length;
    clean[key.toLowerCase()] = text;
  }
  if (bytes > MAX_METADATA_BYTES) refuse(`Metadata is larger than ${MAX_METADATA_BYTES} bytes (S3's 2 KB, less the upload's reference).`);
  return clean;
};

/** What the server learns about a file; it decides the object key from this. */
const fileContextFields = {
  /** The file's name as the user's system gave it (not trusted as a key). */
  name: refine(string({ empty: true, max: 1024, code: 'invalid_file' }), (name, path, dialect) => {
    if (name.length === 0) dialect.fail(path, 'The file name is empty.', { code: 'invalid_file' });
    if (name.includes('\0')) dialect.fail(path, 'The file name contains a NUL character.', { code: 'invalid_file' });
    return name;
  }),
  /** Size in bytes. */
  size: integer(0),
  /** MIME type as the browser reported it; may be empty. */
  type: refine(fallback(string({ empty: true, max: 255, code: 'invalid_file' }), ''), (text, path, dialect) => {
    const type = text.trim();
    if (type !== '' && !MIME_TYPE.test(type)) {
      dialect.fail(path, `"${type.slice(0, 80)}" is not a valid MIME type.`, { code: 'type_not_allowed' });
    }
    return type;
  }),
  /**
   * Base64 digest of the whole file, for a single PUT when the server requires
   * integrity (algorithm per `ChecksumAlgorithm`); signed into the URL.
   */
  checksum: optional(string({ empty: true, max: 128 })),
  /** Last-modified time in ms since the epoch, when known. */
  lastModified: optional(integer(0)),
  /** Application metadata for this file (string values only). */
  metadata: optional(metadata),
};
export const fileContext = object(fileContextFields);
export type FileContextType = ObjectOf<typeof fileContextFields>;

/** What every request carries besides `v` and `operation` (checked first). */
const common = {
  /** Lifetime the client asks for its URLs, seconds; the server may refuse (never above 604800, 7 days). */
  expiresIn: optional(integer(1)),
};

/** The fields of each operation's request. */
export const REQUESTS = {
  /** Presign single PUTs for one or more files (batched to save round trips). */
  'presign-put': object({
    ...common,
    // A file the server refuses gets its own verdict; the others are still signed.
    files: array(isolated(fileContext), MAX_BATCH, 'files'),
    /**
     * The client can send these files as form POSTs, which browsers send
     * without a CORS preflight. The server may still answer PUTs.
     */
    post: optional(boolean),
  }),
  'create-multipart': object({
    ...common,
    file: fileContext,
    /** Part size the client would like; the server may choose another. */
    partSize: integer(1),
  }),
  'sign-parts': object({
    ...common,
    /** Base64 digest of each part, by part number, when the upload has a `checksumAlgorithm`. */
    checksums: optional(
      record(string({ empty: true, max: 128 }), (partNumber, path, dialect) => {
        if (!/^[1-9][0-9]{0,4}$/.test(partNumber)) dialect.fail(path, '`checksums` keys must be part numbers.');
      }),
    ),
    file: fileContext,
    upload: multipartHandle,
    /** 1-based part numbers, at most 100 per request. */
    partNumbers: array(integer(1, S3_LIMITS.maxParts), MAX_PARTS_PER_SIGN, 'part numbers'),
  }),
  'list-parts': object({ ...common, file: fileContext, upload: multipartHandle }),
  /** Completes from the parts the store holds (the server lists them: no part list travels, so 10,000 parts fit; a `parts` field is not read). */
  'complete-multipart': object({ ...common, file: fileContext, upload: multipartHandle }),
  'abort-multipart': object({ ...common, file: fileContext, upload: multipartHandle }),
  /** Tells the server a single PUT finished, when its presign answer asked for it (`confirm`). */
  'complete-put': object({
    ...common,
    file: fileContext,
    key: string({ empty: true, max: 1024 }),
    token: string({ empty: true, max: 4096 }),
  }),
};

/** A request's own fields, without `v` and `operation`. */
export type RequestFields<O extends keyof typeof REQUESTS> = Infer<(typeof REQUESTS)[O]>;

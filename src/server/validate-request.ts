import {
  type ChecksumAlgorithm,
  type FileContext,
  type MultipartHandle,
  type Operation,
  PROTOCOL_VERSION,
  type PresignPutRequest,
  type SignRequest,
} from '../protocol/types.js';
import { MIME_TYPE } from './content-type.js';
import { invalid, SignError } from './errors.js';
import { isPrintableAscii, isWellFormed } from './text.js';

/**
 * A request as the handler receives it: a `presign-put` batch keeps each
 * file's own verdict, so one malformed file is refused alone and the others are signed.
 */
export type ParsedRequest =
  | Exclude<SignRequest, PresignPutRequest>
  | (Omit<PresignPutRequest, 'files'> & { files: Array<FileContext | SignError> });

const OPERATIONS: readonly Operation[] = [
  'presign-put',
  'create-multipart',
  'sign-parts',
  'list-parts',
  'complete-multipart',
  'abort-multipart',
  'complete-put',
];
const MAX_NAME_LENGTH = 1024;
/** S3 user metadata is limited to 2 KB in all. */
const MAX_METADATA_BYTES = 2048;
const MAX_BATCH = 100;
const MAX_PARTS_PER_SIGN = 100;

type Json = unknown;

function record(value: Json, field: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(field, `\`${field}\` must be a JSON object.`);
  return value as Record<string, Json>;
}

function integer(value: Json, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalid(field, `\`${field}\` must be a whole number from ${min} to ${max}.`);
  }
  return value;
}

function text(value: Json, field: string, maxLength: number, code: 'invalid_request' | 'invalid_file' = 'invalid_request'): string {
  if (typeof value !== 'string') throw invalid(field, `\`${field}\` must be a string.`, code);
  if (value.length > maxLength) throw invalid(field, `\`${field}\` is longer than ${maxLength} characters.`, code);
  // A lone surrogate is not text: it cannot be encoded into a key, a URL or a header.
  if (!isWellFormed(value)) throw invalid(field, `\`${field}\` is not well-formed Unicode (a lone surrogate).`, code);
  return value;
}

export function validateFile(value: Json, field = 'file'): FileContext {
  const object = record(value, field);
  const name = text(object.name, `${field}.name`, MAX_NAME_LENGTH, 'invalid_file');
  if (name.length === 0) throw invalid(`${field}.name`, 'The file name is empty.', 'invalid_file');
  if (name.includes('\0')) throw invalid(`${field}.name`, 'The file name contains a NUL character.', 'invalid_file');
  const size = integer(object.size, `${field}.size`, 0, Number.MAX_SAFE_INTEGER);
  const type = text(object.type ?? '', `${field}.type`, 255, 'invalid_file').trim();
  if (type !== '' && !MIME_TYPE.test(type))
    throw invalid(`${field}.type`, `"${type.slice(0, 80)}" is not a valid MIME type.`, 'type_not_allowed');
  const file: FileContext = { name, size, type };
  if (object.checksum !== undefined) file.checksum = text(object.checksum, `${field}.checksum`, 128);
  if (object.lastModified !== undefined)
    file.lastModified = integer(object.lastModified, `${field}.lastModified`, 0, Number.MAX_SAFE_INTEGER);
  if (object.metadata !== undefined) {
    const metadata = record(object.metadata, `${field}.metadata`);
    let bytes = 0;
    const seen = new Set<string>();
    const clean: Record<string, string> = {};
    for (const [key, metaValue] of Object.entries(metadata)) {
      if (!/^[a-z0-9-]{1,64}$/i.test(key))
        throw invalid(`${field}.metadata`, `Metadata key "${key.slice(0, 64)}" may hold only letters, digits and dashes.`);
      // S3 stores metadata names in lower case: two names that differ only in case would be one.
      if (seen.has(key.toLowerCase()))
        throw invalid(`${field}.metadata`, `Metadata key "${key}" is given twice (names are not case-sensitive).`);
      seen.add(key.toLowerCase());
      const stringValue = text(metaValue, `${field}.metadata.${key}`, MAX_METADATA_BYTES);
      // Sent as a header: CR, LF, NUL or any other control character could split or end it; S3 stores US-ASCII only.
      if (!isPrintableAscii(stringValue)) {
        throw invalid(
          `${field}.metadata.${key}`,
          `Metadata "${key}" may hold printable ASCII only (no control characters; encode other text, e.g. with encodeURIComponent).`,
        );
      }
      bytes += key.length + stringValue.length;
      clean[key.toLowerCase()] = stringValue;
    }
    if (bytes > MAX_METADATA_BYTES) throw invalid(`${field}.metadata`, `Metadata is larger than ${MAX_METADATA_BYTES} bytes.`);
    file.metadata = clean;
  }
  return file;
}

function validateUpload(value: Json): MultipartHandle {
  const object = record(value, 'upload');
  return {
    key: text(object.key, 'upload.key', 1024),
    uploadId: text(object.uploadId, 'upload.uploadId', 1024),
    partSize: integer(object.partSize, 'upload.partSize', 1, Number.MAX_SAFE_INTEGER),
    token: text(object.token ?? '', 'upload.token', 4096),
    ...(object.checksumAlgorithm === undefined ? {} : { checksumAlgorithm: checksumAlgorithm(object.checksumAlgorithm) }),
  };
}

function checksumAlgorithm(value: Json): ChecksumAlgorithm {
  if (value !== 'md5' && value !== 'sha256' && value !== 'crc32')
    throw invalid('upload.checksumAlgorithm', '`upload.checksumAlgorithm` must be md5, sha256 or crc32.');
  return value;
}

function validateChecksums(value: Json): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  const object = record(value, 'checksums');
  for (const [partNumber, digest] of Object.entries(object)) {
    if (!/^[1-9][0-9]{0,4}$/.test(partNumber)) throw invalid('checksums', '`checksums` keys must be part numbers.');
    text(digest, `checksums.${partNumber}`, 128);
  }
  return object as Record<string, string>;
}

function validatePartNumbers(value: Json): number[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_PARTS_PER_SIGN) {
    throw invalid('partNumbers', `\`partNumbers\` must be an array of 1 to ${MAX_PARTS_PER_SIGN} part numbers.`);
  }
  return value.map((number, index) => integer(number, `partNumbers[${index}]`, 1, 10_000));
}

/** Checks a parsed JSON body against protocol v1; throws SignError naming the bad field. */
export function validateRequest(body: Json): ParsedRequest {
  const object = record(body, 'body');
  if (object.v !== PROTOCOL_VERSION) {
    throw new SignError(
      400,
      'unsupported_version',
      object.v === undefined
        ? `This endpoint speaks protocol version ${PROTOCOL_VERSION}; the request names no version (\`v\`).`
        : `This endpoint speaks protocol version ${PROTOCOL_VERSION}; the request says ${JSON.stringify(object.v)}.`,
      'v',
    );
  }
  const operation = object.operation;
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation as Operation)) {
    throw new SignError(
      400,
      'unknown_operation',
      `${operation === undefined ? 'The request names no `operation`' : `Unknown operation ${JSON.stringify(operation)}`}; expected one of ${OPERATIONS.join(', ')}.`,
      'operation',
    );
  }
  const v = PROTOCOL_VERSION;
  // Only the upper bound is the protocol's; the server's own maximum is checked when signing.
  const expiresIn = object.expiresIn === undefined ? {} : { expiresIn: integer(object.expiresIn, 'expiresIn', 1, Number.MAX_SAFE_INTEGER) };
  switch (operation as Operation) {
    case 'presign-put': {
      if (!Array.isArray(object.files) || object.files.length === 0 || object.files.length > MAX_BATCH) {
        throw invalid('files', `\`files\` must be an array of 1 to ${MAX_BATCH} files.`);
      }
      if (object.post !== undefined && typeof object.post !== 'boolean') throw invalid('post', '`post` must be true or false.');
      return {
        v,
        ...expiresIn,
        operation: 'presign-put',
        files: object.files.map((file, index) => {
          try {
            return validateFile(file, `files[${index}]`);
          } catch (error) {
            if (error instanceof SignError) return error;
            throw error;
          }
        }),
        ...(object.post === true ? { post: true } : {}),
      };
    }
    case 'create-multipart':
      return {
        v,
        ...expiresIn,
        operation: 'create-multipart',
        file: validateFile(object.file),
        partSize: integer(object.partSize, 'partSize', 1, Number.MAX_SAFE_INTEGER),
      };
    case 'sign-parts': {
      const checksums = validateChecksums(object.checksums);
      return {
        v,
        ...expiresIn,
        operation: 'sign-parts',
        file: validateFile(object.file),
        upload: validateUpload(object.upload),
        partNumbers: validatePartNumbers(object.partNumbers),
        ...(checksums ? { checksums } : {}),
      };
    }
    case 'list-parts':
      return { v, operation: 'list-parts', file: validateFile(object.file), upload: validateUpload(object.upload) };
    case 'complete-multipart':
      // The server completes from the store's own list of parts (ListParts), so a client's `parts`, if any, are not read.
      return { v, operation: 'complete-multipart', file: validateFile(object.file), upload: validateUpload(object.upload) };
    case 'abort-multipart':
      return { v, operation: 'abort-multipart', file: validateFile(object.file), upload: validateUpload(object.upload) };
    case 'complete-put':
      return {
        v,
        operation: 'complete-put',
        file: validateFile(object.file),
        key: text(object.key, 'key', 1024),
        token: text(object.token, 'token', 4096),
      };
  }
}

/**
 * The server's dialect of the protocol schema (src/protocol/schema-requests.ts):
 * each refusal names its field, with the code and the sentence the signer has
 * always answered.
 */
import { describe, expect, it } from 'vitest';
import { SignError } from '../../../src/server/errors.js';
import { validateRequest } from '../../../src/server/validate-request.js';

const MiB = 1024 * 1024;
const file = { name: 'photo.jpg', size: 1000, type: 'image/jpeg' };
const upload = { key: 'incoming/x/a.bin', uploadId: 'u', partSize: 8 * MiB, token: 't' };

function refusal(body: unknown) {
  try {
    validateRequest(body);
  } catch (error) {
    if (error instanceof SignError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('accepted');
}

describe('validateRequest', () => {
  it.each<[string, unknown, string, string, string]>([
    ['a body that is no object', [], 'invalid_request', 'body', '`body` must be a JSON object.'],
    ['no files', { v: 1, operation: 'presign-put', files: [] }, 'invalid_request', 'files', '`files` must be an array of 1 to 100 files.'],
    [
      'post as a string',
      { v: 1, operation: 'presign-put', files: [file], post: 'yes' },
      'invalid_request',
      'post',
      '`post` must be true or false.',
    ],
    [
      'expiresIn 0',
      { v: 1, operation: 'presign-put', files: [file], expiresIn: 0 },
      'invalid_request',
      'expiresIn',
      '`expiresIn` must be a whole number from 1 to 9007199254740991.',
    ],
    [
      'a name too long',
      { v: 1, operation: 'create-multipart', file: { ...file, name: 'a'.repeat(1025) }, partSize: 1 },
      'invalid_file',
      'file.name',
      '`file.name` is longer than 1024 characters.',
    ],
    [
      'a lone surrogate',
      { v: 1, operation: 'create-multipart', file: { ...file, name: '\ud800' }, partSize: 1 },
      'invalid_file',
      'file.name',
      '`file.name` is not well-formed Unicode (a lone surrogate).',
    ],
    [
      'an empty name',
      { v: 1, operation: 'create-multipart', file: { ...file, name: '' }, partSize: 1 },
      'invalid_file',
      'file.name',
      'The file name is empty.',
    ],
    [
      'a type that is no MIME type',
      { v: 1, operation: 'create-multipart', file: { ...file, type: 'text' }, partSize: 1 },
      'type_not_allowed',
      'file.type',
      '"text" is not a valid MIME type.',
    ],
    [
      'metadata out of ASCII',
      { v: 1, operation: 'create-multipart', file: { ...file, metadata: { a: 'é' } }, partSize: 1 },
      'invalid_request',
      'file.metadata.a',
      'Metadata "a" may hold printable ASCII only (no control characters; encode other text, e.g. with encodeURIComponent).',
    ],
    [
      'a part number key that is none',
      { v: 1, operation: 'sign-parts', file, upload, partNumbers: [1], checksums: { x: 'a' } },
      'invalid_request',
      'checksums',
      '`checksums` keys must be part numbers.',
    ],
    [
      'part 10,001',
      { v: 1, operation: 'sign-parts', file, upload, partNumbers: [10_001] },
      'invalid_request',
      'partNumbers[0]',
      '`partNumbers[0]` must be a whole number from 1 to 10000.',
    ],
    [
      '101 part numbers',
      { v: 1, operation: 'sign-parts', file, upload, partNumbers: Array(101).fill(1) },
      'invalid_request',
      'partNumbers',
      '`partNumbers` must be an array of 1 to 100 part numbers.',
    ],
    [
      'an unknown checksum algorithm',
      { v: 1, operation: 'list-parts', file, upload: { ...upload, checksumAlgorithm: 'sha1' } },
      'invalid_request',
      'upload.checksumAlgorithm',
      '`upload.checksumAlgorithm` must be md5, sha256 or crc32.',
    ],
    [
      'an upload without a key',
      { v: 1, operation: 'list-parts', file, upload: { ...upload, key: undefined } },
      'invalid_request',
      'upload.key',
      '`upload.key` must be a string.',
    ],
    [
      'an upload with an empty key',
      { v: 1, operation: 'list-parts', file, upload: { ...upload, key: '' } },
      'invalid_request',
      'upload.key',
      '`upload.key` is empty.',
    ],
    [
      'a complete-put without a token',
      { v: 1, operation: 'complete-put', file, key: 'k' },
      'invalid_request',
      'token',
      '`token` must be a string.',
    ],
  ])('%s', (_label, body, code, field, message) => {
    expect(refusal(body)).toEqual({ code, field, message });
  });

  it('keeps each file’s own verdict in a batch, and cleans what it accepts', () => {
    const parsed = validateRequest({
      v: 1,
      operation: 'presign-put',
      files: [
        { ...file, size: -1 },
        { ...file, type: ' text/plain ', metadata: { Owner: '42' }, extra: 1 },
      ],
    });
    if (parsed.operation !== 'presign-put') throw new Error('operation');
    expect(parsed.files[0]).toBeInstanceOf(SignError);
    expect(parsed.files[1]).toEqual({ ...file, type: 'text/plain', metadata: { owner: '42' } });
  });
});

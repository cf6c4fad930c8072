import { describe, expect, it } from 'vitest';
import { createSignHandler } from '../../../src/server/index.js';
import { UploadTokens } from '../../../src/server/token.js';
import { offlineStore, photoPutHeaders, postJson, TEST_SECRET } from '../../support/sign-handler.js';

const MiB = 1024 * 1024;
const errors: unknown[] = [];
// Presigning needs no network; the endpoint below is never contacted except by the storage-failure test.
const options = {
  ...offlineStore,
  prefix: 'incoming/',
  maxFileSize: 100 * MiB,
  secret: TEST_SECRET,
  onError: (error: unknown) => errors.push(error),
};
const handler = createSignHandler(options);

const file = { name: 'photo.jpg', size: 1000, type: 'image/jpeg' };
const tokens = new UploadTokens(new TextEncoder().encode(TEST_SECRET));
const bigFile = { ...file, size: 20 * MiB };
/** A handle as this server would have issued it at create-multipart (for a 20 MiB file). */
async function handleFor(key = 'incoming/0f3c/photo.jpg', uploadId = 'abc', size = bigFile.size, partSize = 8 * MiB) {
  const token = await tokens.issue(3600, 'multipart', key, uploadId, size, partSize, '', bigFile.name, bigFile.type, '[]');
  return { key, uploadId, partSize, token };
}
const upload = await handleFor();

const call = (body: unknown) => postJson(handler, body);

describe('createSignHandler', () => {
  it('presigns a PUT under the prefix with Content-Type signed, a short expiry and the time it ends', async () => {
    const before = Date.now();
    const { status, body } = await call({ v: 1, operation: 'presign-put', files: [file] });
    expect(status).toBe(200);
    const [result] = body.results;
    expect(result.ok).toBe(true);
    expect(result.key).toMatch(/^incoming\/[0-9a-f-]{36}\/photo\.jpg$/);
    const url = new URL(result.url);
    expect(url.pathname).toBe(`/uploads-bucket/${result.key}`);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('600');
    // Type, size, disposition, ACL and create-only are signed: a client cannot send other values (or leave them out).
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe(
      'cache-control;content-disposition;content-length;content-type;host;if-none-match;x-amz-acl',
    );
    expect(result.headers).toEqual(photoPutHeaders);
    const expires = Date.parse(result.expiresAt);
    expect(expires).toBeGreaterThanOrEqual(before + 600_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 600_000);
  });

  it('answers each file of a batch separately: one over the limit does not sink the rest', async () => {
    const { status, body } = await call({ v: 1, operation: 'presign-put', files: [file, { ...file, size: 101 * MiB }] });
    expect(status).toBe(200);
    expect(body.results[0].ok).toBe(true);
    expect(body.results[1]).toEqual({
      ok: false,
      error: {
        code: 'file_too_large',
        message: `"photo.jpg" is ${101 * MiB} bytes; the limit is ${100 * MiB} bytes.`,
        field: 'files[1].size',
      },
    });
  });

  it.each([
    ['../../etc/passwd', /\/passwd$/],
    ['/absolute/path/evil.sh', /\/evil\.sh$/],
    ['C:\\Users\\me\\report.pdf', /\/report\.pdf$/],
    ['..', /\/file$/],
    ['we"ird <name>?.txt', /\/we_ird _name__\.txt$/],
    ['tab\tand\u0007bell.txt', /\/tab andbell\.txt$/],
    ['Cafe\u0301.txt', /\/Café\.txt$/],
    ['x'.repeat(1000), /\/x{200}$/],
  ])('keeps %j inside the prefix as a safe key', async (name, expected) => {
    const { body } = await call({ v: 1, operation: 'presign-put', files: [{ ...file, name }] });
    const { key } = body.results[0];
    expect(key).toMatch(/^incoming\/[0-9a-f-]{36}\//);
    expect(key).toMatch(expected);
    expect(key.split('/')).toHaveLength(3);
    expect(new TextEncoder().encode(key).length).toBeLessThanOrEqual(1024);
  });

  it('deals part and file URLs out in turn across the alternate endpoints; creates and completes on the main one', async () => {
    const sharded = createSignHandler({ ...options, alternateEndpoints: ['http://localhost:9', { endpoint: 'http://s3-b.test:9' }] });
    const ask = async (body: unknown) => (await postJson(sharded, body)).body;
    const parts = await ask({ v: 1, operation: 'sign-parts', file: bigFile, upload, partNumbers: [1, 2, 3] });
    expect(parts.parts.map((part: { url: string }) => new URL(part.url).host)).toEqual(['127.0.0.1:9', 'localhost:9', 's3-b.test:9']);
    const puts = await ask({ v: 1, operation: 'presign-put', files: [file, file], post: true });
    expect(puts.results.map((result: { url: string }) => new URL(result.url).host)).toEqual(['127.0.0.1:9', 'localhost:9']);
    // The form is posted to the bucket under that host, path style as configured.
    expect(new URL(puts.results[1].url).pathname).toBe('/uploads-bucket/');
  });

  it('signs many parts in one call, each URL for its own part number', async () => {
    const { status, body } = await call({
      v: 1,
      operation: 'sign-parts',
      file: bigFile,
      upload,
      partNumbers: [1, 2, 3],
    });
    expect(status).toBe(200);
    expect(
      body.parts.map((part: { partNumber: number; url: string }) => [part.partNumber, new URL(part.url).searchParams.get('partNumber')]),
    ).toEqual([
      [1, '1'],
      [2, '2'],
      [3, '3'],
    ]);
    for (const part of body.parts) expect(new URL(part.url).searchParams.get('uploadId')).toBe('abc');
  });

  const bad: Array<[string, unknown, number, string]> = [
    ['a body that is not an object', [1, 2], 400, 'invalid_request'],
    ['an unknown version', { v: 2, operation: 'presign-put', files: [file] }, 400, 'unsupported_version'],
    ['an unknown operation', { v: 1, operation: 'delete-everything' }, 400, 'unknown_operation'],
    ['no files', { v: 1, operation: 'presign-put', files: [] }, 400, 'invalid_request'],
    ['`post` that is not a boolean', { v: 1, operation: 'presign-put', post: 'yes', files: [file] }, 400, 'invalid_request'],
    ['a negative size', { v: 1, operation: 'create-multipart', file: { ...file, size: -1 }, partSize: MiB }, 400, 'invalid_request'],
    ['a fractional size', { v: 1, operation: 'create-multipart', file: { ...file, size: 1.5 }, partSize: MiB }, 400, 'invalid_request'],
    [
      'a name with a lone surrogate',
      { v: 1, operation: 'create-multipart', file: { ...bigFile, name: 'a\ud800.bin' }, partSize: MiB },
      400,
      'invalid_file',
    ],
    [
      'metadata with a lone surrogate',
      { v: 1, operation: 'create-multipart', file: { ...bigFile, metadata: { note: '\udfff' } }, partSize: MiB },
      400,
      'invalid_request',
    ],
    ['part number 0', { v: 1, operation: 'sign-parts', file: bigFile, upload, partNumbers: [0] }, 400, 'invalid_request'],
    ['part number 10001', { v: 1, operation: 'sign-parts', file: bigFile, upload, partNumbers: [10001] }, 400, 'invalid_request'],
    ['part number 1.5', { v: 1, operation: 'sign-parts', file: bigFile, upload, partNumbers: [1.5] }, 400, 'invalid_request'],
    ['more parts than the size needs', { v: 1, operation: 'sign-parts', file: bigFile, upload, partNumbers: [4] }, 400, 'invalid_part'],
    [
      'a part size changed after create',
      { v: 1, operation: 'sign-parts', file: bigFile, upload: { ...upload, partSize: MiB }, partNumbers: [1] },
      403,
      'invalid_upload',
    ],
    [
      'an uploadId of another key',
      { v: 1, operation: 'sign-parts', file: bigFile, upload: { ...upload, key: 'incoming/other/victim.bin' }, partNumbers: [1] },
      403,
      'invalid_upload',
    ],
    [
      'another uploadId for this key',
      {
        v: 1,
        operation: 'complete-multipart',
        file: bigFile,
        upload: { ...upload, uploadId: 'someone-elses' },
      },
      403,
      'invalid_upload',
    ],
    [
      'a handle for a file of another size',
      { v: 1, operation: 'sign-parts', file: { ...bigFile, size: 30 * MiB }, upload, partNumbers: [4] },
      403,
      'invalid_upload',
    ],
    ['a handle without a token', { v: 1, operation: 'list-parts', file: bigFile, upload: { ...upload, token: '' } }, 403, 'invalid_upload'],
    [
      'a forged token',
      { v: 1, operation: 'abort-multipart', file: bigFile, upload: { ...upload, token: 'A'.repeat(43) } },
      403,
      'invalid_upload',
    ],
    [
      'a complete-put for a key it did not sign',
      { v: 1, operation: 'complete-put', file, key: 'incoming/x/photo.jpg', token: 'A'.repeat(43) },
      403,
      'invalid_upload',
    ],
    ['an expiry over 7 days', { v: 1, operation: 'presign-put', files: [file], expiresIn: 604_801 }, 400, 'expiry_too_long'],
    ['an expiry over the server’s own', { v: 1, operation: 'presign-put', files: [file], expiresIn: 601 }, 400, 'expiry_too_long'],
    ['an expiry of 0', { v: 1, operation: 'presign-put', files: [file], expiresIn: 0 }, 400, 'invalid_request'],
    [
      'an upload key outside the prefix',
      { v: 1, operation: 'sign-parts', file, upload: { ...upload, key: 'other/x' }, partNumbers: [1] },
      403,
      'invalid_upload',
    ],
    [
      'an upload key that climbs out',
      { v: 1, operation: 'abort-multipart', file, upload: { ...upload, key: 'incoming/../secret' } },
      403,
      'invalid_upload',
    ],
    [
      'a file over the limit at create',
      { v: 1, operation: 'create-multipart', file: { ...file, size: 200 * MiB }, partSize: 8 * MiB },
      413,
      'file_too_large',
    ],
    [
      'a token one character short',
      { v: 1, operation: 'list-parts', file: bigFile, upload: { ...upload, token: upload.token.slice(0, -1) } },
      403,
      'invalid_upload',
    ],
    [
      'a token of 4n+1 characters',
      { v: 1, operation: 'list-parts', file: bigFile, upload: { ...upload, token: 'A'.repeat(45) } },
      403,
      'invalid_upload',
    ],
    [
      'a handle for another name',
      { v: 1, operation: 'sign-parts', file: { ...bigFile, name: 'other.jpg' }, upload, partNumbers: [1] },
      403,
      'invalid_upload',
    ],
    [
      'a handle for another type',
      { v: 1, operation: 'sign-parts', file: { ...bigFile, type: 'text/html' }, upload, partNumbers: [1] },
      403,
      'invalid_upload',
    ],
  ];
  it.each(bad)('refuses %s with a JSON error and signs nothing', async (_label, body, status, code) => {
    const response = await call(body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(response.body.error.message).toEqual(expect.any(String));
    expect(response.text).not.toMatch(/X-Amz-Signature|at .*\.ts:\d+/);
  });

  it('refuses malformed JSON, an oversized body and a wrong method', async () => {
    expect((await call('{"v":1,')).body.error.code).toBe('invalid_request');
    const huge = await call({ v: 1, operation: 'presign-put', files: [file], pad: 'x'.repeat(300 * 1024) });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    const get = await handler(new Request('http://app.test/api/upload'));
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
    expect((await get.json()).error.code).toBe('method_not_allowed');
  });

  it('answers a storage failure with 502 storage_error, no stack, and reports it to onError', async () => {
    errors.length = 0;
    const response = await call({ v: 1, operation: 'create-multipart', file: bigFile, partSize: 8 * MiB });
    expect(response.status).toBe(502);
    expect(response.body.error.code).toBe('storage_error');
    expect(response.text).not.toContain('    at ');
    expect(errors).toHaveLength(1);
  });

  it('refuses an expiry beyond SigV4’s 7 days when created', () => {
    expect(() => createSignHandler({ bucket: 'b', expiresIn: 604_801 })).toThrow(/7 days/);
  });
});

/**
 * Input nobody here would send: each class of hostile request the signer
 * must refuse with a 4xx for that file alone (never a 500, never a signature),
 * options that must stop the server at start-up, and authorisations that
 * must fail closed. The store-enforced half of each rule is in
 * test/integration/signer-rgw.test.ts.
 */
import { describe, expect, it, vi } from 'vitest';
import { S3_LIMITS } from '../../../src/protocol/part-plan.js';
import { createSignHandler, presignDownload, type SignHandlerOptions, sanitizeFileName } from '../../../src/server/index.js';
import { resolveOptions } from '../../../src/server/options.js';
import { offlineStore, postJson, presignPut } from '../../support/sign-handler.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const base: SignHandlerOptions = {
  ...offlineStore,
  prefix: 'incoming',
  secret: 'adversarial-secret-adversarial-secret',
  onError: false,
};
const good = { name: 'photo.jpg', size: 1000, type: 'image/jpeg' };

describe('a batch: each hostile file is refused alone, the others are signed', () => {
  const handler = createSignHandler(base);
  it.each([
    ['a negative size', { ...good, size: -1 }, 'invalid_request'],
    ['a size of NaN (null in JSON)', { ...good, size: null }, 'invalid_request'],
    ['a size that is a string', { ...good, size: '10' }, 'invalid_request'],
    ['a NUL in the name', { ...good, name: 'a\u0000.txt' }, 'invalid_file'],
    ['an empty name', { ...good, name: '' }, 'invalid_file'],
    ['a 2 KiB name', { ...good, name: 'a'.repeat(2048) }, 'invalid_file'],
    ['a lone high surrogate in the name', { ...good, name: 'photo\ud800.jpg' }, 'invalid_file'],
    ['a lone low surrogate in the name', { ...good, name: '\udc00photo.jpg' }, 'invalid_file'],
    ['CR LF in the type', { ...good, type: 'text/plain\r\nX-Evil: 1' }, 'type_not_allowed'],
    ['a BEL inside a quoted type parameter', { ...good, type: 'text/plain; charset="utf\u0007-8"' }, 'type_not_allowed'],
    ['a NUL inside a quoted type parameter', { ...good, type: 'text/plain; x="\u0000"' }, 'type_not_allowed'],
    ['CR LF in a metadata value', { ...good, metadata: { note: 'a\r\nx-amz-acl: public-read' } }, 'invalid_request'],
    ['NUL in a metadata value', { ...good, metadata: { note: 'a\u0000b' } }, 'invalid_request'],
    ['BEL in a metadata value', { ...good, metadata: { note: 'a\u0007b' } }, 'invalid_request'],
    ['a lone surrogate in a metadata value', { ...good, metadata: { note: '\ud83d' } }, 'invalid_request'],
    ['non-ASCII in a metadata value', { ...good, metadata: { note: 'Zürich' } }, 'invalid_request'],
    ['a metadata name twice, in two cases', { ...good, metadata: { Owner: '1', owner: '2' } }, 'invalid_request'],
    ['a metadata name with a colon', { ...good, metadata: { 'x:y': '1' } }, 'invalid_request'],
    ['metadata that is an array', { ...good, metadata: ['a'] }, 'invalid_request'],
    ['a file that is a string', 'photo.jpg', 'invalid_request'],
    ['a file that is null', null, 'invalid_request'],
    ['a file over 5 GiB as one PUT', { ...good, size: 5 * GiB + 1 }, 'file_too_large'],
  ])('%s', async (_label, hostile, code) => {
    const { status, body, text } = await postJson(handler, { v: 1, operation: 'presign-put', files: [hostile, good] });
    expect(status).toBe(200);
    expect(body.results[0]).toMatchObject({ ok: false, error: { code } });
    expect(body.results[1]).toMatchObject({ ok: true, method: 'PUT' });
    expect(text.match(/X-Amz-Signature/g)).toHaveLength(1);
  });

  it('refuses the same hostile file in create-multipart with a 400, not a 500 or a retryable 502', async () => {
    for (const file of [
      { ...good, size: 20 * MiB, name: 'big\ud800.bin' },
      { ...good, size: 20 * MiB, metadata: { note: '\udfff' } },
      { ...good, size: 20 * MiB, metadata: { note: 'a\nb' } },
    ]) {
      const { status } = await postJson(handler, { v: 1, operation: 'create-multipart', file, partSize: 8 * MiB });
      expect(status).toBe(400);
    }
  });
});

describe('tokens of any shape are a 403, never a 500', () => {
  const handler = createSignHandler(base);
  const file = { ...good, size: 20 * MiB };
  it.each(['', 'A', 'AB', 'ABCDE', 'A'.repeat(45), '0.', '.A', `zz.${'A'.repeat(43)}`, '%%%', '1.'.repeat(30), 'A'.repeat(4000)])(
    '%j',
    async (token) => {
      const upload = { key: 'incoming/x/a.bin', uploadId: 'u', partSize: 8 * MiB, token };
      for (const operation of ['list-parts', 'abort-multipart', 'complete-multipart']) {
        expect((await postJson(handler, { v: 1, operation, file, upload })).status).toBe(403);
      }
      expect((await postJson(handler, { v: 1, operation: 'complete-put', file, key: 'incoming/x/a.bin', token })).status).toBe(403);
    },
  );
});

describe('cross-site simple requests never reach authorize', () => {
  const authorize = vi.fn(() => true);
  const handler = createSignHandler({ ...base, authorize });
  const body = JSON.stringify({ v: 1, operation: 'presign-put', files: [good] });
  it.each([
    'text/plain',
    'text/plain;charset=UTF-8',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    '',
    'application/jsonx',
  ])('content-type %j: 415', async (type) => {
    const response = await handler(new Request('http://app.test/api/upload', { method: 'POST', headers: { 'content-type': type }, body }));
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
    expect(authorize).not.toHaveBeenCalled();
  });

  it('accepts application/json with a charset, and answers with nosniff', async () => {
    const { status, headers } = await postJson(handler, body, { 'content-type': 'application/json; charset=utf-8' });
    expect(status).toBe(200);
    expect(headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('refuses a body that is not UTF-8 with a 400', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
    const response = await handler(
      new Request('http://app.test/api/upload', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes }),
    );
    expect(response.status).toBe(400);
  });
});

describe('authorize fails closed', () => {
  const answer = (verdict: unknown) => createSignHandler({ ...base, authorize: (() => verdict) as SignHandlerOptions['authorize'] });
  it.each([undefined, null, 0, '', Number.NaN, 1, 'yes', [], [{ prefix: 'x' }], () => true, Promise.resolve(undefined)])(
    '%j refuses (403)',
    async (verdict) => {
      const { status, body, text } = await postJson(answer(verdict), { v: 1, operation: 'presign-put', files: [good] });
      expect(status).toBe(403);
      expect(body.error.code).toBe('forbidden');
      expect(text).not.toContain('X-Amz-Signature');
    },
  );

  it('allows true, an empty grant and a grant with a prefix', async () => {
    expect((await postJson(answer(true), { v: 1, operation: 'presign-put', files: [good] })).status).toBe(200);
    expect((await presignPut(answer({}), [good]))[0].key).toMatch(/^incoming\//);
    const granted = await postJson(answer({ prefix: 'users/42' }), { v: 1, operation: 'presign-put', files: [good] });
    expect(granted.body.results[0].key).toMatch(/^users\/42\/[0-9a-f-]{36}\/photo\.jpg$/);
  });

  it.each([
    '',
    '.',
    './',
    '/',
    '..',
    'users/',
    'users/.',
    'users/./',
    'users//',
    'users/..',
    'users/../admin',
    '/users/42',
    'users/42/',
    'users/ 42',
    'users\\42',
    'users/\u202e42',
    'users/4\u200b2',
    'users/\u0000',
    'users/\ud800',
    42,
    null,
  ])('a per-user prefix %j is refused (403), never widened to its parent', async (prefix) => {
    const { status } = await postJson(answer({ prefix }), { v: 1, operation: 'presign-put', files: [good] });
    expect(status).toBe(403);
  });

  it('types: `return user && { prefix }` with an optional user does not compile', () => {
    const user = undefined as { id: string } | undefined;
    // @ts-expect-error undefined is not an AuthorizeResult: it would mean "allowed" to a careless reader.
    const options: SignHandlerOptions = { ...base, authorize: () => user && { prefix: `users/${user.id}` } };
    expect(options.authorize).toBeDefined();
  });
});

describe('the signed Content-Type is one the rules allow for the name (README list: image/*, application/pdf, .csv)', () => {
  const handler = createSignHandler({ ...base, allowedTypes: ['image/*', 'application/pdf', '.csv'] });
  const sign = async (name: string, type: string) => (await presignPut(handler, [{ name, size: 10, type }]))[0];
  it.each([
    ['drawing.svg', 'image/svg+xml'],
    ['drawing.svg', 'Image/SVG+XML'],
    ['drawing.svg', 'image/svg+xml; charset=utf-8'],
    ['report.csv', 'text/html'],
    ['report.csv', 'application/xhtml+xml'],
    ['report.csv', 'text/javascript'],
    ['report.csv', 'application/xml'],
    ['report.csv', 'image/svg+xml'],
    ['page.html', 'text/html'],
    ['photo.jpg', 'text/html'],
    ['photo.jpg', ''],
    // Whitespace around a parameter's `;` is spaces only: CR, LF or TAB would be signed into a header.
    ['photo.png', 'image/png\r\n; a=b'],
    ['photo.png', 'image/png\n;x-amz-acl=public-read'],
    ['photo.png', 'image/png\t; charset=utf-8'],
  ])('refuses %s declared %j (415)', async (name, type) => {
    const result = await sign(name, type);
    expect(result).toMatchObject({ ok: false, error: { code: 'type_not_allowed' } });
  });

  it.each([
    ['photo.png', 'image/png', 'image/png'],
    ['report.pdf', 'application/pdf', 'application/pdf'],
    ['report.csv', 'text/csv', 'text/csv'],
    ['report.csv', 'application/vnd.ms-excel', 'application/vnd.ms-excel'],
    ['report.csv', '', 'application/octet-stream'],
    ['REPORT.CSV', 'text/plain', 'text/plain'],
  ])('signs %s declared %j as %j', async (name, type, signed) => {
    const result = await sign(name, type);
    expect(result.ok).toBe(true);
    expect(result.headers['Content-Type']).toBe(signed);
  });

  it('active content only when listed exactly', async () => {
    const explicit = createSignHandler({ ...base, allowedTypes: ['image/svg+xml', '.html'] });
    const results = await presignPut(explicit, [
      { name: 'a.svg', size: 1, type: 'image/svg+xml' },
      { name: 'b.html', size: 1, type: 'text/html' },
      { name: 'c.html', size: 1, type: 'application/xhtml+xml' },
    ]);
    expect(results.map((result: { ok: boolean }) => result.ok)).toEqual([true, true, false]);
  });

  it('without allowedTypes, active content is stored inert as application/octet-stream', async () => {
    const open = createSignHandler(base);
    const [html, svg, text] = await presignPut(open, [
      { name: 'a.html', size: 1, type: 'text/html' },
      { name: 'b.svg', size: 1, type: 'image/svg+xml' },
      { name: 'c.txt', size: 1, type: 'text/plain' },
    ]);
    expect([html.headers['Content-Type'], svg.headers['Content-Type'], text.headers['Content-Type']]).toEqual([
      'application/octet-stream',
      'application/octet-stream',
      'text/plain',
    ]);
    expect(html.headers['Content-Disposition']).toMatch(/^attachment; /);
  });
});

describe('options are validated when the handler is made', () => {
  it.each<[string, Partial<Record<keyof SignHandlerOptions | 'maxFilesize', unknown>>, RegExp]>([
    ['maxFileSize NaN (an unset variable through Number())', { maxFileSize: Number.NaN }, /maxFileSize/],
    ['maxFileSize Infinity', { maxFileSize: Number.POSITIVE_INFINITY }, /maxFileSize/],
    ['maxFileSize negative', { maxFileSize: -1 }, /maxFileSize/],
    ['maxFileSize as a string', { maxFileSize: '5000' }, /maxFileSize/],
    ['maxFileSize above what the store holds', { maxFileSize: 6 * 1024 ** 4 }, /maxFileSize/],
    ['minFileSize above maxFileSize', { maxFileSize: 10, minFileSize: 11 }, /minFileSize/],
    ['maxRequestBytes NaN', { maxRequestBytes: Number.NaN }, /maxRequestBytes/],
    ['maxParts 0', { maxParts: 0 }, /maxParts/],
    ['an empty secret', { secret: '' }, /secret/],
    ['a one-letter secret', { secret: 'a' }, /secret/],
    ['an 8-byte secret', { secret: new Uint8Array(8) }, /secret/],
    ['a secret that is a number', { secret: 42 }, /secret/],
    ['a typo in an option name', { maxFilesize: 10 }, /maxFilesize/],
    ['empty allowedTypes', { allowedTypes: [] }, /allowedTypes/],
    ['an allowedTypes entry that is no type', { allowedTypes: ['image'] }, /allowedTypes/],
    ['expiresIn NaN', { expiresIn: Number.NaN }, /expiresIn/],
    ['expiresIn.part over 7 days', { expiresIn: { part: 604_801 } }, /7 days/],
    ['a checksum the store does not verify', { checksum: 'sha256' }, /checksum/],
    ['an endpoint that is no URL', { endpoint: 'localhost:9000' }, /endpoint/],
    ['an empty bucket', { bucket: '' }, /bucket/],
    ['a prefix that climbs', { prefix: 'a/../b' }, /prefix/],
    ['authorize that is no function', { authorize: true }, /authorize/],
    ['writeOnce as a string', { writeOnce: 'no' }, /writeOnce/],
  ])('%s throws, naming the option', (_label, override, name) => {
    expect(() => createSignHandler({ ...base, ...override } as SignHandlerOptions)).toThrow(name);
  });

  it('says once, loudly, what running without a secret costs', () => {
    const onError = vi.fn();
    createSignHandler({ ...base, secret: undefined, onError });
    expect(onError).toHaveBeenCalledTimes(1);
    expect(String(onError.mock.calls[0]?.[0])).toMatch(/secret/);
  });

  it('logs one redacted line per failure by default; onError: false silences it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const noisy = createSignHandler({ ...base, onError: undefined });
      await postJson(noisy, { v: 1, operation: 'create-multipart', file: { ...good, size: 20 * MiB }, partSize: 8 * MiB });
      expect(log).toHaveBeenCalledTimes(1);
      expect(String(log.mock.calls[0]?.[0])).toMatch(/^\[s3-direct-upload\] /);
      expect(String(log.mock.calls[0]?.[0])).not.toContain('\n');
      log.mockClear();
      const quiet = createSignHandler({ ...base, onError: false });
      await postJson(quiet, { v: 1, operation: 'create-multipart', file: { ...good, size: 20 * MiB }, partSize: 8 * MiB });
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
  });

  it('lets maxFileSize reach what the store holds: 10,000 parts of 5 GiB on AWS, less on R2', () => {
    const aws = resolveOptions({ bucket: 'b', secret: base.secret, onError: false });
    expect(aws.store.name).toBe('aws');
    expect(aws.limits.maxFileSize).toBe(10_000 * 5 * GiB);
    const r2 = resolveOptions({ bucket: 'b', endpoint: 'https://acct.r2.cloudflarestorage.com', secret: base.secret, onError: false });
    expect(r2.store.name).toBe('r2');
    expect(r2.store.postObject).toBe(false);
    expect(r2.limits.maxFileSize).toBeLessThan(5 * 1024 ** 4);
    expect(S3_LIMITS.maxPartSize).toBe(5 * GiB);
  });
});

describe('names', () => {
  it.each([
    ['invoice\u202Efdp.exe', 'invoicefdp.exe'],
    ['a\u200bb\u200c\u200d\u2060c\ufeff.txt', 'abc.txt'],
    ['\u2066evil\u2069.pdf', 'evil.pdf'],
    ['x\u3164\u115f.txt', 'x.txt'],
    ['CON', '_CON'],
    ['nul.txt', '_nul.txt'],
    ['com1.log', '_com1.log'],
    ['LPT9', '_LPT9'],
    ['report.pdf. . .', 'report.pdf'],
    ['report.pdf   ', 'report.pdf'],
    ['\u202e', 'file'],
    ['a\ud800b.txt', 'ab.txt'],
  ])('%j is stored and downloaded as %j', (name, safe) => {
    expect(sanitizeFileName(name)).toBe(safe);
  });

  it('a signed key shows what it is: no bidi override reaches it', async () => {
    const results = await presignPut(createSignHandler(base), [{ ...good, name: 'invoice\u202Efdp.exe' }]);
    expect(results[0].key).toMatch(/\/invoicefdp\.exe$/);
  });
});

describe('presignDownload', () => {
  const storage = { bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, credentials: base.credentials };
  it('cleans a hostile download name instead of throwing', async () => {
    const url = new URL(await presignDownload(storage, { key: 'uploads/x/a.pdf', filename: 'invoice\u202Efdp.exe\ud800' }));
    expect(url.searchParams.get('response-content-disposition')).toBe(
      `attachment; filename="invoicefdp.exe"; filename*=UTF-8''invoicefdp.exe`,
    );
  });

  it('refuses a key that is not well-formed, and a key outside the given prefix', async () => {
    await expect(presignDownload(storage, { key: 'uploads/\ud800' })).rejects.toThrow(TypeError);
    await expect(presignDownload(storage, { key: '' })).rejects.toThrow(TypeError);
    await expect(presignDownload(storage, { key: 'users/41/x.pdf', prefix: 'users/42' })).rejects.toThrow(RangeError);
    await expect(presignDownload(storage, { key: 'users/42/../41/x.pdf', prefix: 'users/42' })).rejects.toThrow(RangeError);
    await expect(presignDownload(storage, { key: 'users/42/x.pdf', prefix: 'users/42' })).resolves.toMatch(/^http/);
  });
});

describe('completions bind what was signed', () => {
  it('a complete-put with another name, type or metadata than signed is refused; an expired token too', async () => {
    const handler = createSignHandler({ ...base, onUploadComplete: () => undefined });
    const file = { ...good, metadata: { owner: '42' } };
    const [signed] = await presignPut(handler, [file]);
    for (const other of [
      { ...file, name: 'evil.html' },
      { ...file, type: 'image/png' },
      { ...file, metadata: { owner: '41' } },
      { ...file, size: 1001 },
    ]) {
      const { status } = await postJson(handler, { v: 1, operation: 'complete-put', file: other, key: signed.key, token: signed.token });
      expect(status).toBe(403);
    }
    vi.useFakeTimers({ now: Date.now() + 3600_000, toFake: ['Date'] });
    try {
      const late = await postJson(handler, { v: 1, operation: 'complete-put', file, key: signed.key, token: signed.token });
      expect(late.status).toBe(403);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('messages say what is missing', () => {
  it('names a missing version or operation instead of printing "undefined"', async () => {
    const handler = createSignHandler(base);
    const noVersion = await postJson(handler, { operation: 'presign-put', files: [good] });
    expect(noVersion.body.error.message).toContain('names no version');
    expect(noVersion.text).not.toContain('undefined');
    const noOperation = await postJson(handler, { v: 1 });
    expect(noOperation.body.error.message).toContain('names no `operation`');
  });
});

import express from 'express';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { toExpressHandler } from '../../../src/server/express.js';
import {
  createSignHandler,
  presignDownload,
  type SignHandler,
  type SignHandlerOptions,
  toNodeListener,
} from '../../../src/server/index.js';
import { UploadTokens } from '../../../src/server/token.js';
import { closeServers, listen, rawStatus } from '../../support/listen.js';
import { offlineStore, postJson, presignPut } from '../../support/sign-handler.js';

const MiB = 1024 * 1024;
const SECRET = 'red-team-secret-red-team-secret-red';
const base: SignHandlerOptions = { ...offlineStore, prefix: 'incoming', secret: SECRET, onError: false };
const good = { name: 'photo.jpg', size: 1000, type: 'image/jpeg' };
const bigFile = { name: 'big.bin', size: 20 * MiB, type: 'application/octet-stream' };
const tokens = new UploadTokens(new TextEncoder().encode(SECRET));

/** A multipart handle as this server would issue it at create-multipart for `file`. */
async function handleFor(file: { name: string; size: number; type: string }, key = 'incoming/0f3c/big.bin', uploadId = 'up-1') {
  const partSize = 8 * MiB;
  const token = await tokens.issue(3600, 'multipart', key, uploadId, file.size, partSize, '', file.name, file.type, '[]');
  return { key, uploadId, partSize, token };
}

/** sign-parts of part 1 of `bigFile`'s upload, with `token` in place of the one issued. */
const signPartWith = (handler: SignHandler, upload: Awaited<ReturnType<typeof handleFor>>, token: string) =>
  postJson(handler, { v: 1, operation: 'sign-parts', file: bigFile, upload: { ...upload, token }, partNumbers: [1] });

const signatures = (text: string) => text.match(/X-Amz-Signature/g)?.length ?? 0;

afterEach(closeServers);

describe('JSON oddities are a 400 and sign nothing', () => {
  const handler = createSignHandler(base);
  it.each([
    ['an empty body', ''],
    ['null', 'null'],
    ['a JSON string', '"presign-put"'],
    ['a number', '42'],
    ['an array of requests', JSON.stringify([{ v: 1, operation: 'presign-put', files: [good] }])],
    ['a trailing second object', `${JSON.stringify({ v: 1, operation: 'presign-put', files: [good] })}{}`],
    ['a single-quoted object', "{'v':1}"],
    ['a lone surrogate escaped in the name', '{"v":1,"operation":"presign-put","files":[{"name":"a\\ud800.jpg","size":1,"type":""}]}'],
  ])('%s', async (_label, body) => {
    const { status, text } = await postJson(handler, body);
    expect(status).toBeGreaterThanOrEqual(200);
    expect(status).toBeLessThan(500);
    if (status === 200) {
      // Only the lone-surrogate case is a 200: a per-file refusal.
      expect(JSON.parse(text).results[0]).toMatchObject({ ok: false, error: { code: 'invalid_file' } });
    } else {
      expect(status).toBe(400);
    }
    expect(signatures(text)).toBe(0);
  });

  it('a UTF-16 body declared as JSON with a charset is a 400, not a 500', async () => {
    const json = JSON.stringify({ v: 1, operation: 'presign-put', files: [good] });
    const utf16 = new Uint8Array([0xff, 0xfe, ...Array.from(json).flatMap((char) => [char.charCodeAt(0), 0])]);
    const response = await handler(
      new Request('http://app.test/api/upload', {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-16' },
        body: utf16,
      }),
    );
    expect(response.status).toBe(400);
  });

  it('__proto__ and constructor keys neither pollute prototypes nor stand in for fields', async () => {
    const body =
      '{"v":1,"operation":"presign-put","__proto__":{"files":[{"name":"x.html","size":1,"type":"text/html"}]},' +
      '"files":[{"__proto__":{"size":5},"name":"a.jpg","type":"image/jpeg"},' +
      '{"name":"b.jpg","size":1,"type":"image/jpeg","metadata":{"__proto__":"x"}},' +
      '{"name":"c.jpg","size":1,"type":"image/jpeg","metadata":{"constructor":"y"}}]}';
    const { status, body: answer, text } = await postJson(handler, body);
    expect(status).toBe(200);
    expect(answer.results).toHaveLength(3);
    // No own `size`: the inherited one from "__proto__" is not a size.
    expect(answer.results[0]).toMatchObject({ ok: false, error: { field: 'files[0].size' } });
    expect(answer.results[1]).toMatchObject({ ok: false });
    expect(answer.results[2]).toMatchObject({ ok: true });
    expect(new URL(answer.results[2].url).searchParams.get('x-amz-meta-constructor')).toBe('y');
    expect(signatures(text)).toBe(1);
    expect(({} as Record<string, unknown>).size).toBeUndefined();
    expect(({} as Record<string, unknown>).files).toBeUndefined();
  });

  it('a checksums map with a __proto__ key is a 400', async () => {
    const upload = await handleFor(bigFile);
    const body = `{"v":1,"operation":"sign-parts","file":${JSON.stringify(bigFile)},"upload":${JSON.stringify(upload)},"partNumbers":[1],"checksums":{"__proto__":"AAAA"}}`;
    const { status, text } = await postJson(handler, body);
    expect(status).toBe(400);
    expect(signatures(text)).toBe(0);
  });

  it('a duplicated operation key is read once, the same way everywhere (the last one)', async () => {
    const upload = await handleFor(bigFile);
    const body = `{"v":1,"operation":"presign-put","operation":"sign-parts","files":[${JSON.stringify(good)}],"file":${JSON.stringify(bigFile)},"upload":${JSON.stringify(upload)},"partNumbers":[1]}`;
    const authorize = vi.fn(() => true);
    const { status, body: answer } = await postJson(createSignHandler({ ...base, authorize }), body);
    expect(status).toBe(200);
    expect(authorize).toHaveBeenCalledWith(expect.anything(), expect.objectContaining({ operation: 'sign-parts' }));
    expect(answer.parts).toHaveLength(1);
  });

  it('101 files are a 400; 100 files with one hostile among them sign 99', async () => {
    const tooMany = await postJson(handler, { v: 1, operation: 'presign-put', files: Array.from({ length: 101 }, () => good) });
    expect(tooMany.status).toBe(400);
    expect(signatures(tooMany.text)).toBe(0);
    const files: unknown[] = Array.from({ length: 100 }, () => good);
    files[57] = { ...good, size: 2 ** 53 };
    const mixed = await postJson(handler, { v: 1, operation: 'presign-put', files });
    expect(mixed.status).toBe(200);
    expect(mixed.body.results[57]).toMatchObject({ ok: false, error: { field: 'files[57].size' } });
    expect(signatures(mixed.text)).toBe(99);
  });
});

describe('sizes', () => {
  const handler = createSignHandler({ ...base, maxFileSize: 10 * MiB });
  it.each([
    ['2^53', 2 ** 53, 'invalid_request'],
    ['1e21', 1e21, 'invalid_request'],
    ['a fraction', 0.5, 'invalid_request'],
    ['a numeric string', '1e3', 'invalid_request'],
    ['a boolean', true, 'invalid_request'],
    ['an object', { valueOf: 1 }, 'invalid_request'],
    ['one byte over maxFileSize', 10 * MiB + 1, 'file_too_large'],
  ])('size %s is refused for that file alone', async (_label, size, code) => {
    const { body, text } = await postJson(handler, { v: 1, operation: 'presign-put', files: [{ ...good, size }, good] });
    expect(body.results[0]).toMatchObject({ ok: false, error: { code } });
    expect(body.results[1].ok).toBe(true);
    expect(signatures(text)).toBe(1);
  });

  it('signs the exact size as Content-Length, for a 0-byte file too', async () => {
    const [empty] = await presignPut(handler, [{ ...good, size: 0 }]);
    expect(empty.ok).toBe(true);
    expect(new URL(empty.url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
  });

  it('a part size request of 0, -1, 1.5 or a string is a 400 before the store is called', async () => {
    for (const partSize of [0, -1, 1.5, '8388608', null]) {
      const { status } = await postJson(handler, { v: 1, operation: 'create-multipart', file: { ...bigFile, size: 6 * MiB }, partSize });
      expect(status).toBe(400);
    }
  });

  it('maxParts cannot be beaten by a small part size: refused before the store is called', async () => {
    const few = createSignHandler({ ...base, maxParts: 2 });
    const { status, body } = await postJson(few, {
      v: 1,
      operation: 'create-multipart',
      file: { ...bigFile, size: 20 * MiB },
      partSize: 5 * MiB,
    });
    expect(status).toBe(400);
    expect(body.error.code).toBe('file_too_large');
  });
});

describe('expiresIn games', () => {
  const handler = createSignHandler({ ...base, expiresIn: { put: 300, part: 300, post: 60 } });
  it.each([1.5, -1, '60', 1e21, null, true])('expiresIn %j is a 400 and signs nothing', async (expiresIn) => {
    const { status, text } = await postJson(handler, { v: 1, operation: 'presign-put', files: [good], expiresIn });
    expect(status).toBe(400);
    expect(signatures(text)).toBe(0);
  });

  it('a form POST never lives longer than its own (shorter) lifetime, whatever the client asks', async () => {
    const [form] = await presignPut(handler, [good], { post: true, expiresIn: 300 });
    expect(form.method).toBe('POST');
    expect(Date.parse(form.expiresAt) - Date.now()).toBeLessThanOrEqual(60_000);
    const policy = JSON.parse(atob(form.fields.policy));
    expect(Date.parse(policy.expiration) - Date.now()).toBeLessThanOrEqual(60_000);
  });

  it('X-Amz-Expires is what was asked when shorter, and the configured lifetime otherwise', async () => {
    const [asked] = await presignPut(handler, [good], { expiresIn: 60 });
    expect(new URL(asked.url).searchParams.get('X-Amz-Expires')).toBe('60');
    const [plain] = await presignPut(handler, [good]);
    expect(new URL(plain.url).searchParams.get('X-Amz-Expires')).toBe('300');
  });

  it('a part URL cannot be asked for longer than the part lifetime', async () => {
    const upload = await handleFor(bigFile);
    const { status } = await postJson(handler, { v: 1, operation: 'sign-parts', file: bigFile, upload, partNumbers: [1], expiresIn: 301 });
    expect(status).toBe(400);
  });
});

describe('names that try to leave their segment', () => {
  const handler = createSignHandler(base);
  it.each([
    ['full-width dots and slash', '\uff0e\uff0e\uff0fsecret.txt'],
    ['percent-encoded dots', '%2e%2e%2fsecret.txt'],
    ['backslash climbing', '..\\..\\secret.txt'],
    ['only dots', '....'],
    ['dots and spaces', '. . .'],
    ['a single dot', '.'],
    ['two dots', '..'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: S3 POST Object's own placeholder, sent literally
    ['an S3 POST placeholder', '${filename}'],
    ['a line separator', 'a\u2028b.txt'],
    ['a C1 NEL', 'a\u0085b.txt'],
    ['tag characters', 'a\u{E0041}\u{E0042}b.txt'],
    ['a Hangul filler only', '\u3164'],
    ['a 1000-character name of 4-byte characters', '\u{1F600}'.repeat(500)],
  ])('%s: the key stays one clean segment under the prefix', async (_label, name) => {
    const [result] = await presignPut(handler, [{ name, size: 1, type: 'text/plain' }]);
    expect(result.ok).toBe(true);
    const segments = (result.key as string).split('/');
    expect(segments).toHaveLength(3);
    expect(segments[0]).toBe('incoming');
    const last = segments[2] as string;
    expect(last).not.toMatch(/^\.+$/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(last).not.toMatch(/[\\%{}\u0000-\u001f\u007f-\u009f\u2028\u2029]/u);
    expect(last).not.toMatch(/[\p{Cf}]/u);
    expect(new TextEncoder().encode(last).length).toBeLessThanOrEqual(200);
    expect(result.headers['Content-Disposition']).toMatch(/^attachment; filename="[\x20-\x7e]*"; filename\*=UTF-8''[\x21-\x7e]*$/);
  });

  it('a decomposed (NFD) name is stored composed (NFC)', async () => {
    const [result] = await presignPut(handler, [{ name: 'cafe\u0301.txt', size: 1, type: 'text/plain' }]);
    expect(result.key.endsWith('/caf\u00e9.txt')).toBe(true);
  });
});

describe('content types', () => {
  const handler = createSignHandler({ ...base, allowedTypes: ['image/*', 'text/*', 'application/pdf', '.csv'] });
  it.each([
    ['x.png', 'image/png, text/html'],
    ['x.png', 'image/png\ttext/html'],
    ['x.png', 'image/x.evil+xml'],
    ['x.txt', 'text/html'],
    ['x.txt', 'text/HTML; charset=utf-8'],
    ['x.txt', 'text/xml'],
    ['x.txt', 'text/xsl'],
    ['x.txt', 'text/x-component'],
    ['x.txt', 'text/vbscript'],
    ['x.txt', 'text/x-javascript'],
    ['x.txt', 'text/ecmascript'],
    ['x.txt', ' text/html '],
    ['x.pdf', 'application/pdf/html'],
    ['x.png', 'image/png; q="a\\"b"'],
  ])('%s declared %j is refused for that file alone', async (name, type) => {
    const { body, text } = await postJson(handler, { v: 1, operation: 'presign-put', files: [{ name, size: 1, type }, good] });
    expect(body.results[0]).toMatchObject({ ok: false, error: { code: 'type_not_allowed' } });
    expect(body.results[1].ok).toBe(true);
    expect(signatures(text)).toBe(1);
  });

  it('a 300-character type is refused for that file alone', async () => {
    const { body } = await postJson(handler, {
      v: 1,
      operation: 'presign-put',
      files: [{ name: 'x.png', size: 1, type: `image/${'a'.repeat(300)}` }, good],
    });
    expect(body.results[0]).toMatchObject({ ok: false, error: { code: 'invalid_file', field: 'files[0].type' } });
    expect(body.results[1].ok).toBe(true);
  });

  it('create-multipart refuses an active type the same way, with a 415 before the store is called', async () => {
    const { status, body } = await postJson(handler, {
      v: 1,
      operation: 'create-multipart',
      file: { name: 'x.txt', size: 20 * MiB, type: 'text/html' },
      partSize: 8 * MiB,
    });
    expect(status).toBe(415);
    expect(body.error.code).toBe('type_not_allowed');
  });

  it('parameters are kept but never change the essence checked', async () => {
    const [signed] = await presignPut(handler, [{ name: 'x.png', size: 1, type: 'image/png; x="text/html"' }]);
    expect(signed.ok).toBe(true);
    expect(signed.headers['Content-Type']).toBe('image/png; x="text/html"');
  });
});

describe('metadata smuggling', () => {
  const handler = createSignHandler(base);
  it.each([
    ['a 65-character name', { ['a'.repeat(65)]: '1' }],
    ['a name with an underscore', { x_amz: '1' }],
    ['a name with a space', { 'x amz': '1' }],
    ['a non-ASCII name', { 'n\u00e4me': '1' }],
    ['an empty name', { '': '1' }],
    ['a value over 2 KiB', { note: 'a'.repeat(2049) }],
    ['2 KiB in many keys', Object.fromEntries(Array.from({ length: 300 }, (_, index) => [`k${index}`, 'abcd']))],
    ['a number value', { note: 1 }],
    ['a null value', { note: null }],
    ['a nested object', { note: { a: 'b' } }],
    ['a DEL character', { note: 'a\u007fb' }],
    ['a tab', { note: 'a\tb' }],
  ])('%s is refused for that file alone', async (_label, metadata) => {
    const { body, text } = await postJson(handler, { v: 1, operation: 'presign-put', files: [{ ...good, metadata }, good] });
    expect(body.results[0]).toMatchObject({ ok: false });
    expect(body.results[1].ok).toBe(true);
    expect(signatures(text)).toBe(1);
  });

  it('an x-amz-* metadata name stays user metadata: no bare x-amz-acl / x-amz-tagging is signed', async () => {
    const [signed] = await presignPut(handler, [{ ...good, metadata: { 'x-amz-acl': 'public-read', 'x-amz-tagging': 'a=b' } }]);
    const query = new URL(signed.url).searchParams;
    expect(query.get('x-amz-meta-x-amz-acl')).toBe('public-read');
    expect(query.get('x-amz-acl')).toBeNull();
    expect(query.get('x-amz-tagging')).toBeNull();
    expect(signed.headers['x-amz-acl']).toBe('private');
    const [form] = await presignPut(handler, [{ ...good, metadata: { 'x-amz-acl': 'public-read' } }], { post: true });
    expect(form.fields.acl).toBe('private');
    expect(form.fields['x-amz-acl']).toBeUndefined();
    expect(form.fields['x-amz-meta-x-amz-acl']).toBe('public-read');
  });
});

describe('the form POST policy pins every field', () => {
  const handler = createSignHandler(base);
  it('exact size, exact key, type, disposition, ACL and metadata, no starts-with, nothing the form carries unconditioned', async () => {
    const [form] = await presignPut(handler, [{ ...good, size: 777, metadata: { owner: '42' } }], { post: true });
    expect(form.method).toBe('POST');
    const policy = JSON.parse(atob(form.fields.policy)) as { expiration: string; conditions: unknown[] };
    expect(policy.conditions).toContainEqual(['content-length-range', 777, 777]);
    expect(JSON.stringify(policy.conditions)).not.toMatch(/starts-with/i);
    const named = new Map<string, unknown>();
    for (const condition of policy.conditions) {
      if (!Array.isArray(condition)) for (const [name, value] of Object.entries(condition as object)) named.set(name.toLowerCase(), value);
    }
    for (const [name, value] of Object.entries(form.fields as Record<string, string>)) {
      if (name === 'policy' || name === 'x-amz-signature') continue;
      expect(named.get(name.toLowerCase()), name).toBe(value);
    }
    expect(named.get('key')).toBe(form.key);
    expect(named.get('bucket')).toBe(offlineStore.bucket);
    expect(named.get('content-type')).toBe('image/jpeg');
    expect(named.get('x-amz-meta-owner')).toBe('42');
  });
});

describe('tokens bind one upload, one kind, one key', () => {
  const handler = createSignHandler({ ...base, onUploadComplete: () => undefined });
  it('a complete-put token is no multipart token, and the other way round', async () => {
    const [signed] = await presignPut(handler, [good]);
    const asHandle = { key: signed.key, uploadId: 'u', partSize: 8 * MiB, token: signed.token };
    for (const operation of ['sign-parts', 'list-parts', 'abort-multipart', 'complete-multipart']) {
      const { status, text } = await postJson(handler, { v: 1, operation, file: good, upload: asHandle, partNumbers: [1] });
      expect(status).toBe(403);
      expect(signatures(text)).toBe(0);
    }
    const upload = await handleFor(bigFile);
    const { status } = await postJson(handler, { v: 1, operation: 'complete-put', file: bigFile, key: upload.key, token: upload.token });
    expect(status).toBe(403);
  });

  it('a handle cannot be moved to another key, uploadId, part size or checksum algorithm', async () => {
    const upload = await handleFor(bigFile);
    for (const moved of [
      { ...upload, key: 'incoming/0f3c/big.bin\u0000up-1' },
      { ...upload, key: 'incoming/0f3c/BIG.bin' },
      { ...upload, key: 'incoming//0f3c/big.bin' },
      { ...upload, key: 'incoming/0f3c/./big.bin' },
      { ...upload, uploadId: 'up-1 ' },
      { ...upload, partSize: 5 * MiB },
      { ...upload, checksumAlgorithm: 'md5' },
    ]) {
      const { status, text } = await postJson(handler, { v: 1, operation: 'sign-parts', file: bigFile, upload: moved, partNumbers: [1] });
      expect(status).toBe(403);
      expect(signatures(text)).toBe(0);
    }
  });

  it('a server that requires digests refuses a handle whose checksumAlgorithm was dropped', async () => {
    const strict = createSignHandler({ ...base, checksum: 'md5' });
    const partSize = 8 * MiB;
    const token = await tokens.issue(
      3600,
      'multipart',
      'incoming/a/big.bin',
      'u',
      bigFile.size,
      partSize,
      'md5',
      bigFile.name,
      bigFile.type,
      '[]',
    );
    const upload = { key: 'incoming/a/big.bin', uploadId: 'u', partSize, token };
    const { status } = await postJson(strict, { v: 1, operation: 'sign-parts', file: bigFile, upload, partNumbers: [1] });
    expect(status).toBe(403);
  });

  it('a multipart token expires after its 7 days', async () => {
    const upload = { ...(await handleFor(bigFile)) };
    upload.token = await tokens.issue(
      7 * 24 * 3600,
      'multipart',
      upload.key,
      upload.uploadId,
      bigFile.size,
      upload.partSize,
      '',
      bigFile.name,
      bigFile.type,
      '[]',
    );
    vi.useFakeTimers({ now: Date.now() + 7 * 24 * 3600_000 + 1000, toFake: ['Date'] });
    try {
      const { status } = await postJson(handler, { v: 1, operation: 'sign-parts', file: bigFile, upload, partNumbers: [1] });
      expect(status).toBe(403);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a flipped bit in any but the last signature character, or in the expiry, is refused', async () => {
    const upload = await handleFor(bigFile);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const [expiry, signature] = upload.token.split('.') as [string, string];
    const tampered: string[] = [];
    for (let index = 0; index < signature.length - 1; index += 7) {
      const char = signature[index] as string;
      const flipped = alphabet[alphabet.indexOf(char) ^ 32] as string;
      tampered.push(`${expiry}.${signature.slice(0, index)}${flipped}${signature.slice(index + 1)}`);
    }
    const later = (Number.parseInt(expiry, 36) + 1).toString(36);
    tampered.push(`${later}.${signature}`, `${expiry.toUpperCase()}.${signature}`, `${expiry}.${signature}=`, ` ${upload.token}`);
    for (const token of tampered) {
      const { status } = await signPartWith(handler, upload, token);
      expect(status, token).toBe(403);
    }
  });
});

describe('methods other than POST', () => {
  const handler = createSignHandler(base);
  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'])('%s is a 405 with Allow: POST and signs nothing', async (method) => {
    const response = await handler(
      new Request('http://app.test/api/upload', {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'GET' || method === 'HEAD' ? {} : { body: JSON.stringify({ v: 1, operation: 'presign-put', files: [good] }) }),
      }),
    );
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(signatures(await response.text())).toBe(0);
  });

  it('on a node:http server, an unusual method (M-SEARCH, PROPFIND) is a 405 too', async () => {
    const { port } = await listen(toNodeListener(handler));
    for (const method of ['M-SEARCH', 'PROPFIND', 'PURGE']) {
      const { status } = await rawStatus(port, `${method} /api/upload HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n`);
      expect(status, method).toBe(405);
    }
  });
});

describe('presignDownload', () => {
  const storage = {
    bucket: 'b',
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:9',
    forcePathStyle: true,
    credentials: offlineStore.credentials,
  };
  it.each([0, -1, 1.5, 604_801, Number.NaN, Number.POSITIVE_INFINITY])('expiresIn %s is a RangeError', async (expiresIn) => {
    await expect(presignDownload(storage, { key: 'users/42/a.pdf', expiresIn })).rejects.toThrow(RangeError);
  });

  it.each(['users/42/..', 'users/42/../41/a.pdf', 'users/420/a.pdf', 'users/42', 'users/4/2/../../41/a.pdf', '/users/42/a.pdf'])(
    'key %j is outside users/42',
    async (key) => {
      await expect(presignDownload(storage, { key, prefix: 'users/42' })).rejects.toThrow();
    },
  );

  it.each(['users/42/a\r\nb.pdf', 'users/42/a\u0000.pdf', 'users/42/a\u0085.pdf', `users/42/${'a'.repeat(1020)}`])(
    'key %j is refused',
    async (key) => {
      await expect(presignDownload(storage, { key, prefix: 'users/42' })).rejects.toThrow(TypeError);
    },
  );

  it('signs one GET of one key, with attachment disposition by default', async () => {
    const url = new URL(await presignDownload(storage, { key: 'users/42/a.pdf', prefix: 'users/42' }));
    expect(url.pathname).toBe('/b/users/42/a.pdf');
    expect(url.searchParams.get('response-content-disposition')).toMatch(/^attachment; /);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
  });
});

describe('found by the red team (each failed before its fix)', () => {
  const handler = createSignHandler(base);

  it('a deeply nested `v` is a 400 unsupported_version, not a 500', async () => {
    const depth = 100_000;
    const body = `{"v":${'['.repeat(depth)}${']'.repeat(depth)},"operation":"presign-put","files":[]}`;
    const { status, body: answer } = await postJson(handler, body);
    expect(status).toBe(400);
    expect(answer.error.code).toBe('unsupported_version');
  });

  it('a deeply nested `operation` is a 400 unknown_operation, not a 500', async () => {
    const depth = 100_000;
    const body = `{"v":1,"operation":${'['.repeat(depth)}${']'.repeat(depth)}}`;
    const { status, body: answer } = await postJson(handler, body);
    expect(status).toBe(400);
    expect(answer.error.code).toBe('unknown_operation');
  });

  it('a token whose last character differs in its two unused bits is refused (base64url must be canonical)', async () => {
    const upload = await handleFor(bigFile);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = upload.token.at(-1) as string;
    const twin = alphabet[alphabet.indexOf(last) ^ 1] as string;
    const token = `${upload.token.slice(0, -1)}${twin}`;
    expect(token).not.toBe(upload.token);
    const { status, text } = await signPartWith(handler, upload, token);
    expect(status).toBe(403);
    expect(signatures(text)).toBe(0);
  });

  it('a token whose expiry has a leading zero is refused (one token, one spelling)', async () => {
    const upload = await handleFor(bigFile);
    const token = `0${upload.token}`;
    const { status, text } = await signPartWith(handler, upload, token);
    expect(status).toBe(403);
    expect(signatures(text)).toBe(0);
  });

  it('create-multipart for a 0-byte file is refused with a 4xx before the store is called (it could never complete)', async () => {
    const { status } = await postJson(handler, { v: 1, operation: 'create-multipart', file: { ...bigFile, size: 0 }, partSize: 8 * MiB });
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });

  it('node adapter: a TRACE request is a 405, not a 500', async () => {
    const { port } = await listen(toNodeListener(handler));
    const { status } = await rawStatus(port, 'TRACE /api/upload HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
    expect(status).toBe(405);
  });

  it('node adapter: a Host header that is no host name is a 4xx, not a 500', async () => {
    const { port } = await listen(toNodeListener(handler));
    const body = JSON.stringify({ v: 1, operation: 'presign-put', files: [good] });
    const { status } = await rawStatus(
      port,
      `POST /api/upload HTTP/1.1\r\nHost: app test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
  });

  it('express adapter: a TRACE request is answered 405 by the adapter, not passed to next(error)', async () => {
    const next = vi.fn();
    const app = express();
    app.all('/api/upload', toExpressHandler(handler));
    app.use((error: unknown, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
      next(error);
      response.status(500).end();
    });
    const { port } = await listen(app);
    const { status } = await rawStatus(port, 'TRACE /api/upload HTTP/1.1\r\nHost: app.test\r\nConnection: close\r\n\r\n');
    expect(status).toBe(405);
    expect(next).not.toHaveBeenCalled();
  });

  it('express adapter: a cross-site text/plain body parsed by a JSON parser that accepts any type is still a 415, authorize never runs', async () => {
    const authorize = vi.fn(() => true);
    const app = express();
    // A common setup: parse JSON whatever the declared type (`express.json({ type: '*/*' })`).
    app.use(express.json({ type: '*/*' }));
    app.post('/api/upload', toExpressHandler(createSignHandler({ ...base, authorize })));
    const { base: origin } = await listen(app);
    // What a form on another site can send without a preflight, with the user's cookies.
    const response = await fetch(`${origin}/api/upload`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ v: 1, operation: 'presign-put', files: [good] }),
    });
    expect(response.status).toBe(415);
    expect(authorize).not.toHaveBeenCalled();
    expect(signatures(await response.text())).toBe(0);
  });

  it('presignDownload: a per-user prefix built from an empty id ("users/") is refused, never widened to every user', async () => {
    const storage = {
      bucket: 'b',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      credentials: offlineStore.credentials,
    };
    await expect(presignDownload(storage, { key: 'users/41/salary.pdf', prefix: 'users/' })).rejects.toThrow();
  });

  it('presignDownload: a prefix with a dot segment or nothing in it ("users/.", "", "/", ".") is refused, never the whole bucket', async () => {
    const storage = {
      bucket: 'b',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      credentials: offlineStore.credentials,
    };
    for (const prefix of ['users/.', '', '/', '.']) {
      await expect(presignDownload(storage, { key: 'users/41/salary.pdf', prefix }), JSON.stringify(prefix)).rejects.toThrow();
    }
  });

  it('presignDownload: a contentType or disposition with CR/LF or other junk is refused, not signed into the answer headers', async () => {
    const storage = {
      bucket: 'b',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      credentials: offlineStore.credentials,
    };
    await expect(presignDownload(storage, { key: 'users/42/a.pdf', contentType: 'text/plain\r\nSet-Cookie: a=b' })).rejects.toThrow(
      TypeError,
    );
    await expect(presignDownload(storage, { key: 'users/42/a.pdf', disposition: 'inline\r\nX-Evil: 1' as 'inline' })).rejects.toThrow(
      TypeError,
    );
  });
  it('a secret with no entropy (32 equal characters, 32 zero bytes) stops the server at start-up, like a short one', () => {
    for (const secret of ['a'.repeat(32), ' '.repeat(32), new Uint8Array(32), '0'.repeat(64)]) {
      expect(() => createSignHandler({ ...base, secret }), typeof secret === 'string' ? JSON.stringify(secret) : 'zero bytes').toThrow(
        /secret/,
      );
    }
  });
  it('express adapter behind express.json(): a deeply nested field the protocol does not even read is a 4xx, not a 500', async () => {
    const next = vi.fn();
    const app = express();
    app.use(express.json());
    app.post('/api/upload', toExpressHandler(handler));
    app.use((error: unknown, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
      next(error);
      response.status(500).end();
    });
    const { base: origin } = await listen(app);
    const depth = 5000;
    const response = await fetch(`${origin}/api/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"v":1,"operation":"presign-put","files":[${JSON.stringify(good)}],"pad":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    });
    expect(response.status).toBeLessThan(500);
    expect(next).not.toHaveBeenCalled();
  });

  it('a request body that breaks off mid-stream is a 4xx and is not reported to onError as an internal fault', async () => {
    const onError = vi.fn();
    const quiet = createSignHandler({ ...base, onError });
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"v":1,"operation":'));
        controller.error(new Error('client went away'));
      },
    });
    const response = await quiet(
      new Request('http://app.test/api/upload', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit),
    );
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(onError).not.toHaveBeenCalled();
  });
});

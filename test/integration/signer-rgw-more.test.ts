/**
 * Red-team cases against a real, signature-checking store (Ceph RGW), on top
 * of signer-rgw.test.ts: what a signed URL, form or handle lets through when
 * someone holding it bends it, and how the signer answers replays. Each test
 * asserts the safe behaviour. Those grouped at the end, "found by the red
 * team", each failed before the fix that came with them (replayed and late
 * multipart calls, an empty multipart file, writeOnce through multipart and
 * forms, completions of someone else's object, the digest and date told to
 * onUploadComplete).
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSignHandler, presignDownload, type SignHandlerOptions } from '../../src/server/index.js';
import type { RgwServer } from '../support/rgw.js';
import { bytes, call, headObject, postForm, type SignerRgw, startSignerRgw, stopSignerRgw, storedText } from '../support/signer-rgw.js';

const MiB = 1024 * 1024;
const BUCKET = 'signer-red-team';
const SECRET = 'red-team-integration-secret-red-team';
let env: SignerRgw | undefined;
let rgw: RgwServer;
let s3: S3Client;
let storage: SignHandlerOptions;

beforeAll(async () => {
  env = await startSignerRgw(BUCKET, SECRET);
  ({ rgw, s3, storage } = env);
}, 120_000);

afterAll(() => stopSignerRgw(env));

const post = postForm;
const head = (key: string) => headObject(s3, BUCKET, key);
const stored = (key: string) => storedText(s3, BUCKET, key);

async function send(url: string, method: string, body?: BodyInit, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method,
    body,
    headers,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  return { status: response.status, text: await response.text() };
}

const put = (url: string, body: BodyInit, headers: Record<string, string> = {}) => send(url, 'PUT', body, headers);

/** A PUT whose Content-Length header says `declared` while `sent` bytes follow, on a raw socket. */
function putDeclared(url: string, headers: Record<string, string>, declared: number, sent: Uint8Array): Promise<number> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: 'PUT',
        headers: { ...headers, 'content-length': declared },
      },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    request.on('error', () => resolve(0));
    request.setTimeout(5000, () => {
      request.destroy();
      resolve(0);
    });
    request.end(sent);
  });
}

async function multipart(handler: (request: Request) => Promise<Response>, file: { name: string; size: number; type: string }) {
  const created = await call(handler, { operation: 'create-multipart', file, partSize: 5 * MiB });
  expect(created.status).toBe(200);
  return created.body.upload as { key: string; uploadId: string; partSize: number; token: string };
}

describe('a presigned PUT opens one operation on one object with one body', () => {
  it('refuses a shorter body, an empty body, a body streamed without a Content-Length, and a Content-Length that lies', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'exact.bin', size: 5, type: 'application/octet-stream' };
    const results = (await call(handler, { operation: 'presign-put', files: [file, file, file, file, file] })).body.results;
    expect((await put(results[0].url, bytes(3), results[0].headers)).status).toBe(403);
    expect((await put(results[1].url, bytes(0), results[1].headers)).status).toBe(403);
    const stream = new Blob([bytes(50)]).stream();
    const chunked = await put(results[2].url, stream, results[2].headers);
    expect(chunked.status).toBeGreaterThanOrEqual(400);
    expect(chunked.status).toBeLessThan(500);
    // Says 5 bytes, sends 50: RGW reads 5 and the object, if any, is those 5.
    const lying = await putDeclared(results[3].url, results[3].headers, 5, bytes(50, 9));
    if (lying === 200) expect((await head(results[3].key))?.ContentLength).toBe(5);
    for (const refused of [results[0], results[1], results[2]]) expect(await head(refused.key)).toBeUndefined();
    expect((await put(results[4].url, bytes(5), results[4].headers)).status).toBe(200);
  });

  it('the PUT URL cannot GET, HEAD, DELETE or POST the object it stores', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'one-op.txt', size: 4, type: 'text/plain' };
    const signed = (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0];
    expect((await put(signed.url, new TextEncoder().encode('good'), signed.headers)).status).toBe(200);
    for (const method of ['GET', 'HEAD', 'DELETE']) expect((await send(signed.url, method)).status, method).toBe(403);
    expect((await send(signed.url, 'POST', 'x', { 'content-type': 'text/plain' })).status).toBeGreaterThanOrEqual(400);
    expect(await stored(signed.key)).toBe('good');
  });

  it.each([
    ['x-amz-acl', 'public-read'],
    ['x-amz-tagging', 'a=b'],
    ['x-amz-meta-role', 'admin'],
    ['x-amz-website-redirect-location', '/evil'],
    ['response-content-type', 'text/html'],
    ['uploadId', 'x'],
    ['acl', ''],
  ])('a query parameter %s added to the URL is refused', async (name, value) => {
    const handler = createSignHandler(storage);
    const signed = (await call(handler, { operation: 'presign-put', files: [{ name: 'q.txt', size: 3, type: 'text/plain' }] })).body
      .results[0];
    const url = new URL(signed.url);
    url.searchParams.append(name, value);
    expect((await put(url.toString(), bytes(3), signed.headers)).status).toBeGreaterThanOrEqual(400);
    expect(await head(signed.key)).toBeUndefined();
  });

  it.each([
    ['x-amz-grant-read', 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'],
    ['x-amz-grant-full-control', 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'],
    ['x-amz-grant-write-acp', 'uri="http://acs.amazonaws.com/groups/global/AllUsers"'],
    ['x-amz-storage-class', 'STANDARD_IA'],
    ['x-amz-server-side-encryption', 'AES256'],
    ['x-amz-object-lock-mode', 'COMPLIANCE'],
    ['Content-MD5', 'AAAAAAAAAAAAAAAAAAAAAA=='],
  ])('an unsigned %s header is refused by RGW: nothing is stored, nothing is public', async (name, value) => {
    const handler = createSignHandler({ ...storage, onUploadComplete: () => undefined });
    const file = { name: 'grant.txt', size: 3, type: 'text/plain' };
    const signed = (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0];
    const answer = await put(signed.url, bytes(3), { ...signed.headers, [name]: value });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(await head(signed.key)).toBeUndefined();
    const anonymous = await fetch(`${rgw.endpoint}/${BUCKET}/${signed.key.split('/').map(encodeURIComponent).join('/')}`);
    expect(anonymous.status).toBe(403);
  });

  it.each(['a+b c.txt', "it's (1) [final] & done!.txt", 'caf\u00e9 \u65e5\u672c.txt', 'semi;colon=equals,comma@at$.txt'])(
    'a name with URL-special characters (%j) is stored at exactly the signed key and verifies',
    async (name) => {
      const handler = createSignHandler({ ...storage, onUploadComplete: () => undefined });
      const file = { name, size: 3, type: 'text/plain' };
      const signed = (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0];
      expect((await put(signed.url, bytes(3), signed.headers)).status).toBe(200);
      expect(await head(signed.key)).toBeDefined();
      expect((await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token })).status).toBe(200);
    },
  );

  it('a Content-Type that differs only by a parameter or its case is refused', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'typed.txt', size: 3, type: 'text/plain' };
    const [a, b] = (await call(handler, { operation: 'presign-put', files: [file, file] })).body.results;
    expect((await put(a.url, bytes(3), { ...a.headers, 'Content-Type': 'text/plain; charset=utf-7' })).status).toBe(403);
    expect((await put(b.url, bytes(3), { ...b.headers, 'Content-Type': 'text/html' })).status).toBe(403);
  });

  it('metadata named x-amz-acl stays user metadata: the object is not public', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'meta.txt', size: 3, type: 'text/plain', metadata: { 'x-amz-acl': 'public-read' } };
    const [putted, posted] = [
      (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0],
      (await call(handler, { operation: 'presign-put', post: true, files: [file] })).body.results[0],
    ];
    expect((await put(putted.url, bytes(3), putted.headers)).status).toBe(200);
    expect((await post(posted, bytes(3))).status).toBe(204);
    for (const key of [putted.key, posted.key]) {
      const anonymous = await fetch(`${rgw.endpoint}/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`);
      expect(anonymous.status).toBe(403);
      expect((await head(key))?.Metadata).toMatchObject({ 'x-amz-acl': 'public-read' });
    }
  });

  it('an empty metadata value (allowed by the protocol) does not get a verified upload deleted at completion', async () => {
    const handler = createSignHandler({ ...storage, onUploadComplete: () => undefined });
    const file = { name: 'blank.txt', size: 3, type: 'text/plain', metadata: { note: '' } };
    const signed = (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0];
    expect((await put(signed.url, bytes(3), signed.headers)).status).toBe(200);
    const completed = await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    expect(completed.status).toBe(200);
    expect(await head(signed.key)).toBeDefined();
  });
});

describe('a part URL opens one part of one upload', () => {
  it('another part number, another uploadId, or no upload at all is refused', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'parts.bin', size: 10 * MiB, type: 'application/octet-stream' };
    const upload = await multipart(handler, file);
    const [one] = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1] })).body.parts;
    const other = new URL(one.url);
    other.searchParams.set('partNumber', '2');
    expect((await put(other.toString(), bytes(5 * MiB))).status).toBe(403);
    const whole = new URL(one.url);
    whole.searchParams.delete('partNumber');
    whole.searchParams.delete('uploadId');
    expect((await put(whole.toString(), bytes(5 * MiB))).status).toBe(403);
    expect(await head(upload.key)).toBeUndefined();
    const id = new URL(one.url);
    id.searchParams.set('uploadId', `${upload.uploadId}x`);
    expect((await put(id.toString(), bytes(5 * MiB))).status).toBeGreaterThanOrEqual(400);
    expect((await call(handler, { operation: 'list-parts', file, upload })).body.parts).toEqual([]);
    await call(handler, { operation: 'abort-multipart', file, upload });
  });

  it('a part URL signed before an abort stores nothing after it', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'aborted.bin', size: 10 * MiB, type: 'application/octet-stream' };
    const upload = await multipart(handler, file);
    const [one] = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1] })).body.parts;
    expect((await call(handler, { operation: 'abort-multipart', file, upload })).status).toBe(200);
    expect((await put(one.url, bytes(5 * MiB))).status).toBe(404);
    expect(await head(upload.key)).toBeUndefined();
  });

  it('part URLs signed for an upload already completed store nothing, and the object stays as completed', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'done.bin', size: 2 * MiB, type: 'application/octet-stream' };
    const upload = await multipart(handler, file);
    const [one] = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1] })).body.parts;
    expect((await put(one.url, bytes(2 * MiB, 1))).status).toBe(200);
    expect((await call(handler, { operation: 'complete-multipart', file, upload })).status).toBe(200);
    const again = await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1] });
    if (again.status === 200) expect((await put(again.body.parts[0].url, bytes(2 * MiB, 2))).status).toBe(404);
    expect((await put(one.url, bytes(2 * MiB, 3))).status).toBe(404);
    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: upload.key, Range: 'bytes=0-0' }));
    expect(Array.from(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())).toEqual([1]);
  });

  it('a completed multipart object is private, an attachment, private to caches, and of the signed type', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'page.html', size: 2 * MiB, type: 'text/html' };
    const upload = await multipart(handler, file);
    const [one] = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1] })).body.parts;
    expect((await put(one.url, bytes(2 * MiB))).status).toBe(200);
    expect((await call(handler, { operation: 'complete-multipart', file, upload })).status).toBe(200);
    const object = await head(upload.key);
    expect(object?.ContentType).toBe('application/octet-stream');
    expect(object?.ContentDisposition).toMatch(/^attachment; filename="page\.html"/);
    expect(object?.CacheControl).toBe('private');
    const anonymous = await fetch(`${rgw.endpoint}/${BUCKET}/${upload.key.split('/').map(encodeURIComponent).join('/')}`);
    expect(anonymous.status).toBe(403);
  });
});

describe('a form POST stores what its policy names, nothing else', () => {
  it('the file part declared text/html does not change the stored type', async () => {
    const handler = createSignHandler(storage);
    const signed = (await call(handler, { operation: 'presign-put', post: true, files: [{ name: 'f.txt', size: 3, type: 'text/plain' }] }))
      .body.results[0];
    const answer = await post(signed, bytes(3), { fileType: 'text/html' });
    if (answer.status === 204) expect((await head(signed.key))?.ContentType).toBe('text/plain');
    else expect(await head(signed.key)).toBeUndefined();
  });

  it.each<[string, Array<[string, string]>]>([
    ['a second Content-Type field', [['Content-Type', 'text/html']]],
    ['a lower-case content-type field', [['content-type', 'text/html']]],
    ['a second key field', [['key', 'signer-red-team-elsewhere/x.html']]],
    ['a second Content-Disposition field', [['Content-Disposition', 'inline']]],
    ['a second acl field', [['acl', 'public-read']]],
    ['a lower-case cache-control field', [['cache-control', 'public, max-age=31536000']]],
  ])('%s after the signed one is refused, or stored as signed', async (_label, extra) => {
    const handler = createSignHandler(storage);
    const signed = (await call(handler, { operation: 'presign-put', post: true, files: [{ name: 'g.txt', size: 3, type: 'text/plain' }] }))
      .body.results[0];
    const answer = await post(signed, bytes(3), { extra });
    expect(await head('signer-red-team-elsewhere/x.html')).toBeUndefined();
    const object = await head(signed.key);
    if (answer.status >= 400) {
      expect(object).toBeUndefined();
      return;
    }
    expect(object?.ContentType).toBe('text/plain');
    expect(object?.ContentDisposition).toMatch(/^attachment;/);
    expect(object?.CacheControl).toBe('private');
    const anonymous = await fetch(`${rgw.endpoint}/${BUCKET}/${signed.key.split('/').map(encodeURIComponent).join('/')}`);
    expect(anonymous.status).toBe(403);
  });

  it('a second metadata field in another case (X-Amz-Meta-Owner) is refused: the signed owner stays', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'm.txt', size: 3, type: 'text/plain', metadata: { owner: '42' } };
    const signed = (await call(handler, { operation: 'presign-put', post: true, files: [file] })).body.results[0];
    const answer = await post(signed, bytes(3), { extra: [['X-Amz-Meta-Owner', 'mallory']] });
    if (answer.status >= 400) expect(await head(signed.key)).toBeUndefined();
    else expect((await head(signed.key))?.Metadata).toEqual({ owner: '42' });
  });
});

describe('presignDownload against RGW', () => {
  it('a download URL reads one object: not another key, not a PUT, not a DELETE', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'read-me.txt', size: 4, type: 'text/plain' };
    const [a, b] = (await call(handler, { operation: 'presign-put', files: [file, file] })).body.results;
    await put(a.url, new TextEncoder().encode('aaaa'), a.headers);
    await put(b.url, new TextEncoder().encode('bbbb'), b.headers);
    const url = await presignDownload(storage, { key: a.key, expiresIn: 60 });
    expect(await (await fetch(url)).text()).toBe('aaaa');
    expect(
      (await send(url.replace(encodeURI(a.key.split('/').slice(1).join('/')), encodeURI(b.key.split('/').slice(1).join('/'))), 'GET'))
        .status,
    ).toBe(403);
    expect((await send(url, 'PUT', 'evil!', { 'content-type': 'text/plain' })).status).toBe(403);
    expect((await send(url, 'DELETE')).status).toBe(403);
    expect(await stored(a.key)).toBe('aaaa');
  });
});

describe('found by the red team (each failed before its fix)', () => {
  it('a replayed complete-multipart of an upload already completed is a 4xx, not a retryable 502', async () => {
    const seen = vi.fn();
    const handler = createSignHandler({ ...storage, onUploadComplete: seen });
    const file = { name: 'twice.bin', size: 6 * MiB, type: 'application/octet-stream' };
    const upload = await multipart(handler, file);
    const signed = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1, 2] })).body.parts;
    await put(signed[0].url, bytes(5 * MiB));
    await put(signed[1].url, bytes(MiB));
    expect((await call(handler, { operation: 'complete-multipart', file, upload })).status).toBe(200);
    const replay = await call(handler, { operation: 'complete-multipart', file, upload });
    expect(replay.status).toBeGreaterThanOrEqual(400);
    expect(replay.status).toBeLessThan(500);
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('list-parts of an upload already completed is a 4xx, not a retryable 502', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'listed.bin', size: 3 * MiB, type: 'application/octet-stream' };
    const upload = await multipart(handler, file);
    const [one] = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1] })).body.parts;
    await put(one.url, bytes(3 * MiB));
    expect((await call(handler, { operation: 'complete-multipart', file, upload })).status).toBe(200);
    const listed = await call(handler, { operation: 'list-parts', file, upload });
    expect(listed.status).toBeGreaterThanOrEqual(400);
    expect(listed.status).toBeLessThan(500);
  });

  it('list-parts and complete-multipart of an aborted upload are a 4xx, not a retryable 502', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'dropped.bin', size: 3 * MiB, type: 'application/octet-stream' };
    const upload = await multipart(handler, file);
    expect((await call(handler, { operation: 'abort-multipart', file, upload })).status).toBe(200);
    for (const operation of ['list-parts', 'complete-multipart']) {
      const answer = await call(handler, { operation, file, upload });
      expect(answer.status, operation).toBeGreaterThanOrEqual(400);
      expect(answer.status, operation).toBeLessThan(500);
    }
  });

  it('a 0-byte multipart upload is refused with a 4xx (at create or complete), never a 502, and leaves no open upload', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'empty.bin', size: 0, type: 'application/octet-stream' };
    const before = (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads?.length ?? 0;
    const created = await call(handler, { operation: 'create-multipart', file, partSize: 5 * MiB });
    if (created.status === 200) {
      const completed = await call(handler, { operation: 'complete-multipart', file, upload: created.body.upload });
      await call(handler, { operation: 'abort-multipart', file, upload: created.body.upload });
      expect(completed.status).toBeGreaterThanOrEqual(400);
      expect(completed.status).toBeLessThan(500);
    } else {
      expect(created.status).toBeGreaterThanOrEqual(400);
      expect(created.status).toBeLessThan(500);
    }
    expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads?.length ?? 0).toBe(before);
  });

  it('writeOnce (the default): a multipart upload cannot replace an object a create-only PUT stored under the same key', async () => {
    // An app whose key() is name-based and relies on writeOnce to keep one user from replacing another's file.
    const handler = createSignHandler({ ...storage, key: ({ prefix, file }) => `${prefix}/shared/${file.name}` });
    const small = { name: 'report.pdf', size: 4, type: 'application/pdf' };
    const first = (await call(handler, { operation: 'presign-put', files: [small] })).body.results[0];
    expect(first.headers['If-None-Match']).toBe('*');
    expect((await put(first.url, new TextEncoder().encode('good'), first.headers)).status).toBe(200);
    // The PUT path is create-only:
    const second = (await call(handler, { operation: 'presign-put', files: [small] })).body.results[0];
    expect((await put(second.url, new TextEncoder().encode('evil'), second.headers)).status).toBe(412);
    // The multipart path must be too: refused at create or at complete, and the first object kept.
    const evil = { name: 'report.pdf', size: 4, type: 'application/pdf' };
    const created = await call(handler, { operation: 'create-multipart', file: evil, partSize: 5 * MiB });
    if (created.status === 200) {
      const { upload } = created.body;
      expect(upload.key).toBe(first.key);
      const [one] = (await call(handler, { operation: 'sign-parts', file: evil, upload, partNumbers: [1] })).body.parts;
      await put(one.url, new TextEncoder().encode('evil'));
      const completed = await call(handler, { operation: 'complete-multipart', file: evil, upload });
      await call(handler, { operation: 'abort-multipart', file: evil, upload });
      expect(completed.status).toBeGreaterThanOrEqual(400);
      expect(completed.status).toBeLessThan(500);
    } else {
      expect(created.status).toBeGreaterThanOrEqual(400);
      expect(created.status).toBeLessThan(500);
    }
    expect(await stored(first.key)).toBe('good');
  });

  it('writeOnce (the default): a form POST the client asks for cannot replace an object a create-only PUT stored under the same key', async () => {
    const handler = createSignHandler({ ...storage, key: ({ prefix, file }) => `${prefix}/shared-post/${file.name}` });
    const small = { name: 'minutes.txt', size: 4, type: 'text/plain' };
    const first = (await call(handler, { operation: 'presign-put', files: [small] })).body.results[0];
    expect((await put(first.url, new TextEncoder().encode('good'), first.headers)).status).toBe(200);
    const form = (await call(handler, { operation: 'presign-put', post: true, files: [small] })).body.results[0];
    if (form.ok && form.method === 'POST') await post(form, new TextEncoder().encode('evil'));
    else if (form.ok) expect((await put(form.url, new TextEncoder().encode('evil'), form.headers)).status).toBe(412);
    expect(await stored(first.key)).toBe('good');
  });

  it('complete-put with a token signed for the same key cannot delete an object someone else stored there', async () => {
    // A name-based key(): two users asking for the same name get the same key. The second one's PUT is refused (412),
    // but the token it was given at presign time still names the key.
    const seen = vi.fn();
    const handler = createSignHandler({
      ...storage,
      key: ({ prefix, file }) => `${prefix}/shared-complete/${file.name}`,
      onUploadComplete: seen,
    });
    const owner = { name: 'plan.txt', size: 4, type: 'text/plain', metadata: { owner: 'alice' } };
    const first = (await call(handler, { operation: 'presign-put', files: [owner] })).body.results[0];
    expect((await put(first.url, new TextEncoder().encode('good'), first.headers)).status).toBe(200);
    expect((await call(handler, { operation: 'complete-put', file: owner, key: first.key, token: first.token })).status).toBe(200);
    expect(seen).toHaveBeenCalledTimes(1);

    // Mallory describes a file of another size under the same name, and never uploads it.
    const other = { name: 'plan.txt', size: 5, type: 'text/plain', metadata: { owner: 'alice' } };
    const mallory = (await call(handler, { operation: 'presign-put', files: [other] })).body.results[0];
    expect(mallory.key).toBe(first.key);
    const deleted = await call(handler, { operation: 'complete-put', file: other, key: mallory.key, token: mallory.token });
    expect(deleted.status).toBeGreaterThanOrEqual(400);
    expect(await stored(first.key)).toBe('good');
  });
  it('complete-put with a token signed for the same key and file cannot claim an object someone else stored there', async () => {
    const seen = vi.fn();
    const handler = createSignHandler({
      ...storage,
      key: ({ prefix, file }) => `${prefix}/shared-claim/${file.name}`,
      onUploadComplete: seen,
    });
    const owner = { name: 'plan.txt', size: 4, type: 'text/plain', metadata: { owner: 'alice' } };
    const first = (await call(handler, { operation: 'presign-put', files: [owner] })).body.results[0];
    expect((await put(first.url, new TextEncoder().encode('good'), first.headers)).status).toBe(200);
    expect((await call(handler, { operation: 'complete-put', file: owner, key: first.key, token: first.token })).status).toBe(200);
    // Mallory describes the very same file; her PUT is refused, yet she confirms: the app must not hear she uploaded it.
    const twin = (await call(handler, { operation: 'presign-put', files: [owner] })).body.results[0];
    expect((await put(twin.url, new TextEncoder().encode('evil'), twin.headers)).status).toBe(412);
    const claimed = await call(handler, { operation: 'complete-put', file: owner, key: twin.key, token: twin.token });
    expect(claimed.status).toBeGreaterThanOrEqual(400);
    expect(seen).toHaveBeenCalledTimes(1);
  });
  it('a completion cannot change the checksum or lastModified onUploadComplete is told (they are not bound to the token)', async () => {
    const seen: Array<{ file: { checksum?: string; lastModified?: number } }> = [];
    const handler = createSignHandler({ ...storage, checksum: 'md5', onUploadComplete: (info) => void seen.push(info) });
    const body = bytes(64, 5);
    const checksum = createHash('md5').update(body).digest('base64');
    const file = { name: 'sum.bin', size: 64, type: 'application/octet-stream', checksum, lastModified: 1_700_000_000_000 };
    const signed = (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0];
    expect((await put(signed.url, body, signed.headers)).status).toBe(200);
    const forged = { ...file, checksum: createHash('md5').update('something else').digest('base64'), lastModified: 0 };
    const answer = await call(handler, { operation: 'complete-put', file: forged, key: signed.key, token: signed.token });
    if (answer.status === 200) {
      // The app is told the digest and date of the file as signed, never values chosen at completion.
      expect(seen.at(-1)?.file.checksum).toBe(checksum);
      expect(seen.at(-1)?.file.lastModified).toBe(file.lastModified);
    } else {
      expect(answer.status).toBe(403);
      expect(seen).toHaveLength(0);
    }
  });
});

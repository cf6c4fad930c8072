import { createHash } from 'node:crypto';
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storageError } from '../../src/engine/storage-errors.js';
import { UPLOAD_REFERENCE, uploadReference } from '../../src/server/context.js';
import { createSignHandler, type SignHandlerOptions, type UploadCompleteInfo } from '../../src/server/index.js';
import type { RgwServer } from '../support/rgw.js';
import { bytes, call, postForm, type SignerRgw, startSignerRgw, stopSignerRgw } from '../support/signer-rgw.js';

const MiB = 1024 * 1024;
const BUCKET = 'signer-tests';
const SECRET = 'integration-secret-integration-sec';
let env: SignerRgw | undefined;
let rgw: RgwServer;
let s3: S3Client;
let storage: SignHandlerOptions;

beforeAll(async () => {
  env = await startSignerRgw(BUCKET, SECRET);
  ({ rgw, s3, storage } = env);
}, 120_000);

afterAll(() => stopSignerRgw(env));

const post = (
  signed: { url: string; fields: Record<string, string> },
  body: Uint8Array<ArrayBuffer>,
  override: Record<string, string> = {},
) => postForm(signed, body, { override });

async function put(url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'PUT', body, headers });
  const text = await response.text();
  return { status: response.status, text, etag: response.headers.get('etag') };
}

async function openUploads(): Promise<number> {
  return (await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads?.length ?? 0;
}

describe('createSignHandler against Ceph RGW', () => {
  it('a URL signed for 5 MiB accepts exactly 5 MiB and refuses 6 MiB', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'five.bin', size: 5 * MiB, type: 'application/octet-stream' };
    const { body } = await call(handler, { operation: 'presign-put', files: [file, file] });
    const [first, second] = body.results;
    const bigger = await put(first.url, bytes(6 * MiB), first.headers);
    expect(bigger.status).toBe(403);
    expect(bigger.text).toContain('SignatureDoesNotMatch');
    expect((await put(second.url, bytes(5 * MiB), second.headers)).status).toBe(200);
  });

  it('a tampered URL is refused', async () => {
    const handler = createSignHandler(storage);
    const { body } = await call(handler, { operation: 'presign-put', files: [{ name: 'a.txt', size: 3, type: 'text/plain' }] });
    const { url, headers } = body.results[0];
    const otherKey = url.replace('/a.txt?', '/b.txt?');
    expect((await put(otherKey, bytes(3), headers)).status).toBe(403);
    const signature = new URL(url);
    const original = signature.searchParams.get('X-Amz-Signature') as string;
    signature.searchParams.set('X-Amz-Signature', `${original.slice(0, -1)}${original.endsWith('0') ? '1' : '0'}`);
    expect((await put(signature.toString(), bytes(3), headers)).status).toBe(403);
    const longer = new URL(url);
    longer.searchParams.set('X-Amz-Expires', '604800');
    expect((await put(longer.toString(), bytes(3), headers)).status).toBe(403);
    expect((await put(url, bytes(3), headers)).status).toBe(200);
  });

  it('an expired URL is refused', async () => {
    const handler = createSignHandler({ ...storage, expiresIn: 1 });
    const { body } = await call(handler, { operation: 'presign-put', files: [{ name: 'late.txt', size: 3, type: 'text/plain' }] });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const late = await put(body.results[0].url, bytes(3), body.results[0].headers);
    // RGW says only AccessDenied; the client knows the URL's expiresAt and re-signs (test/unit/uploader.test.ts).
    expect(late.status).toBe(403);
    expect(storageError(late.status, late.text).storageCode).toBe('AccessDenied');
    expect(Date.parse(body.results[0].expiresAt)).toBeLessThan(Date.now());
  });

  it('a part URL refuses a part of another size', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'parts.bin', size: 12 * MiB, type: 'application/octet-stream' };
    const created = await call(handler, { operation: 'create-multipart', file, partSize: 5 * MiB });
    expect(created.status).toBe(200);
    const { upload } = created.body;
    expect(upload.partSize).toBe(5 * MiB);
    const signed = await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1, 2, 3] });
    const [one, two, three] = signed.body.parts;
    expect((await put(one.url, bytes(4 * MiB))).status).toBe(403);
    expect((await put(three.url, bytes(3 * MiB))).status).toBe(403);
    const stored = [await put(one.url, bytes(5 * MiB)), await put(two.url, bytes(5 * MiB)), await put(three.url, bytes(2 * MiB))];
    expect(stored.map((result) => result.status)).toEqual([200, 200, 200]);
    const etags = stored.map((result) => result.etag);
    const listed = await call(handler, { operation: 'list-parts', file, upload });
    expect(listed.body.parts.map((part: { partNumber: number; size: number }) => [part.partNumber, part.size])).toEqual([
      [1, 5 * MiB],
      [2, 5 * MiB],
      [3, 2 * MiB],
    ]);
    expect(etags.every(Boolean)).toBe(true);
    const completed = await call(handler, { operation: 'complete-multipart', file, upload });
    expect(completed.status).toBe(200);
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: upload.key }))).ContentLength).toBe(12 * MiB);
  });

  it('a multipart upload holding a part of another size than planned is refused before it is assembled', async () => {
    const onUploadComplete = vi.fn();
    const handler = createSignHandler({ ...storage, maxFileSize: 12 * MiB, onUploadComplete });
    const file = { name: 'sneaky.bin', size: 12 * MiB, type: 'application/octet-stream' };
    const { upload } = (await call(handler, { operation: 'create-multipart', file, partSize: 5 * MiB })).body;
    // Parts put in with the signer's own credentials, bypassing the signed sizes: 5 + 5 + 3 MiB = 13 MiB.
    const sizes = [5, 5, 3];
    const parts = [];
    for (const [index, size] of sizes.entries()) {
      const part = await s3.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: upload.key,
          UploadId: upload.uploadId,
          PartNumber: index + 1,
          Body: bytes(size * MiB),
        }),
      );
      parts.push({ partNumber: index + 1, etag: part.ETag });
    }
    expect(parts).toHaveLength(3);
    const completed = await call(handler, { operation: 'complete-multipart', file, upload });
    // The store holds a part of another size than planned: refused before anything is assembled.
    expect(completed.status).toBe(400);
    expect(completed.body.error.code).toBe('invalid_part');
    await call(handler, { operation: 'abort-multipart', file, upload });
    expect(onUploadComplete).not.toHaveBeenCalled();
  });

  it('a completed object of another size than signed is deleted and the completion refused', async () => {
    const onUploadComplete = vi.fn();
    const handler = createSignHandler({ ...storage, maxFileSize: 12 * MiB, onUploadComplete });
    const file = { name: 'sneaky.bin', size: 12 * MiB, type: 'application/octet-stream' };
    const { body } = await call(handler, { operation: 'presign-put', files: [file] });
    // Put with the signer's own credentials, bypassing the signed size: 13 MiB under the signed key, carrying the
    // upload's reference as its URL would (what a store that does not check the signed size would keep).
    await s3.send(
      new PutObjectCommand({
        Bucket: BUCKET,
        Key: body.results[0].key,
        Body: bytes(13 * MiB),
        ContentType: 'application/octet-stream',
        Metadata: { [UPLOAD_REFERENCE]: uploadReference(body.results[0].token) },
      }),
    );
    const completed = await call(handler, { operation: 'complete-put', file, key: body.results[0].key, token: body.results[0].token });
    expect(completed.status).toBe(422);
    expect(completed.body.error.code).toBe('size_mismatch');
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: body.results[0].key }))).rejects.toMatchObject({ name: 'NotFound' });
    expect(onUploadComplete).not.toHaveBeenCalled();
  });

  it('an object under the key that this upload’s URL did not store (no reference, or another): deleted under the default keys, left alone under an app’s own key()', async () => {
    const onUploadComplete = vi.fn();
    const others = (token: string): Array<Record<string, string>> => [{}, { [UPLOAD_REFERENCE]: uploadReference(token) }];
    for (const own of [false, true]) {
      const handler = createSignHandler({
        ...storage,
        onUploadComplete,
        ...(own ? { key: ({ prefix, file }: { prefix: string; file: { name: string } }) => `${prefix}/shared-ref/${file.name}` } : {}),
      });
      const file = { name: 'theirs.bin', size: 8, type: 'application/octet-stream' };
      const { body } = await call(handler, { operation: 'presign-put', files: [file, file] });
      for (const [index, metadata] of others(body.results[1].token).entries()) {
        const { key, token } = body.results[0];
        await s3.send(
          new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: bytes(8), ContentType: 'application/octet-stream', Metadata: metadata }),
        );
        const completed = await call(handler, { operation: 'complete-put', file, key, token });
        expect(completed.body.error.code, `${own} ${index}`).toBe('object_mismatch');
        if (own) {
          // An app's key() may have given another upload this key: its object is not ours to delete.
          expect(completed.status).toBe(409);
          await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).resolves.toMatchObject({ ContentLength: 8 });
        } else {
          // A random key nobody else has: its holder stored this some other way (a copy), and it goes.
          expect(completed.status).toBe(422);
          await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: key }))).rejects.toMatchObject({ name: 'NotFound' });
        }
      }
    }
    expect(onUploadComplete).not.toHaveBeenCalled();
  });

  it('Content-MD5 signed in: RGW refuses a body whose digest differs', async () => {
    const handler = createSignHandler({ ...storage, checksum: 'md5' });
    const body = bytes(1024, 7);
    const checksum = createHash('md5').update(body).digest('base64');
    const file = { name: 'digest.bin', size: body.length, type: 'application/octet-stream', checksum };
    const { body: answer } = await call(handler, { operation: 'presign-put', files: [file, file] });
    const flipped = body.slice();
    flipped[100] = (flipped[100] as number) ^ 1;
    const refused = await put(answer.results[0].url, flipped, answer.results[0].headers);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('BadDigest');
    expect((await put(answer.results[1].url, body, answer.results[1].headers)).status).toBe(200);
  });

  it('complete-put verifies the stored object and calls onUploadComplete with what S3 holds', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'report.csv', size: 11, type: 'text/csv', metadata: { owner: '42' } };
    const { body } = await call(handler, { operation: 'presign-put', files: [file] });
    const result = body.results[0];
    expect(result.confirm).toBe(true);
    // Before the PUT there is nothing to confirm.
    expect((await call(handler, { operation: 'complete-put', file, key: result.key, token: result.token })).status).toBe(404);
    expect((await put(result.url, new TextEncoder().encode('a,b\n1,2\n3,4'), result.headers)).status).toBe(200);
    const confirmed = await call(handler, { operation: 'complete-put', file, key: result.key, token: result.token });
    expect(confirmed.status).toBe(200);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ key: result.key, size: 11, contentType: 'text/csv', metadata: { owner: '42' }, multipart: false });
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: result.key }));
    expect(await stored.Body?.transformToString()).toBe('a,b\n1,2\n3,4');
  });

  it('a form POST (asked with `post`) stores exactly the signed size, type and metadata under the signed key, and nothing else', async () => {
    const handler = createSignHandler({ ...storage, onUploadComplete: () => undefined });
    const file = { name: 'small.txt', size: 1000, type: 'text/plain', metadata: { owner: '42' } };
    const { body } = await call(handler, { operation: 'presign-put', post: true, files: [file, file, file, file, file] });
    const [exact, bigger, smaller, moved, typed] = body.results;
    expect(exact).toMatchObject({ ok: true, method: 'POST', headers: {}, confirm: true });
    expect(exact.fields).toMatchObject({
      key: exact.key,
      'Content-Type': 'text/plain',
      'x-amz-meta-owner': '42',
      [`x-amz-meta-${UPLOAD_REFERENCE}`]: uploadReference(exact.token),
    });
    expect(JSON.stringify(exact.fields)).not.toContain(rgw.secretAccessKey);

    expect((await post(exact, bytes(1000, 65))).status).toBe(204);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: exact.key }));
    expect(stored.ContentLength).toBe(1000);
    expect(stored.ContentType).toBe('text/plain');
    // The app's metadata, and the upload's reference (a confirmed upload's completion knows its own object by it).
    expect(stored.Metadata).toEqual({ owner: '42', [UPLOAD_REFERENCE]: uploadReference(exact.token) });
    // complete-put verifies a POSTed object as it does a PUT one.
    expect((await call(handler, { operation: 'complete-put', file, key: exact.key, token: exact.token })).status).toBe(200);

    const tooBig = await post(bigger, bytes(1001));
    expect(tooBig.status).toBe(400);
    expect(tooBig.text).toContain('EntityTooLarge');
    expect((await post(smaller, bytes(999))).text).toContain('EntityTooSmall');
    const otherKey = await post(moved, bytes(1000), { key: 'signer-tests-elsewhere/x.txt' });
    expect(otherKey.status).toBe(403);
    expect((await post(typed, bytes(1000), { 'Content-Type': 'text/html' })).status).toBe(403);
    for (const refused of [bigger, smaller, moved, typed]) {
      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: refused.key }))).rejects.toThrow();
    }
  });

  it('an expired form POST is refused; a server requiring checksums answers PUTs even when asked for POSTs', async () => {
    const late = (
      await call(createSignHandler({ ...storage, expiresIn: 1 }), {
        operation: 'presign-put',
        post: true,
        files: [{ name: 'late.txt', size: 3, type: 'text/plain' }],
      })
    ).body.results[0];
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const answer = await post(late, bytes(3));
    expect(answer.status).toBe(403);
    expect(answer.text).toMatch(/expired/i);

    const file = { name: 'sum.txt', size: 3, type: 'text/plain', checksum: createHash('md5').update(bytes(3)).digest('base64') };
    const { body } = await call(createSignHandler({ ...storage, checksum: 'md5' }), {
      operation: 'presign-put',
      post: true,
      files: [file],
    });
    expect(body.results[0]).toMatchObject({ ok: true, method: 'PUT' });
  });

  it('abort is idempotent and leaves no multipart upload', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'gone.bin', size: 12 * MiB, type: '' };
    const before = await openUploads();
    const { upload } = (await call(handler, { operation: 'create-multipart', file, partSize: 5 * MiB })).body;
    expect(await openUploads()).toBe(before + 1);
    expect((await call(handler, { operation: 'abort-multipart', file, upload })).status).toBe(200);
    expect((await call(handler, { operation: 'abort-multipart', file, upload })).status).toBe(200);
    expect(await openUploads()).toBe(before);
  });
});

/** What an attacker holding one URL (the uploading user, or whoever read it) tries, and what RGW does about it. */
describe('an attacker holding a URL, against Ceph RGW', () => {
  const anonymous = (key: string) => fetch(`${rgw.endpoint}/${BUCKET}/${key.split('/').map(encodeURIComponent).join('/')}`);
  const stored = async (key: string) =>
    (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key })).then((object) => object.Body?.transformToString())) ?? '';

  it('write-once: the URL that stored verified bytes cannot store others (412); without its If-None-Match it is refused (403)', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'scan-me.txt', size: 4, type: 'text/plain' };
    const signed = (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0];
    expect(signed.headers['If-None-Match']).toBe('*');
    const good = new TextEncoder().encode('good');
    expect((await put(signed.url, good, signed.headers)).status).toBe(200);
    expect((await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token })).status).toBe(200);
    expect(seen).toHaveLength(1);

    const evil = new TextEncoder().encode('evil');
    const replaced = await put(signed.url, evil, signed.headers);
    expect(replaced.status).toBe(412);
    expect(replaced.text).toContain('PreconditionFailed');
    const { 'If-None-Match': _dropped, ...withoutCondition } = signed.headers;
    expect((await put(signed.url, evil, withoutCondition)).status).toBe(403);
    expect((await put(signed.url, evil, { ...signed.headers, 'If-None-Match': '"x"' })).status).toBe(403);
    expect(await stored(signed.key)).toBe('good');
  });

  it('write-once off (`writeOnce: false`) for an app whose key() reuses keys: the same key can be written again', async () => {
    const handler = createSignHandler({ ...storage, writeOnce: false, key: ({ prefix }) => `${prefix}/avatar-42.png` });
    const file = { name: 'me.png', size: 3, type: 'image/png' };
    for (const body of ['one', 'two']) {
      const signed = (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0];
      expect(signed.headers['If-None-Match']).toBeUndefined();
      expect((await put(signed.url, new TextEncoder().encode(body), signed.headers)).status).toBe(200);
    }
  });

  it('an unsigned x-amz-acl cannot make an object public, and the signed ACL cannot be left out', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'private.txt', size: 3, type: 'text/plain' };
    const [first, second] = (await call(handler, { operation: 'presign-put', files: [file, file] })).body.results;
    expect(first.headers['x-amz-acl']).toBe('private');
    for (const acl of ['public-read', 'public-read-write', 'authenticated-read']) {
      const attempt = await put(first.url, bytes(3), { ...first.headers, 'x-amz-acl': acl });
      expect(attempt.status).toBe(403);
      expect(attempt.text).toContain('SignatureDoesNotMatch');
    }
    const { 'x-amz-acl': _acl, ...withoutAcl } = second.headers;
    expect((await put(second.url, bytes(3), withoutAcl)).status).toBe(403);
    expect((await put(second.url, bytes(3), second.headers)).status).toBe(200);
    expect((await anonymous(second.key)).status).toBe(403);
  });

  it('Content-Disposition is signed as attachment: inline, or none, is refused; a GET of the object downloads it', async () => {
    const handler = createSignHandler(storage);
    const file = { name: 'page.html', size: 9, type: 'text/html' };
    const [a, b] = (await call(handler, { operation: 'presign-put', files: [file, file] })).body.results;
    expect((await put(a.url, bytes(9), { ...a.headers, 'Content-Disposition': 'inline' })).status).toBe(403);
    const { 'Content-Disposition': _disposition, ...without } = a.headers;
    expect((await put(a.url, bytes(9), without)).status).toBe(403);
    // Without allowedTypes, HTML is stored inert: application/octet-stream, as an attachment.
    expect((await put(b.url, bytes(9), { ...b.headers, 'Content-Type': 'text/html' })).status).toBe(403);
    expect((await put(b.url, bytes(9), b.headers)).status).toBe(200);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: b.key }));
    expect(head.ContentType).toBe('application/octet-stream');
    expect(head.ContentDisposition).toMatch(/^attachment; filename="page\.html"/);
  });

  it('Cache-Control is signed as private: a client cannot make a shared cache keep the file', async () => {
    const handler = createSignHandler(storage);
    const signed = (await call(handler, { operation: 'presign-put', files: [{ name: 'c.txt', size: 3, type: 'text/plain' }] })).body
      .results[0];
    expect(signed.headers['Cache-Control']).toBe('private');
    expect((await put(signed.url, bytes(3), { ...signed.headers, 'Cache-Control': 'public, max-age=31536000' })).status).toBe(403);
    expect((await put(signed.url, bytes(3), signed.headers)).status).toBe(200);
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: signed.key }))).CacheControl).toBe('private');
  });

  it.each([
    ['Content-Encoding', 'gzip'],
    ['Content-Language', 'fr'],
    ['Expires', 'Wed, 21 Oct 2037 07:28:00 GMT'],
    ['x-amz-tagging', 'classification=public'],
    ['x-amz-website-redirect-location', '/elsewhere'],
    ['x-amz-meta-owner', 'someone-else'],
    ['x-amz-meta-role', 'admin'],
  ])(
    'an unsigned %s that RGW stores is caught at completion: the object is deleted, onUploadComplete never sees it',
    async (name, value) => {
      const onUploadComplete = vi.fn();
      const handler = createSignHandler({ ...storage, onUploadComplete });
      const file = { name: 'doc.txt', size: 3, type: 'text/plain', metadata: { owner: '42' } };
      const signed = (await call(handler, { operation: 'presign-put', files: [file] })).body.results[0];
      // RGW, unlike AWS, accepts headers the signature does not cover (docs/security.md, per store).
      expect((await put(signed.url, bytes(3), { ...signed.headers, [name]: value })).status).toBe(200);
      const completed = await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
      expect(completed.status).toBe(422);
      expect(completed.body.error.code).toBe('object_mismatch');
      expect(completed.body.error.message).toContain(name.startsWith('x-amz-meta-') ? name : name.split('-')[0]);
      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: signed.key }))).rejects.toMatchObject({ name: 'NotFound' });
      expect(onUploadComplete).not.toHaveBeenCalled();
    },
  );

  it('a form POST refuses every field its policy does not name (acl, cache, disposition, tags, redirect, metadata)', async () => {
    const handler = createSignHandler({ ...storage, onUploadComplete: () => undefined });
    const file = { name: 'small.txt', size: 5, type: 'text/plain' };
    const extras: Array<Record<string, string>> = [
      { acl: 'public-read' },
      { 'Cache-Control': 'public' },
      { 'Content-Disposition': 'inline' },
      { 'Content-Encoding': 'gzip' },
      { 'x-amz-tagging': '<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>' },
      { 'x-amz-website-redirect-location': '/x' },
      { 'x-amz-meta-role': 'admin' },
      { success_action_redirect: 'https://evil.example/' },
    ];
    const results = (await call(handler, { operation: 'presign-put', post: true, files: extras.map(() => file) })).body.results;
    for (const [index, extra] of extras.entries()) {
      const answer = await post(results[index], bytes(5), extra);
      expect([400, 403]).toContain(answer.status);
      await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: results[index].key }))).rejects.toThrow();
    }
  });

  it('a form POST stores the pinned type, disposition and ACL; it cannot be create-only, so a replay shows as a new ETag', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'note.txt', size: 4, type: 'text/plain' };
    const signed = (await call(handler, { operation: 'presign-put', post: true, files: [file] })).body.results[0];
    expect(signed.method).toBe('POST');
    expect(Date.parse(signed.expiresAt) - Date.now()).toBeLessThanOrEqual(120_000);
    expect(signed.fields).toMatchObject({ acl: 'private', 'Content-Disposition': expect.stringMatching(/^attachment;/) });
    expect((await post(signed, new TextEncoder().encode('good'))).status).toBe(204);
    expect((await anonymous(signed.key)).status).toBe(403);
    await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    expect((await post(signed, new TextEncoder().encode('evil'))).status).toBe(204);
    await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    expect(seen).toHaveLength(2);
    expect(seen[0]?.etag).not.toBe(seen[1]?.etag);
  });

  it('allowedTypes: SVG under image/* and a .csv declared text/html are signed for nothing; an allowed type is stored as signed', async () => {
    const handler = createSignHandler({ ...storage, allowedTypes: ['image/*', 'application/pdf', '.csv'] });
    const results = (
      await call(handler, {
        operation: 'presign-put',
        files: [
          { name: 'x.svg', size: 3, type: 'image/svg+xml' },
          { name: 'report.csv', size: 3, type: 'text/html' },
          { name: 'report.csv', size: 3, type: 'text/csv' },
        ],
      })
    ).body.results;
    expect(results.map((result: { ok: boolean }) => result.ok)).toEqual([false, false, true]);
    expect((await put(results[2].url, bytes(3), { ...results[2].headers, 'Content-Type': 'text/html' })).status).toBe(403);
    expect((await put(results[2].url, bytes(3), results[2].headers)).status).toBe(200);
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: results[2].key }))).ContentType).toBe('text/csv');
  });

  it('a replayed complete-multipart cannot change what onUploadComplete is told', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'big.bin', size: 6 * MiB, type: 'application/octet-stream', metadata: { owner: '42' } };
    const { upload } = (await call(handler, { operation: 'create-multipart', file, partSize: 5 * MiB })).body;
    const signed = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1, 2] })).body.parts;
    await put(signed[0].url, bytes(5 * MiB));
    await put(signed[1].url, bytes(MiB));
    expect((await call(handler, { operation: 'complete-multipart', file, upload })).status).toBe(200);
    for (const other of [
      { ...file, name: 'ceo-salary.xlsx' },
      { ...file, metadata: { owner: '1' } },
      { ...file, type: 'text/html' },
    ]) {
      expect((await call(handler, { operation: 'complete-multipart', file: other, upload })).status).toBe(403);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: 'big.bin', size: 6 * MiB, metadata: { owner: '42' }, multipart: true });
  });

  it('completes a 10,000-part upload with the defaults: the request stays small, the server lists every page of parts', async () => {
    const partSize = 1024;
    const handler = createSignHandler({ ...storage, store: { name: 'rgw', minPartSize: partSize } });
    const file = { name: 'ten-thousand.bin', size: 10_000 * partSize, type: 'application/octet-stream' };
    const { upload } = (await call(handler, { operation: 'create-multipart', file, partSize })).body;
    expect(upload.partSize).toBe(partSize);
    const urls: string[] = [];
    for (let first = 1; first <= 10_000; first += 100) {
      const partNumbers = Array.from({ length: 100 }, (_, index) => first + index);
      const { body } = await call(handler, { operation: 'sign-parts', file, upload, partNumbers });
      for (const part of body.parts) urls[part.partNumber - 1] = part.url;
    }
    let next = 0;
    const body = (partNumber: number) => new Uint8Array(partSize).fill(partNumber % 251);
    await Promise.all(
      Array.from({ length: 24 }, async () => {
        while (next < urls.length) {
          const index = next++;
          const answer = await put(urls[index] as string, body(index + 1));
          expect(answer.status).toBe(200);
        }
      }),
    );
    const request = { v: 1, operation: 'complete-multipart', file, upload };
    // What the browser sends to complete: no part list, so far below the 256 KiB body limit at any part count.
    expect(JSON.stringify(request).length).toBeLessThan(2048);
    const completed = await call(handler, request);
    expect(completed.status).toBe(200);
    const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: upload.key }));
    expect(head.ContentLength).toBe(10_000 * partSize);
    const tail = await s3.send(
      new GetObjectCommand({ Bucket: BUCKET, Key: upload.key, Range: `bytes=${9_999 * partSize}-${10_000 * partSize - 1}` }),
    );
    expect(new Uint8Array(await (tail.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())).toEqual(
      body(10_000),
    );
  }, 300_000);
});

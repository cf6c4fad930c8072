/**
 * Red team, round 2, against a real, signature-checking store (Ceph RGW): the
 * upload reference (`x-amz-meta-upload-ref`) that lets complete-put know its
 * own object. Can a client strip it, change it, repeat it, or get an object
 * that carries it stored through another path? Passing cases assert the safe
 * behaviour; each case of the "found by the red team, round 2" block failed
 * before its fix. RGW checks only the headers a presigned request signs (it
 * stores unsigned x-amz-meta-*, and obeys an unsigned x-amz-copy-source on a
 * presigned PUT: docs/security.md, class 1c).
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UPLOAD_REFERENCE, uploadReference } from '../../src/server/context.js';
import { createSignHandler, presignDownload, type SignHandlerOptions, type UploadCompleteInfo } from '../../src/server/index.js';
import { call, headObject, postForm, type SignerRgw, startSignerRgw, stopSignerRgw, storedText } from '../support/signer-rgw.js';

const MiB = 1024 * 1024;
const BUCKET = 'signer-red-team-2';
const SECRET = 'red-team-round-two-integration-secret';
let env: SignerRgw | undefined;
let s3: S3Client;
let storage: SignHandlerOptions;

beforeAll(async () => {
  env = await startSignerRgw(BUCKET, SECRET);
  ({ s3, storage } = env);
}, 120_000);

afterAll(() => stopSignerRgw(env));

const post = postForm;
const head = (key: string) => headObject(s3, BUCKET, key);
const stored = (key: string) => storedText(s3, BUCKET, key);

const text = (value: string) => new TextEncoder().encode(value);
const md5 = (value: Uint8Array | string) => createHash('md5').update(value).digest('base64');

async function put(url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'PUT', body, headers });
  return { status: response.status, text: await response.text() };
}

/** The URL with one query parameter removed or replaced (the signature left as it was). */
function withQuery(url: string, name: string, value?: string): string {
  const parsed = new URL(url);
  if (value === undefined) parsed.searchParams.delete(name);
  else parsed.searchParams.set(name, value);
  return parsed.toString();
}

describe('the upload reference of a presigned PUT', () => {
  it('is signed into the query: a URL without it, or with another, stores nothing (403)', async () => {
    const handler = createSignHandler({ ...storage, onUploadComplete: () => undefined });
    const file = { name: 'ref.txt', size: 4, type: 'text/plain' };
    const [signed] = (await call(handler, { operation: 'presign-put', files: [file] })).body.results;
    const name = `x-amz-meta-${UPLOAD_REFERENCE}`;
    expect(new URL(signed.url).searchParams.get(name)).toBe(uploadReference(signed.token));
    expect((await put(withQuery(signed.url, name), text('evil'), signed.headers)).status).toBe(403);
    expect((await put(withQuery(signed.url, name, 'AAAAAAAAAAAAAAAA'), text('evil'), signed.headers)).status).toBe(403);
    expect(await head(signed.key)).toBeUndefined();
    // The URL as signed still works, and its completion verifies.
    expect((await put(signed.url, text('good'), signed.headers)).status).toBe(200);
    expect((await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token })).status).toBe(200);
  });

  it('app metadata named upload-ref (any case) is refused for that file, in a PUT, a form or a multipart upload; the others are signed', async () => {
    const handler = createSignHandler({ ...storage, writeOnce: false, onUploadComplete: () => undefined });
    const file = { name: 'named.txt', size: 4, type: 'text/plain', metadata: { 'Upload-Ref': 'chosen-by-client', owner: 'm' } };
    for (const post of [false, true]) {
      const [refused, signed] = (
        await call(handler, { operation: 'presign-put', post, files: [file, { ...file, metadata: { owner: 'm' } }] })
      ).body.results;
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
      expect(signed.ok).toBe(true);
    }
    expect((await call(handler, { operation: 'create-multipart', file: { ...file, size: 6 * MiB }, partSize: 5 * MiB })).status).toBe(400);
  });
});

describe('the upload reference of a form POST', () => {
  it('a form with the reference changed, left out, or given a second time stores nothing', async () => {
    const handler = createSignHandler({ ...storage, onUploadComplete: () => undefined });
    const file = { name: 'form.txt', size: 4, type: 'text/plain' };
    const { results } = (await call(handler, { operation: 'presign-put', post: true, files: [file, file, file] })).body;
    const name = `x-amz-meta-${UPLOAD_REFERENCE}`;
    const [changed, dropped, twice] = results;
    expect((await post(changed, text('evil'), { override: { [name]: 'AAAAAAAAAAAAAAAA' } })).status).toBe(403);
    expect((await post(dropped, text('evil'), { drop: [name] })).status).toBe(403);
    const doubled = await post(twice, text('evil'), { extra: [[name, uploadReference(changed.token)]] });
    if (doubled.status < 300) {
      // Stored despite the second field: it must carry this form's own reference, never the other one.
      expect((await head(twice.key))?.Metadata?.[UPLOAD_REFERENCE]).toBe(uploadReference(twice.token));
    } else {
      expect(doubled.status).toBeGreaterThanOrEqual(400);
    }
    expect(await head(changed.key)).toBeUndefined();
    expect(await head(dropped.key)).toBeUndefined();
  });
});

describe('complete-put around the reference', () => {
  it('a replayed complete-put runs onUploadComplete again with the same facts (documented: security.md class 11)', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'again.txt', size: 4, type: 'text/plain' };
    const [signed] = (await call(handler, { operation: 'presign-put', files: [file] })).body.results;
    expect((await put(signed.url, text('good'), signed.headers)).status).toBe(200);
    const first = await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    const second = await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toEqual(seen[0]);
  });

  it('complete-put after the object was deleted is a 404 and tells the app nothing', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'gone.txt', size: 4, type: 'text/plain' };
    const [signed] = (await call(handler, { operation: 'presign-put', files: [file] })).body.results;
    expect((await put(signed.url, text('good'), signed.headers)).status).toBe(200);
    await s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: signed.key }));
    const answer = await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    expect(answer.status).toBe(404);
    expect(seen).toHaveLength(0);
  });

  it('the 409 never deletes: another upload that replaced the object (writeOnce off) keeps it and completes itself', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({
      ...storage,
      writeOnce: false,
      key: ({ prefix, file }) => `${prefix}/round2-409/${file.name}`,
      onUploadComplete: (info) => void seen.push(info),
    });
    // The second file differs in size and metadata: were the object verified against the first, it would be deleted.
    const first = { name: 'shared.txt', size: 4, type: 'text/plain', metadata: { owner: 'alice' } };
    const second = { name: 'shared.txt', size: 5, type: 'text/plain', metadata: { owner: 'bob' } };
    const [a] = (await call(handler, { operation: 'presign-put', files: [first] })).body.results;
    const [b] = (await call(handler, { operation: 'presign-put', files: [second] })).body.results;
    expect(b.key).toBe(a.key);
    expect((await put(a.url, text('good'), a.headers)).status).toBe(200);
    expect((await put(b.url, text('bobby'), b.headers)).status).toBe(200);
    const refused = await call(handler, { operation: 'complete-put', file: first, key: a.key, token: a.token });
    expect(refused.status).toBe(409);
    expect(await stored(a.key)).toBe('bobby');
    expect((await call(handler, { operation: 'complete-put', file: second, key: b.key, token: b.token })).status).toBe(200);
    expect(seen.map((info) => info.file.metadata)).toEqual([{ owner: 'bob' }]);
  });

  it('writeOnce with an own key(), a checksum and a form asked for: a create-only PUT with the digest and the reference', async () => {
    const handler = createSignHandler({
      ...storage,
      checksum: 'md5',
      key: ({ prefix, file }) => `${prefix}/round2-digest/${file.name}`,
      onUploadComplete: () => undefined,
    });
    const body = text('good');
    const file = { name: 'digest.txt', size: 4, type: 'text/plain', checksum: md5(body) };
    const [signed] = (await call(handler, { operation: 'presign-put', post: true, files: [file] })).body.results;
    expect(signed).toMatchObject({ method: 'PUT', confirm: true });
    expect(signed.headers['If-None-Match']).toBe('*');
    expect((await put(signed.url, text('evil'), signed.headers)).status).toBeGreaterThanOrEqual(400);
    expect((await put(signed.url, body, signed.headers)).status).toBe(200);
    expect((await put(signed.url, body, signed.headers)).status).toBe(412);
    expect((await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token })).status).toBe(200);
  });
});

describe('an unsigned header against the reference', () => {
  it('an unsigned x-amz-meta-upload-ref header on a presigned PUT (RGW stores unsigned x-amz-meta-*) cannot lend its object to another token (RGW joins both values)', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({
      ...storage,
      checksum: 'md5',
      key: ({ prefix, file }) => `${prefix}/round2-header/${file.name}`,
      onUploadComplete: (info) => void seen.push(info),
    });
    const good = text('good'.repeat(16));
    const evil = text('evil'.repeat(16));
    const honest = { name: 'deed.bin', size: 64, type: 'application/octet-stream', checksum: md5(good) };
    const other = { ...honest, checksum: md5(evil) };
    const [first] = (await call(handler, { operation: 'presign-put', files: [honest] })).body.results;
    const [second] = (await call(handler, { operation: 'presign-put', files: [other] })).body.results;
    expect(second.key).toBe(first.key);
    const smuggled = await put(second.url, evil, { ...second.headers, [`x-amz-meta-${UPLOAD_REFERENCE}`]: uploadReference(first.token) });
    if (smuggled.status === 200) {
      // RGW keeps the unsigned header's value and the signed one, joined ("<first>,<second>"): neither reference.
      expect((await head(second.key))?.Metadata?.[UPLOAD_REFERENCE]).not.toBe(uploadReference(first.token));
    }
    const claimed = await call(handler, { operation: 'complete-put', file: honest, key: first.key, token: first.token });
    expect(claimed.status).toBe(409);
    // Its own token does not verify it either (409, left alone): like a PUT never completed, the app is never told.
    expect((await call(handler, { operation: 'complete-put', file: other, key: second.key, token: second.token })).status).toBe(409);
    expect(await stored(second.key)).toBe('evil'.repeat(16));
    expect(seen.filter((info) => info.file.checksum === md5(good))).toHaveLength(0);
  });
});

/** An object outside every upload prefix that no client was ever given a URL for. */
async function secret(key: string, body: string) {
  await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ContentType: 'text/plain' }));
}

describe('an unsigned x-amz-copy-source on a presigned URL', () => {
  it('a part URL cannot copy another object into the upload (no UploadPartCopy through a presigned part)', async () => {
    await secret('private/alice/notes.txt', 'alice-private');
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'copied.txt', size: 13, type: 'text/plain' };
    const created = await call(handler, { operation: 'create-multipart', file, partSize: 5 * MiB });
    expect(created.status).toBe(200);
    const { upload } = created.body;
    const [one] = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1] })).body.parts;
    const answer = await put(one.url, new Uint8Array(0), { ...one.headers, 'x-amz-copy-source': `/${BUCKET}/private/alice/notes.txt` });
    const completed = await call(handler, { operation: 'complete-multipart', file, upload });
    await call(handler, { operation: 'abort-multipart', file, upload });
    expect(await stored(upload.key), `${answer.status} ${answer.text.slice(0, 200)} / ${completed.status}`).not.toBe('alice-private');
    expect(seen).toHaveLength(0);
  });
});

describe('found by the red team, round 2 (each failed before its fix)', () => {
  it('a multipart upload whose metadata names the reference of a PUT token lets that token claim other bytes with the signed digest', async () => {
    // A name-based key(): Mallory's PUT token and her multipart upload get the same key. Her PUT URL signs the digest of
    // `good`; she never uses it. Her multipart upload, whose metadata (client-chosen, stored by CreateMultipartUpload)
    // carries that token's reference, stores `evil` there; complete-put then reports `good`'s digest for `evil`.
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({
      ...storage,
      checksum: 'md5',
      key: ({ prefix, file }) => `${prefix}/round2-claim/${file.name}`,
      onUploadComplete: (info) => void seen.push(info),
    });
    const good = text('good'.repeat(16));
    const evil = text('evil'.repeat(16));
    const file = { name: 'contract.bin', size: 64, type: 'application/octet-stream', checksum: md5(good) };
    const [signed] = (await call(handler, { operation: 'presign-put', files: [file] })).body.results;
    const reference = uploadReference(signed.token);

    const twin = { name: file.name, size: 64, type: file.type, metadata: { [UPLOAD_REFERENCE]: reference } };
    const created = await call(handler, { operation: 'create-multipart', file: twin, partSize: 5 * MiB });
    if (created.status === 200) {
      const { upload } = created.body;
      expect(upload.key).toBe(signed.key);
      const parts = await call(handler, { operation: 'sign-parts', file: twin, upload, partNumbers: [1], checksums: { 1: md5(evil) } });
      const [one] = parts.body.parts;
      expect((await put(one.url, evil, one.headers)).status).toBe(200);
      await call(handler, { operation: 'complete-multipart', file: twin, upload });
    }
    const claimed = await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    // The twin is refused at create-multipart (the name is reserved), so nothing is stored; the completion is refused
    // (404 with nothing there, 409 were anything there), and the app is never told `good`'s digest for `evil`.
    expect(created.status).toBe(400);
    expect([404, 409]).toContain(claimed.status);
    expect(seen.filter((info) => info.file.checksum === md5(good))).toHaveLength(0);
  });

  it("a multipart upload can write the upload-ref metadata at all (the library's own name, client-chosen)", async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'forged.bin', size: 64, type: 'application/octet-stream', metadata: { [UPLOAD_REFERENCE]: 'forged' } };
    const created = await call(handler, { operation: 'create-multipart', file, partSize: 5 * MiB });
    if (created.status === 200) {
      const { upload } = created.body;
      const [one] = (await call(handler, { operation: 'sign-parts', file, upload, partNumbers: [1] })).body.parts;
      expect((await put(one.url, text('x'.repeat(64)), one.headers)).status).toBe(200);
      await call(handler, { operation: 'complete-multipart', file, upload });
      expect((await head(upload.key))?.Metadata?.[UPLOAD_REFERENCE]).toBeUndefined();
    } else {
      expect(created.status).toBe(400);
    }
    expect(seen.every((info) => !(UPLOAD_REFERENCE in info.metadata))).toBe(true);
  });

  it('onUploadComplete is never told a client-chosen upload-ref: presign-put refuses the name', async () => {
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({ ...storage, onUploadComplete: (info) => void seen.push(info) });
    const file = { name: 'told.txt', size: 4, type: 'text/plain', metadata: { [UPLOAD_REFERENCE]: 'chosen-by-client', owner: 'm' } };
    const [refused] = (await call(handler, { operation: 'presign-put', files: [file] })).body.results;
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(seen).toHaveLength(0);
  });

  it('a presigned PUT plus an unsigned x-amz-copy-source copies any object of the bucket (outside the prefix) into the signed key, and complete-put leaves it there', async () => {
    // RGW checks only the headers the URL signs: x-amz-copy-source turns the PUT into a CopyObject. Mallory's key is hers,
    // so an app that lets a user download keys under their own prefix (presignDownload's `prefix`) hands her Alice's file.
    await secret('private/alice/diary.txt', 'alice-secret');
    const handler = createSignHandler({ ...storage, prefix: 'users/mallory', onUploadComplete: () => undefined });
    // An empty file: the signed Content-Length (0) is what a copy request sends.
    const file = { name: 'innocent.txt', size: 0, type: 'text/plain' };
    const [signed] = (await call(handler, { operation: 'presign-put', files: [file] })).body.results;
    const copy = await put(signed.url, new Uint8Array(0), { ...signed.headers, 'x-amz-copy-source': `/${BUCKET}/private/alice/diary.txt` });
    const completed = await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    const url = await presignDownload(storage, { key: signed.key, prefix: 'users/mallory' });
    const read = await fetch(url);
    const body = read.ok ? await read.text() : '';
    expect(`${copy.status} ${completed.status} ${body}`).not.toContain('alice-secret');
  });

  it('…and with x-amz-metadata-directive: REPLACE and the token’s reference as an unsigned header, a signer requiring MD5 digests refuses and deletes the copy (its ETag is not the signed digest)', async () => {
    await secret('private/alice/ledger.txt', 'alice-ledger');
    const seen: UploadCompleteInfo[] = [];
    const handler = createSignHandler({
      ...storage,
      checksum: 'md5',
      prefix: 'users/mallory2',
      onUploadComplete: (info) => void seen.push(info),
    });
    const file = { name: 'mine.txt', size: 12, type: 'text/plain', checksum: md5(text('x'.repeat(12))) };
    const [signed] = (await call(handler, { operation: 'presign-put', files: [file] })).body.results;
    // A body of the signed length rides along; the copy source decides what is stored.
    await put(signed.url, text('x'.repeat(12)), {
      ...signed.headers,
      'x-amz-copy-source': `/${BUCKET}/private/alice/ledger.txt`,
      'x-amz-metadata-directive': 'REPLACE',
      [`x-amz-meta-${UPLOAD_REFERENCE}`]: uploadReference(signed.token),
    });
    const completed = await call(handler, { operation: 'complete-put', file, key: signed.key, token: signed.token });
    expect(`${completed.status} ${(await stored(signed.key)) ?? ''}`).not.toContain('alice-ledger');
    expect(seen).toHaveLength(0);
  });
});

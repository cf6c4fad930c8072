import { createHash } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { storageError } from '../../src/engine/storage-errors.js';
import { createSignHandler, type SignHandlerOptions, type UploadCompleteInfo } from '../../src/server/index.js';
import { type RgwServer, startRgw } from '../support/rgw.js';
import { testS3Client } from '../support/s3-client.js';

const MiB = 1024 * 1024;
const BUCKET = 'signer-tests';
let rgw: RgwServer;
let s3: S3Client;
let storage: SignHandlerOptions;

beforeAll(async () => {
  rgw = await startRgw();
  s3 = testS3Client(rgw);
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  storage = {
    bucket: BUCKET,
    endpoint: rgw.endpoint,
    region: rgw.region,
    forcePathStyle: true,
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    secret: 'integration-secret',
  };
}, 120_000);

afterAll(async () => {
  s3?.destroy();
  await rgw?.stop();
});

async function call(handler: (request: Request) => Promise<Response>, body: Record<string, unknown>) {
  const response = await handler(new Request('http://app.test/api/upload', { method: 'POST', body: JSON.stringify({ v: 1, ...body }) }));
  return { status: response.status, body: await response.json() };
}

function bytes(size: number, fill = 1): Uint8Array<ArrayBuffer> {
  return new Uint8Array(size).fill(fill);
}

async function put(url: string, body: Uint8Array<ArrayBuffer>, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'PUT', body, headers });
  const text = await response.text();
  return { status: response.status, text, etag: response.headers.get('etag') };
}

/** Posts `body` as the S3 form a `presign-put` with `post` answered; `override` replaces signed fields. */
async function post(
  signed: { url: string; fields: Record<string, string> },
  body: Uint8Array<ArrayBuffer>,
  override: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...signed.fields, ...override })) form.append(name, value);
  form.append('file', new Blob([body]));
  const response = await fetch(signed.url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
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
    const completed = await call(handler, {
      operation: 'complete-multipart',
      file,
      upload,
      parts: etags.map((etag, index) => ({ partNumber: index + 1, etag })),
    });
    expect(completed.status).toBe(200);
    expect((await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: upload.key }))).ContentLength).toBe(12 * MiB);
  });

  it('a completed object of another size than signed is deleted and the completion refused', async () => {
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
    const completed = await call(handler, { operation: 'complete-multipart', file, upload, parts });
    expect(completed.status).toBe(422);
    expect(completed.body.error.code).toBe('size_mismatch');
    await expect(s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: upload.key }))).rejects.toMatchObject({ name: 'NotFound' });
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
    expect(exact.fields).toMatchObject({ key: exact.key, 'Content-Type': 'text/plain', 'x-amz-meta-owner': '42' });
    expect(JSON.stringify(exact.fields)).not.toContain(rgw.secretAccessKey);

    expect((await post(exact, bytes(1000, 65))).status).toBe(204);
    const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: exact.key }));
    expect(stored.ContentLength).toBe(1000);
    expect(stored.ContentType).toBe('text/plain');
    expect(stored.Metadata).toEqual({ owner: '42' });
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

/**
 * The signer's tests against a real, signature-checking store: a Ceph RGW
 * with one bucket, the signer's storage options for it, and the calls those
 * tests make (a protocol request to a handler, a PUT to a presigned URL).
 * Shared by test/integration/signer-rgw*.test.ts.
 */
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { SignHandlerOptions } from '../../src/server/index.js';
import { type RgwServer, startRgw } from './rgw.js';
import { testS3Client } from './s3-client.js';

export interface SignerRgw {
  rgw: RgwServer;
  /** A client with the signer's credentials, for what the test itself reads or writes. */
  s3: S3Client;
  /** The handler's storage options for the bucket, with `secret` and `onError: false`. */
  storage: SignHandlerOptions;
}

/** Starts RGW and creates `bucket` (call in `beforeAll`, with a timeout of 120 s). */
export async function startSignerRgw(bucket: string, secret: string): Promise<SignerRgw> {
  const rgw = await startRgw();
  const s3 = testS3Client(rgw);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const storage: SignHandlerOptions = {
    bucket,
    endpoint: rgw.endpoint,
    region: rgw.region,
    forcePathStyle: true,
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    secret,
    onError: false,
  };
  return { rgw, s3, storage };
}

export async function stopSignerRgw(env: SignerRgw | undefined): Promise<void> {
  env?.s3.destroy();
  await env?.rgw.stop();
}

/** A protocol v1 request to `handler`: its status and JSON body. */
export async function call(handler: (request: Request) => Promise<Response>, body: Record<string, unknown>) {
  const response = await handler(
    new Request('http://app.test/api/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: 1, ...body }),
    }),
  );
  return { status: response.status, body: await response.json() };
}

export function bytes(size: number, fill = 1): Uint8Array<ArrayBuffer> {
  return new Uint8Array(size).fill(fill);
}

/**
 * Posts `body` as the S3 form a `presign-put` with `post` answered. `override` replaces signed fields, `drop`
 * leaves some out, `extra` are appended after them; the file's part gets `fileType`.
 */
export async function postForm(
  signed: { url: string; fields: Record<string, string> },
  body: Uint8Array<ArrayBuffer>,
  {
    override = {},
    drop = [],
    extra = [],
    fileType = '',
  }: { override?: Record<string, string>; drop?: string[]; extra?: Array<[string, string]>; fileType?: string } = {},
) {
  const form = new FormData();
  for (const [name, value] of Object.entries({ ...signed.fields, ...override })) if (!drop.includes(name)) form.append(name, value);
  for (const [name, value] of extra) form.append(name, value);
  form.append('file', new Blob([body], { type: fileType }), 'upload.bin');
  const response = await fetch(signed.url, { method: 'POST', body: form });
  return { status: response.status, text: await response.text() };
}

/** The object's HeadObject answer, or undefined when it is not there. */
export function headObject(s3: S3Client, bucket: string, key: string) {
  return s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).then(
    (answer) => answer,
    () => undefined,
  );
}

/** The object's bytes as text, or undefined when it is not there. */
export function storedText(s3: S3Client, bucket: string, key: string): Promise<string | undefined> {
  return s3.send(new GetObjectCommand({ Bucket: bucket, Key: key })).then(
    async (object) => (await object.Body?.transformToString()) ?? '',
    () => undefined,
  );
}

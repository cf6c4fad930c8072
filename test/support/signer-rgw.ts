/**
 * The signer's tests against a real, signature-checking store: a Ceph RGW
 * with one bucket, the signer's storage options for it, and the calls those
 * tests make (a protocol request to a handler, a PUT to a presigned URL).
 * Shared by test/integration/signer-rgw*.test.ts.
 */
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
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

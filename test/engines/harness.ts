/**
 * What the cross-engine tests and the WebKit large-file measurement share: a
 * real S3 (Ceph RGW) behind the fault-injecting proxy, the signer, and the
 * page (./page) served by Vite on 127.0.0.1 with the signer on /api/upload.
 */
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { CreateBucketCommand, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import { createServer } from 'vite';
import { createSignHandler, toNodeListener } from '../../src/server/index.js';
import { type RgwServer, startRgw } from '../support/rgw.js';
import { testS3Client } from '../support/s3-client.js';
import { type S3Proxy, startS3Proxy } from '../support/s3-proxy.js';

export interface EnginesHarness {
  rgw: RgwServer;
  s3: S3Client;
  proxy: S3Proxy;
  bucket: string;
  /** The page's origin, e.g. http://127.0.0.1:41234 */
  origin: string;
  stop(): Promise<void>;
}

export async function startEnginesHarness(options: { bucket?: string; blockSizeBytes?: number } = {}): Promise<EnginesHarness> {
  const bucket = options.bucket ?? 'engines';
  const rgw = await startRgw(options.blockSizeBytes ? { blockSizeBytes: options.blockSizeBytes } : {});
  const s3 = testS3Client(rgw);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const proxy = await startS3Proxy({ upstream: rgw.endpoint });
  const signerOptions = {
    bucket,
    endpoint: proxy.url,
    region: rgw.region,
    forcePathStyle: true,
    credentials: { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey },
    secret: 'engines-secret-engines-secret-engines',
    prefix: 'engines',
    onError: false,
  } as const;
  const signer = toNodeListener(createSignHandler(signerOptions));
  // The same signer requiring an MD5 of every PUT and part: the page computes them in a Web Worker.
  const md5Signer = toNodeListener(createSignHandler({ ...signerOptions, checksum: 'md5' }));
  const vite = await createServer({
    root: resolve(import.meta.dirname, 'page'),
    configFile: false,
    logLevel: 'silent',
    publicDir: false,
    server: { host: '127.0.0.1', port: 0 },
    plugins: [
      {
        name: 'engines-signer',
        configureServer(server) {
          server.middlewares.use('/api/upload-md5', (request, response) => void md5Signer(request, response));
          server.middlewares.use('/api/upload', (request, response) => void signer(request, response));
        },
      },
    ],
  });
  await vite.listen();
  const address = vite.httpServer?.address() as AddressInfo | undefined;
  if (!address) throw new Error("the page's server did not start");
  const origin = `http://127.0.0.1:${address.port}`;
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: bucket,
      CORSConfiguration: {
        CORSRules: [{ AllowedOrigins: [origin], AllowedMethods: ['PUT', 'POST', 'GET'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'] }],
      },
    }),
  );
  return {
    rgw,
    s3,
    proxy,
    bucket,
    origin,
    async stop() {
      await vite.close();
      await proxy.close();
      s3.destroy();
      await rgw.stop();
    },
  };
}

/** Polls `read` until `done` says so, or fails naming `what` with the last value. */
export async function until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

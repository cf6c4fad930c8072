import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';

export interface DemoStorage {
  endpoint: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  forcePathStyle: boolean;
  /** What the page says the storage is. */
  description: string;
  stop: () => Promise<void>;
}

const CORS_XML = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>POST</AllowedMethod>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3600</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`;

/**
 * The storage the demo uploads to: the S3_* environment variables when set
 * (RGW, AWS, MinIO, R2…), else an embedded s3rver — a fake that checks no
 * signatures and has no ListParts or AbortMultipartUpload.
 */
export async function startDemoStorage(): Promise<DemoStorage> {
  const env = process.env;
  if (env.S3_ENDPOINT || env.S3_BUCKET) {
    return {
      endpoint: env.S3_ENDPOINT ?? '',
      region: env.S3_REGION ?? 'us-east-1',
      bucket: env.S3_BUCKET ?? 'demo-uploads',
      accessKeyId: env.S3_ACCESS_KEY_ID ?? env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? env.AWS_SECRET_ACCESS_KEY ?? '',
      forcePathStyle: env.S3_FORCE_PATH_STYLE !== 'false',
      description: `${env.S3_ENDPOINT ?? 'AWS S3'} (from S3_* variables)`,
      stop: async () => {},
    };
  }
  const directory = mkdtempSync(join(tmpdir(), 's3-direct-upload-demo-'));
  const port = Number(env.DEMO_S3_PORT ?? 4569);
  const server = new S3rver({
    address: '127.0.0.1',
    port,
    silent: true,
    directory,
    configureBuckets: [{ name: 'demo-uploads', configs: [CORS_XML] }],
  });
  await server.run();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    bucket: 'demo-uploads',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
    description: `embedded s3rver on 127.0.0.1:${port} (a local fake: it checks no signatures)`,
    stop: async () => {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}

import { CreateBucketCommand, PutBucketCorsCommand } from '@aws-sdk/client-s3';
import { startRgw } from '../support/rgw.js';
import { testS3Client } from '../support/s3-client.js';
import { startS3Proxy } from '../support/s3-proxy.js';
import { E2E_BUCKET, shareProxy } from './environment.js';

/** Starts a real S3 (Ceph RGW) and the recording proxy in front of it; stops both after the run. */
export default async function setup() {
  const rgw = await startRgw({ log: (line) => process.env.E2E_VERBOSE && console.log(line) });
  const proxy = await startS3Proxy({ upstream: rgw.endpoint });
  const s3 = testS3Client(rgw);
  await s3.send(new CreateBucketCommand({ Bucket: E2E_BUCKET }));
  // The rules the README tells users to set: PUT from the app's origin, ETag readable.
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: E2E_BUCKET,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: ['*'],
            AllowedMethods: ['PUT', 'POST', 'GET'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
            MaxAgeSeconds: 3600,
          },
        ],
      },
    }),
  );
  s3.destroy();
  Object.assign(process.env, {
    E2E_S3_ENDPOINT: proxy.url,
    E2E_S3_DIRECT_ENDPOINT: rgw.endpoint,
    E2E_S3_REGION: rgw.region,
    E2E_S3_ACCESS_KEY_ID: rgw.accessKeyId,
    E2E_S3_SECRET_ACCESS_KEY: rgw.secretAccessKey,
  });
  shareProxy(proxy);
  return async () => {
    shareProxy(undefined);
    await proxy.close();
    await rgw.stop();
  };
}

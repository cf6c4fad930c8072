/**
 * A bucket on the test RGW set up as a user's app has it: made with the SDK,
 * its CORS rule set by `s3-direct-upload cors --apply` and nothing else, as
 * the README tells users. For the tests that run an app in Chromium against
 * RGW (the demo, the consumer fixture).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CreateBucketCommand, type S3Client } from '@aws-sdk/client-s3';
import type { RgwServer } from './rgw.js';
import { testS3Client } from './s3-client.js';

type Store = Pick<RgwServer, 'endpoint' | 'region' | 'accessKeyId' | 'secretAccessKey'>;

/** The environment an AWS SDK program (the CLI, a signer) reads this store's keys and region from. */
export function awsEnv(store: Store): { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string; AWS_REGION: string } {
  return { AWS_ACCESS_KEY_ID: store.accessKeyId, AWS_SECRET_ACCESS_KEY: store.secretAccessKey, AWS_REGION: store.region };
}

/** A test SDK client for the store, with `bucket` made in it; destroy it in afterAll. */
export async function clientWithBucket(store: Store, bucket: string): Promise<S3Client> {
  const s3 = testS3Client(store);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    s3.destroy();
    throw error;
  }
  return s3;
}

/**
 * Runs `<node> ...cli cors s3://<bucket> --origin <origin> --apply --endpoint <store> --path-style`,
 * `cli` being the node arguments that start the CLI (a script, or `--import tsx src/cli/index.ts`);
 * the store's keys in the environment. Resolves with what it printed; rejects if it fails.
 */
export async function applyCorsWithCli(
  cli: string[],
  options: { store: Store; bucket: string; origin: string; cwd?: string },
): Promise<string> {
  const { store, bucket, origin } = options;
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...cli, 'cors', `s3://${bucket}`, '--origin', origin, '--apply', '--endpoint', store.endpoint, '--path-style'],
    { ...(options.cwd ? { cwd: options.cwd } : {}), env: { ...process.env, ...awsEnv(store) } },
  );
  return stdout;
}

import { S3Client } from '@aws-sdk/client-s3';
import type { StorageOptions } from '../server/s3-client.js';
import { parseHttpUrl } from './args.js';

/** The flags `presign` and `cors` share for reaching a bucket. */
export interface StorageFlags {
  region?: string;
  endpoint?: string;
  'path-style'?: boolean;
}

export const STORAGE_OPTIONS = {
  region: { type: 'string' },
  endpoint: { type: 'string' },
  'path-style': { type: 'boolean' },
} as const;

/**
 * Where the bucket is, from the flags, then the environment the AWS CLI reads
 * (AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_REGION and the profile's region),
 * then S3_FORCE_PATH_STYLE. Credentials stay with the SDK's standard chain.
 */
export async function resolveStorage(
  bucket: string,
  flags: StorageFlags,
  env: Record<string, string | undefined>,
): Promise<StorageOptions> {
  const endpoint = flags.endpoint ?? env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  const pathStyle = flags['path-style'] ?? /^(true|1|yes)$/i.test(env.S3_FORCE_PATH_STYLE ?? '');
  return {
    bucket,
    region: flags.region ?? (await defaultRegion()),
    ...(endpoint ? { endpoint: parseHttpUrl(endpoint, flags.endpoint ? '--endpoint' : 'AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL') } : {}),
    forcePathStyle: pathStyle,
  };
}

/**
 * The SDK's own region chain (AWS_REGION, then the profile in ~/.aws/config);
 * createS3Client would otherwise fall back to us-east-1 without asking it, and a
 * URL signed for the wrong region does not work on AWS.
 */
async function defaultRegion(): Promise<string> {
  const probe = new S3Client({});
  try {
    return await probe.config.region();
  } catch {
    return 'us-east-1';
  } finally {
    probe.destroy();
  }
}

/** An AWS SDK error as one line: its name (the S3 error code) and message; never a stack or a URL. */
export function sdkErrorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const name = error.name && error.name !== 'Error' ? error.name : '';
  const prefix = [status, name].filter(Boolean).join(' ');
  return prefix ? `${prefix}: ${error.message}` : error.message;
}

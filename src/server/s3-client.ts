import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

/** Where the bucket lives and how to reach it; shared by the sign handler and presignDownload. */
export interface StorageOptions {
  bucket: string;
  /** Default: `AWS_REGION`, else `us-east-1`. */
  region?: string | undefined;
  /** For S3-compatible stores (MinIO, R2, Ceph RGW…): their endpoint URL. */
  endpoint?: string | undefined;
  /** Path-style addressing (`endpoint/bucket/key`); needed by most S3-compatible stores. */
  forcePathStyle?: boolean | undefined;
  /** AWS: the dual-stack (IPv4 and IPv6) endpoint, `bucket.s3.dualstack.<region>.amazonaws.com`. */
  useDualstackEndpoint?: boolean | undefined;
  /** AWS: the Transfer Acceleration endpoint (the bucket must have it enabled). */
  useAccelerateEndpoint?: boolean | undefined;
  /** Credentials; default the AWS SDK's standard chain (environment, profile, role). */
  credentials?: S3ClientConfig['credentials'] | undefined;
  /** A client of your own, which then supersedes region, endpoint, path style and credentials. */
  client?: S3Client | undefined;
}

export function createS3Client(options: StorageOptions): S3Client {
  if (options.client) return options.client;
  return new S3Client({
    region: options.region ?? environmentRegion() ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
    ...(options.useDualstackEndpoint ? { useDualstackEndpoint: true } : {}),
    ...(options.useAccelerateEndpoint ? { useAccelerateEndpoint: true } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Otherwise the SDK adds a CRC32 of an empty body to presigned PUTs, which
    // every real upload then fails, and stores without flexible checksums reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** AWS_REGION / AWS_DEFAULT_REGION where there is a process environment (not in every edge runtime). */
function environmentRegion(): string | undefined {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  return env?.AWS_REGION || env?.AWS_DEFAULT_REGION || undefined;
}

/** Another way to reach the same bucket: an endpoint URL, or endpoint settings over the main ones. */
export type AlternateEndpoint =
  | string
  | Pick<StorageOptions, 'endpoint' | 'forcePathStyle' | 'useDualstackEndpoint' | 'useAccelerateEndpoint'>;

/** Clients for the alternate endpoints, with the main options' region and credentials. */
export function createAlternateClients(options: StorageOptions, alternates: readonly AlternateEndpoint[] = []): S3Client[] {
  const { client: _own, ...base } = options;
  return alternates.map((alternate) =>
    createS3Client({ ...base, ...(typeof alternate === 'string' ? { endpoint: alternate } : alternate) }),
  );
}

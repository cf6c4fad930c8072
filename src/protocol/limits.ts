/**
 * The numbers the protocol and the stores impose, in one place: S3's
 * multipart limits, SigV4's cap on a presigned URL's lifetime, and the
 * protocol's own batch sizes (docs/protocol.md).
 */

/**
 * S3's multipart limits. Parts are the same on AWS, R2, MinIO and RGW; the
 * largest object is AWS's (10,000 parts of 5 GiB, 48.8 TiB, since December
 * 2025) — other stores hold less (src/server/stores.ts).
 */
export const S3_LIMITS = {
  minPartSize: 5 * 1024 * 1024,
  maxPartSize: 5 * 1024 * 1024 * 1024,
  maxParts: 10_000,
  maxObjectSize: 10_000 * 5 * 1024 * 1024 * 1024,
} as const;

/** SigV4 presigned URLs live at most 7 days, in seconds. */
export const MAX_EXPIRES_IN = 604_800;

/**
 * The metadata name a confirmed single upload's object carries, its upload
 * reference (the server sets it; an app's metadata may not use the name), and
 * the reference's length (12 random bytes in base64url).
 */
export const UPLOAD_REFERENCE = 'upload-ref';
export const UPLOAD_REFERENCE_LENGTH = 16;

/** S3 user metadata is limited to 2 KB in all; an app's own gets what the upload reference leaves. */
export const MAX_METADATA_BYTES = 2048 - UPLOAD_REFERENCE.length - UPLOAD_REFERENCE_LENGTH;

/** Files one `presign-put` request may carry. */
export const MAX_BATCH = 100;

/** Part numbers one `sign-parts` request may carry. */
export const MAX_PARTS_PER_SIGN = 100;

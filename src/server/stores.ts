import { S3_LIMITS } from '../protocol/limits.js';
import type { ChecksumAlgorithm, StorageTransport } from '../protocol/types.js';

/**
 * What one S3-compatible store does, as far as this library depends on it.
 * One table, so a difference between stores is written down once, with its
 * source in docs/providers.md, and every rule that depends on it reads it here.
 */
export interface StoreCapabilities {
  /** The store's name in this table. */
  name: StoreName;
  /** For messages: "Cloudflare R2". */
  label: string;
  /** S3's POST Object (HTML form upload with a POST policy). Without it every file goes by PUT. */
  postObject: boolean;
  /** `If-None-Match: *` on PutObject makes a presigned PUT create-only (second use: 412). */
  conditionalPut: boolean;
  /** `If-None-Match: *` on CompleteMultipartUpload is enforced. */
  conditionalComplete: boolean;
  /**
   * The canned ACL signed into every PUT (`x-amz-acl`), so a client cannot
   * send another (`public-read`); `false` where the store has no object ACLs
   * or refuses the header.
   */
  cannedAcl: 'private' | 'bucket-owner-full-control' | false;
  /** The store refuses a presigned request that carries `x-amz-*` headers the signature does not cover. */
  refusesUnsignedAmzHeaders: boolean;
  /** Checksum headers the store verifies against the body. */
  checksums: readonly ChecksumAlgorithm[];
  /** Every part but the last must have the same size (our part plans always do). */
  equalParts: boolean;
  /** Smallest part but the last, bytes. */
  minPartSize: number;
  /** Largest part, bytes. */
  maxPartSize: number;
  /** Most parts of one multipart upload. */
  maxParts: number;
  /** Largest object, bytes. */
  maxObjectSize: number;
  /** Largest single PUT (or form POST), bytes. */
  maxSinglePutSize: number;
  /**
   * Requests to one object (a file's PUT, or the parts of one multipart
   * upload) the store accepts in flight at once, when it documents a cap.
   * The browser keeps at most this many in flight per host (a conservative
   * reading: it does not track them per object).
   */
  maxConcurrentParts?: number;
  /**
   * Its S3 endpoint speaks HTTP/2 to browsers (ALPN `h2`), documented or
   * reported (docs/providers.md). The browser then keeps more requests in
   * flight per host than HTTP/1.1's 6 connections; what the browser itself
   * sees (Resource Timing, with `Timing-Allow-Origin`) overrides this.
   */
  http2: boolean;
}

export type StoreName = 'aws' | 'r2' | 'minio' | 'rgw' | 'b2' | 'spaces' | 'gcs' | 's3-compatible';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

const S3_LIKE = {
  postObject: true,
  conditionalPut: true,
  conditionalComplete: false,
  cannedAcl: 'private',
  refusesUnsignedAmzHeaders: false,
  checksums: ['md5'],
  equalParts: false,
  minPartSize: S3_LIMITS.minPartSize,
  maxPartSize: S3_LIMITS.maxPartSize,
  maxParts: S3_LIMITS.maxParts,
  maxObjectSize: 5 * TiB,
  maxSinglePutSize: 5 * GiB,
  http2: false,
} as const satisfies Omit<StoreCapabilities, 'name' | 'label'>;

/** Sources for each row: docs/providers.md. */
export const STORES: Readonly<Record<StoreName, StoreCapabilities>> = {
  aws: {
    ...S3_LIKE,
    name: 'aws',
    label: 'AWS S3',
    conditionalComplete: true,
    // Buckets with Object Ownership "bucket owner enforced" (the default since April 2023) accept only this ACL, or none.
    cannedAcl: 'bucket-owner-full-control',
    refusesUnsignedAmzHeaders: true,
    checksums: ['md5', 'sha256', 'crc32'],
    // 10,000 parts of 5 GiB (AWS raised the object limit to 50 TB in December 2025).
    maxObjectSize: S3_LIMITS.maxObjectSize,
  },
  r2: {
    ...S3_LIKE,
    name: 'r2',
    label: 'Cloudflare R2',
    postObject: false,
    // R2 has no object ACLs: it answers 501 NotImplemented to x-amz-acl values it does not implement.
    cannedAcl: false,
    checksums: ['md5'],
    equalParts: true,
    maxObjectSize: 5 * TiB - 5 * GiB,
    maxSinglePutSize: 5 * GiB - 5 * MiB,
    // HTTP/2 on the S3 endpoint is not documented (docs/providers.md): not claimed, because a wrong claim queues
    // 24 requests behind 6 connections. An app that has seen h2 in its network panel says `store: { name: 'r2',
    // http2: true }`. R2 once capped concurrent part uploads of one multipart upload; its limits page no longer
    // does (1 write per second per key is about whole objects), so no cap: a 429 halves the requests in flight.
    http2: false,
  },
  minio: { ...S3_LIKE, name: 'minio', label: 'MinIO', checksums: ['md5', 'sha256', 'crc32'], maxObjectSize: 50 * TiB },
  rgw: { ...S3_LIKE, name: 'rgw', label: 'Ceph RGW' },
  b2: {
    ...S3_LIKE,
    name: 'b2',
    label: 'Backblaze B2',
    postObject: false,
    // Reported to answer 501 to If-None-Match; x-amz-acl must equal the bucket's own ACL.
    conditionalPut: false,
    cannedAcl: false,
    maxObjectSize: 10 * 1000 ** 4,
  },
  // Not documented either way, so the safe choice: PUT for every file, no conditional header.
  spaces: {
    ...S3_LIKE,
    name: 'spaces',
    label: 'DigitalOcean Spaces',
    postObject: false,
    conditionalPut: false,
    // "Spaces … supports HTTP/2 and HTTP/1.1 clients"; at most 10 concurrent PUT or COPY requests to one object.
    http2: true,
    maxConcurrentParts: 10,
  },
  gcs: {
    ...S3_LIKE,
    name: 'gcs',
    label: 'Google Cloud Storage (XML API)',
    // If-None-Match is a read precondition there; create-only is x-goog-if-generation-match: 0.
    conditionalPut: false,
    cannedAcl: false,
    // Google's front ends negotiate h2 on storage.googleapis.com (reported; docs/providers.md).
    http2: true,
  },
  's3-compatible': { ...S3_LIKE, name: 's3-compatible', label: 'an S3-compatible store' },
};

/**
 * What the browser is told about the store's HTTP, spread into every signed
 * URL: `{ transport }` when there is something to tell (HTTP/2, or a cap);
 * nothing for a plain HTTP/1.1 store, which is what a client assumes.
 */
export function storageTransport(store: StoreCapabilities): { transport?: StorageTransport } {
  if (!store.http2 && store.maxConcurrentParts === undefined) return {};
  return {
    transport: {
      protocol: store.http2 ? 'h2' : 'http/1.1',
      ...(store.maxConcurrentParts !== undefined ? { maxInFlight: store.maxConcurrentParts } : {}),
    },
  };
}

/** Host names that tell the store, tried in order. */
const HOSTS: ReadonlyArray<[RegExp, StoreName]> = [
  [/(^|\.)r2\.cloudflarestorage\.com$/, 'r2'],
  [/(^|\.)backblazeb2\.com$/, 'b2'],
  [/(^|\.)digitaloceanspaces\.com$/, 'spaces'],
  [/(^|\.)storage\.googleapis\.com$/, 'gcs'],
  [/(^|\.)amazonaws\.com(\.cn)?$/, 'aws'],
];

/** The store behind an endpoint URL: AWS when there is none, `s3-compatible` when the host says nothing. */
export function detectStore(endpoint: string | undefined): StoreName {
  if (endpoint === undefined) return 'aws';
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return 's3-compatible';
  }
  return HOSTS.find(([pattern]) => pattern.test(host))?.[1] ?? 's3-compatible';
}

/** A store named, or a named store with some capabilities overridden (e.g. a MinIO release without conditional writes). */
export type StoreOption = StoreName | ({ name: StoreName } & Partial<Omit<StoreCapabilities, 'name'>>);

/** The capabilities in force: the option's, else the store the endpoint names. */
export function resolveStore(option: StoreOption | undefined, endpoint: string | undefined): StoreCapabilities {
  if (option === undefined) return STORES[detectStore(endpoint)];
  if (typeof option === 'string') return STORES[option];
  return { ...STORES[option.name], ...option };
}

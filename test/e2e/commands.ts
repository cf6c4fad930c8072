import { createHash } from 'node:crypto';
import { GetObjectCommand, ListMultipartUploadsCommand, S3Client } from '@aws-sdk/client-s3';
import type { BrowserCommand } from 'vitest/node';
import type { S3RequestRecord } from '../support/s3-proxy.js';
import { E2E_BUCKET, sharedProxy, storageFromEnv } from './environment.js';

function directClient(): S3Client {
  const storage = storageFromEnv();
  return new S3Client({
    endpoint: storage.directEndpoint,
    region: storage.region,
    forcePathStyle: true,
    credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** sha256 (hex) and size of an object as GetObject returns it, read straight from RGW. */
const s3ObjectDigest: BrowserCommand<[key: string]> = async (_context, key) => {
  const s3 = directClient();
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: E2E_BUCKET, Key: key }));
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of object.Body as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      size += chunk.byteLength;
    }
    return { sha256: hash.digest('hex'), size };
  } finally {
    s3.destroy();
  }
};

/** Multipart uploads still open in the bucket (ListMultipartUploads). */
const s3OpenMultipartUploads: BrowserCommand<[]> = async () => {
  const s3 = directClient();
  try {
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: E2E_BUCKET }));
    return (listed.Uploads ?? []).map((upload) => ({ key: upload.Key, uploadId: upload.UploadId }));
  } finally {
    s3.destroy();
  }
};

/** The requests the browser sent to S3, as the proxy saw them (no query strings: they hold signatures). */
const s3Requests: BrowserCommand<[]> = async () =>
  sharedProxy()
    .requests()
    .map((record: S3RequestRecord) => ({
      method: record.method,
      path: record.path,
      partNumber: record.query.partNumber,
      uploadId: record.query.uploadId,
      startedAt: record.startedAt,
      endedAt: record.endedAt,
      status: record.status,
      requestBytes: record.requestBytes,
    }));

const s3ResetRequests: BrowserCommand<[]> = async () => {
  sharedProxy().reset();
};

export const e2eCommands = { s3ObjectDigest, s3OpenMultipartUploads, s3Requests, s3ResetRequests };

export interface SeenRequest {
  method: string;
  path: string;
  partNumber?: string;
  uploadId?: string;
  startedAt: number;
  endedAt?: number;
  status?: number;
  requestBytes: number;
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    s3ObjectDigest: (key: string) => Promise<{ sha256: string; size: number }>;
    s3OpenMultipartUploads: () => Promise<Array<{ key?: string; uploadId?: string }>>;
    s3Requests: () => Promise<SeenRequest[]>;
    s3ResetRequests: () => Promise<void>;
  }
}

import { createHash } from 'node:crypto';
import { GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BrowserCommand } from 'vitest/node';
import { testS3Client } from '../support/s3-client.js';
import type { S3RequestRecord, StoreQuirks } from '../support/s3-proxy.js';
import { E2E_BUCKET, type SignerOverrides, setSignerOverrides, sharedProxy, storageFromEnv } from './environment.js';

function directClient(): S3Client {
  const storage = storageFromEnv();
  return testS3Client({ ...storage, endpoint: storage.directEndpoint });
}

/** sha256 (hex), size and Content-Type of an object as GetObject returns it, read straight from RGW. */
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
    return { sha256: hash.digest('hex'), size, contentType: object.ContentType };
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
    .map(({ id, query, ...seen }: S3RequestRecord): SeenRequest => ({ ...seen, partNumber: query.partNumber, uploadId: query.uploadId }));

const s3ResetRequests: BrowserCommand<[]> = async () => {
  sharedProxy().reset();
};

/** Declarative faults a browser test can ask for (functions cannot cross from the browser). */
export interface FaultSpec {
  /** Share of storage requests (PUTs) that fail, 0–1. */
  rate: number;
  kinds: Array<'slowdown' | 'reset' | 'stall' | 'flip' | 'delay'>;
  /** Seed for the pseudo-random choice of fault kind and position, so a run can be repeated. */
  seed?: number;
  /** For 'stall' and 'delay', ms. */
  ms?: number;
}

/** Mulberry32: small, seedable, good enough to pick which requests fail. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const s3SetFaults: BrowserCommand<[spec: FaultSpec | null]> = async (_context, spec) => {
  const proxy = sharedProxy();
  if (!spec) return proxy.setFaultPolicy(undefined);
  const next = random(spec.seed ?? 1);
  let puts = 0;
  proxy.setFaultPolicy(({ method, headers }) => {
    if (method !== 'PUT') return undefined;
    // Exactly `rate` of the PUTs, spread evenly: the 3rd, 7th, 10th… at 30 %.
    const index = puts++;
    if (Math.floor((index + 1) * spec.rate) === Math.floor(index * spec.rate)) return undefined;
    const kind = spec.kinds[Math.floor(next() * spec.kinds.length)];
    const length = Number(headers['content-length'] ?? 0);
    switch (kind) {
      case 'slowdown':
        return { kind: 'status', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
      case 'reset':
        return { kind: 'reset', afterBytes: Math.floor(length / 2) };
      case 'stall':
        return { kind: 'stall', afterBytes: Math.floor(length / 3), ms: spec.ms ?? 5000 };
      case 'flip':
        return length > 0 ? { kind: 'flip-byte', at: Math.floor(next() * length) } : undefined;
      case 'delay':
        return { kind: 'delay', ms: spec.ms ?? 3000 };
      default:
        return undefined;
    }
  });
};

const s3SetLatency: BrowserCommand<[options: { rttMs?: number; bytesPerSecondPerConnection?: number } | null]> = async (
  _context,
  options,
) => {
  sharedProxy().setLatency(options ?? undefined);
};

/** Makes the proxy behave like another store in front of RGW (test/support/store-quirks.ts); null: plain RGW. */
const s3SetStoreQuirks: BrowserCommand<[quirks: StoreQuirks | null]> = async (_context, quirks) => {
  sharedProxy().setStoreQuirks(quirks ?? undefined);
};

const configureSigner: BrowserCommand<[overrides: SignerOverrides]> = async (_context, overrides) => {
  setSignerOverrides(overrides);
};

export const e2eCommands = {
  s3ObjectDigest,
  s3OpenMultipartUploads,
  s3Requests,
  s3ResetRequests,
  s3SetFaults,
  s3SetLatency,
  s3SetStoreQuirks,
  configureSigner,
};

/** A request the proxy saw, as the page gets it: the part's number and upload id instead of the query (which holds signatures). */
export type SeenRequest = Omit<S3RequestRecord, 'id' | 'query'> & { partNumber?: string; uploadId?: string };

declare module 'vitest/browser' {
  interface BrowserCommands {
    s3ObjectDigest: (key: string) => Promise<{ sha256: string; size: number; contentType?: string }>;
    s3OpenMultipartUploads: () => Promise<Array<{ key?: string; uploadId?: string }>>;
    s3Requests: () => Promise<SeenRequest[]>;
    s3ResetRequests: () => Promise<void>;
    s3SetFaults: (spec: FaultSpec | null) => Promise<void>;
    s3SetLatency: (options: { rttMs?: number; bytesPerSecondPerConnection?: number } | null) => Promise<void>;
    s3SetStoreQuirks: (quirks: StoreQuirks | null) => Promise<void>;
    configureSigner: (overrides: SignerOverrides) => Promise<void>;
  }
}

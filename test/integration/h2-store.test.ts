/**
 * Issue #14: the engine keeps more requests in flight when the store speaks
 * HTTP/2, and 6 per host when it speaks HTTP/1.1. Chromium uploads the same
 * files (small ones as form POSTs, one multipart file) to one Ceph RGW twice:
 * through the TLS front that speaks HTTP/2 (test/support/h2-front.ts), and
 * through the plain HTTP/1.1 recording proxy (small files only: the other
 * end-to-end tests cover HTTP/1.1 multipart); every object must come back
 * byte-identical. A 40 ms round trip on both paths keeps requests open long
 * enough that the cap, not the speed of loopback, decides how many overlap.
 * The page is the benchmark's headless page (bench/pages/ours.html) behind
 * the benchmark's server (bench/lib/servers.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutBucketCorsCommand, type S3Client } from '@aws-sdk/client-s3';
import react from '@vitejs/plugin-react';
import { type Browser, chromium } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BenchServer, startBenchServer } from '../../bench/lib/servers.js';
import type { PageResult } from '../../bench/pages/shared.js';
import { createSignHandler } from '../../src/server/index.js';
import { chromiumLaunchOptions } from '../support/chromium.js';
import { type H2Front, s3ClientThroughFront, startH2Front } from '../support/h2-front.js';
import { type RgwServer, startRgw } from '../support/rgw.js';
import { testS3Client } from '../support/s3-client.js';
import { maxConcurrent, type S3Proxy, startS3Proxy } from '../support/s3-proxy.js';

const MiB = 1024 * 1024;
const BUCKET = 'h2-tests';
const SMALL_FILES = 40;
const root = resolve(import.meta.dirname, '../..');

let work: string;
let rgw: RgwServer;
let s3: S3Client;
let plainProxy: S3Proxy;
let behindFront: S3Proxy;
let front: H2Front;
let server: BenchServer;
let browser: Browser;
let frontClient: S3Client | undefined;
let sources: Array<{ path: string; name: string; sha256: string }>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 's3du-h2-test-'));
  const pagesDir = join(work, 'pages');
  const built = build({
    root: join(root, 'bench/pages'),
    configFile: false,
    logLevel: 'warn',
    publicDir: false,
    plugins: [react()],
    build: {
      outDir: pagesDir,
      emptyOutDir: true,
      target: 'es2022',
      minify: false,
      rolldownOptions: { input: join(root, 'bench/pages/ours.html') },
    },
  });
  [rgw] = await Promise.all([startRgw(), built]);
  s3 = testS3Client(rgw);
  plainProxy = await startS3Proxy({ upstream: rgw.endpoint });
  behindFront = await startS3Proxy({ upstream: rgw.endpoint });
  front = await startH2Front({ upstream: behindFront.url });
  plainProxy.setLatency({ rttMs: 40 });
  front.setLatency({ rttMs: 40 });
  const credentials = { accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey };
  frontClient = s3ClientThroughFront(front, { region: rgw.region, credentials });
  const signer = {
    bucket: BUCKET,
    region: rgw.region,
    forcePathStyle: true,
    credentials,
    secret: randomBytes(32),
    onError: false as const,
  };
  server = await startBenchServer({
    pagesDir,
    ours: createSignHandler({ ...signer, prefix: 'h1', endpoint: plainProxy.url }),
    more: {
      // The signer's table says this store speaks HTTP/2 (as it does for R2, Spaces, GCS).
      '/api/upload-h2': createSignHandler({ ...signer, prefix: 'h2', client: frontClient, store: { name: 's3-compatible', http2: true } }),
      // The signer says nothing: only what the browser sees (the front sends Timing-Allow-Origin) can tell.
      '/api/upload-h2-seen': createSignHandler({ ...signer, prefix: 'h2-seen', client: frontClient, store: 's3-compatible' }),
    },
    uppy: async () => ({}),
    rttMs: 0,
  });
  await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3.send(
    new PutBucketCorsCommand({
      Bucket: BUCKET,
      CORSConfiguration: {
        CORSRules: [
          {
            AllowedOrigins: [server.url],
            AllowedMethods: ['PUT', 'POST'],
            AllowedHeaders: ['*'],
            ExposeHeaders: ['ETag'],
            MaxAgeSeconds: 3600,
          },
        ],
      },
    }),
  );
  const dir = join(work, 'files');
  mkdirSync(dir);
  sources = [];
  const write = (name: string, bytes: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    sources.push({ path, name, sha256: createHash('sha256').update(bytes).digest('hex') });
  };
  for (let index = 0; index < SMALL_FILES; index++) write(`small-${String(index).padStart(2, '0')}.bin`, randomBytes(32 * 1024));
  // Above the 16 MiB multipart threshold: 3 parts of 8 MiB, the last one short.
  write('large.bin', randomBytes(16 * MiB + 12_345));
  browser = await chromium.launch({ ...chromiumLaunchOptions, headless: true });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  frontClient?.destroy();
  await server?.close();
  await front?.close();
  await behindFront?.close();
  await plainProxy?.close();
  s3?.destroy();
  await rgw?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

/** Uploads every source file from a fresh page with this signer; resolves with the page's report. */
async function upload(signUrl: string, files = sources): Promise<PageResult> {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  try {
    const page = await context.newPage();
    await page.goto(`${server.url}/ours.html`);
    await page.waitForFunction(() => typeof window.bench === 'object');
    await page.setInputFiles(
      '#files',
      files.map((source) => source.path),
    );
    await page.evaluate(() => window.bench.useInput());
    return await page.evaluate((url) => window.bench.upload({ signUrl: url }), signUrl);
  } finally {
    await context.close();
  }
}

/** Every object under `prefix`, by file name, with the SHA-256 of its bytes. */
async function stored(prefix: string): Promise<Map<string, string>> {
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }));
  const out = new Map<string, string>();
  for (const object of listed.Contents ?? []) {
    const key = object.Key as string;
    const body = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
    const bytes = Buffer.from(await (body.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
    out.set(key.slice(key.lastIndexOf('/') + 1), createHash('sha256').update(bytes).digest('hex'));
  }
  return out;
}

const carriesFile = (record: { method: string; query: Record<string, string> }) =>
  record.method === 'PUT' || (record.method === 'POST' && !('uploads' in record.query) && !('uploadId' in record.query));

describe('an HTTP/2 store (Chromium → TLS front → RGW)', () => {
  it('gets more than 6 requests in flight over one connection, and every object byte-identical', async () => {
    front.reset();
    behindFront.reset();
    const result = await upload('/api/upload-h2');
    expect(result.errors).toEqual([]);
    expect(result.completed).toBe(sources.length);
    // The browser's requests, all over one HTTP/2 connection (the signer's own calls to the store come over HTTP/1.1).
    const browserRequests = front.requests().filter((record) => record.protocol === 'h2');
    expect(browserRequests.filter((record) => record.method !== 'OPTIONS').length).toBeGreaterThanOrEqual(SMALL_FILES + 3);
    expect(new Set(browserRequests.map((record) => record.connection)).size).toBe(1);
    expect(front.maxInFlight('h2')).toBeGreaterThan(6);
    expect(maxConcurrent(behindFront.requests(), carriesFile)).toBeGreaterThan(6);
    expect(behindFront.requests().filter((record) => record.method === 'PUT' && 'partNumber' in record.query)).toHaveLength(3);
    const objects = await stored('h2');
    for (const source of sources) expect(objects.get(source.name), source.name).toBe(source.sha256);
  });

  it('learns HTTP/2 from Resource Timing when the signer does not say it', async () => {
    front.reset();
    const small = sources.filter((source) => source.name.startsWith('small-'));
    const result = await upload('/api/upload-h2-seen', small);
    expect(result.errors).toEqual([]);
    expect(front.maxInFlight('h2')).toBeGreaterThan(6);
    const objects = await stored('h2-seen');
    expect(objects.size).toBe(small.length);
  });
});

describe('an HTTP/1.1 store (Chromium → recording proxy → RGW)', () => {
  it('keeps at most 6 requests in flight to its one host, and every object byte-identical', async () => {
    plainProxy.reset();
    const small = sources.filter((source) => source.name.startsWith('small-'));
    const result = await upload('/api/upload', small);
    expect(result.errors).toEqual([]);
    expect(result.completed).toBe(small.length);
    const inFlight = maxConcurrent(plainProxy.requests(), carriesFile);
    expect(inFlight).toBeGreaterThan(1);
    expect(inFlight).toBeLessThanOrEqual(6);
    const objects = await stored('h1');
    for (const source of small) expect(objects.get(source.name), source.name).toBe(source.sha256);
  });
});

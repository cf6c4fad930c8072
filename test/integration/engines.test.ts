/**
 * The core scenarios in every engine people upload from — Chromium, Firefox
 * and WebKit (Safari's engine) — against a real S3 (Ceph RGW, behind the
 * fault-injecting proxy), each object checked byte for byte. The page
 * (test/engines/page) is the headless core at its defaults; the drivers
 * (test/engines/drivers.ts) choose files through a real <input type=file>.
 * Test names start with the engine, so a failure reads "in WebKit, …".
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES, type EngineDriver, type EngineName, launch } from '../engines/drivers.js';
import { type EnginesHarness, startEnginesHarness, until } from '../engines/harness.js';
import { maxConcurrent } from '../support/s3-proxy.js';

const MiB = 1024 * 1024;
let harness: EnginesHarness;
let directory: string;

/** Files on disk, as a person would choose them; each with its digest. */
const files = new Map<string, { path: string; sha256: string }>();
function file(name: string, size: number): string {
  const existing = files.get(name);
  if (existing) return existing.path;
  const bytes = randomBytes(size);
  const path = join(directory, name);
  writeFileSync(path, bytes);
  files.set(name, { path, sha256: createHash('sha256').update(bytes).digest('hex') });
  return path;
}

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 's3du-engines-'));
  harness = await startEnginesHarness();
}, 180_000);

afterAll(async () => {
  await harness?.stop();
  if (directory) rmSync(directory, { recursive: true, force: true });
});

interface Finished {
  name: string;
  status: string;
  key?: string;
  error?: string;
}

async function stored(key: string): Promise<string> {
  const object = await harness.s3.send(new GetObjectCommand({ Bucket: harness.bucket, Key: key }));
  const bytes = await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
  return createHash('sha256').update(bytes).digest('hex');
}

async function openUploads(): Promise<number> {
  return (await harness.s3.send(new ListMultipartUploadsCommand({ Bucket: harness.bucket }))).Uploads?.length ?? 0;
}

describe.each(ENGINES)('in %s', (engine: EngineName) => {
  let browser: EngineDriver;
  /** Opens a fresh page, chooses the files, and waits until each has finished. */
  async function upload(names: string[], query = ''): Promise<Finished[]> {
    await browser.open(`${harness.origin}/${query}`);
    await until('the page', () => browser.evaluate<boolean>('typeof window.e2e === "object"'), Boolean, 60_000);
    await browser.chooseFiles(
      '#files',
      names.map((name) => files.get(name)?.path ?? ''),
    );
    return until(
      `${engine}: ${names.length} file(s) finishing`,
      () => browser.evaluate<Finished[]>('window.e2e.finished'),
      (finished) => finished.length >= names.length,
    );
  }
  async function expectIntact(finished: Finished[], names: string[]) {
    expect(finished.filter((result) => result.status !== 'complete')).toEqual([]);
    expect(finished.map((result) => result.name).sort()).toEqual([...names].sort());
    for (const result of finished) expect(await stored(result.key as string), result.name).toBe(files.get(result.name)?.sha256);
  }

  beforeAll(async () => {
    browser = await launch(engine);
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    harness.proxy.setFaultPolicy(undefined);
  });

  it(`${engine}: uploads a 5 MiB file with one PUT, byte-identical`, async () => {
    file('single.bin', 5 * MiB);
    harness.proxy.reset();
    await expectIntact(await upload(['single.bin']), ['single.bin']);
    expect(harness.proxy.requests().filter((request) => request.method === 'PUT')).toHaveLength(1);
  });

  it(`${engine}: uploads 20 small files at once, each byte-identical`, async () => {
    const names = Array.from({ length: 20 }, (_, index) => `small-${index}.bin`);
    for (const name of names) file(name, 32 * 1024);
    await expectIntact(await upload(names), names);
  });

  it(`${engine}: uploads 24 MiB by multipart with parts in parallel, byte-identical, no upload left open`, async () => {
    file('multi.bin', 24 * MiB);
    harness.proxy.reset();
    await expectIntact(await upload(['multi.bin'], `?multipartThreshold=${16 * MiB}&partSize=${5 * MiB}`), ['multi.bin']);
    const parts = (request: { method: string; query: Record<string, string> }) => request.method === 'PUT' && 'partNumber' in request.query;
    expect(harness.proxy.requests().filter(parts)).toHaveLength(5);
    expect(maxConcurrent(harness.proxy.requests(), parts)).toBeGreaterThanOrEqual(2);
    expect(await openUploads()).toBe(0);
  });

  it(`${engine}: cancel in the middle of a multipart upload leaves no multipart upload behind`, async () => {
    file('cancel.bin', 40 * MiB);
    harness.proxy.reset();
    // Parts wait a second at the proxy, so the upload is surely in the middle when canceled.
    harness.proxy.setFaultPolicy((request) =>
      request.method === 'PUT' && 'partNumber' in request.query ? { kind: 'delay', ms: 1000 } : undefined,
    );
    try {
      await browser.open(`${harness.origin}/?partSize=${5 * MiB}`);
      await until('the page', () => browser.evaluate<boolean>('typeof window.e2e === "object"'), Boolean, 60_000);
      await browser.chooseFiles('#files', [files.get('cancel.bin')?.path ?? '']);
      await until(
        `${engine}: a part on its way`,
        async () => harness.proxy.requests().filter((request) => request.method === 'PUT').length,
        (count) => count > 0,
      );
      await browser.evaluate('window.e2e.cancelAll()');
      await until(
        `${engine}: the file canceled`,
        () => browser.evaluate<Array<{ status: string }>>('window.e2e.files()'),
        (list) => list.every((entry) => entry.status === 'canceled') || list.length === 0,
      );
      await until(`${engine}: no multipart upload open`, openUploads, (count) => count === 0, 30_000);
    } finally {
      harness.proxy.setFaultPolicy(undefined);
    }
  });

  it(`${engine}: with an MD5 required for every PUT and part (computed in a Web Worker), a single PUT and a multipart upload arrive byte-identical`, async () => {
    file('digest-single.bin', 3 * MiB);
    file('digest-multi.bin', 12 * MiB);
    harness.proxy.reset();
    const names = ['digest-single.bin', 'digest-multi.bin'];
    await expectIntact(await upload(names, `?sign=/api/upload-md5&checksum=md5&multipartThreshold=${8 * MiB}&partSize=${5 * MiB}`), names);
    // RGW checks every Content-MD5 (400 BadDigest otherwise): 1 PUT and 3 parts, each with its digest.
    expect(harness.proxy.requests().filter((request) => request.method === 'PUT')).toHaveLength(4);
  });

  it(`${engine}: retries after injected faults (503 SlowDown, a reset) and ends byte-identical`, async () => {
    file('retry.bin', 2 * MiB);
    harness.proxy.reset();
    let faults = 0;
    harness.proxy.setFaultPolicy((request) => {
      if (request.method !== 'PUT' || faults >= 2) return undefined;
      faults++;
      return faults === 1 ? { kind: 'status', status: 503, code: 'SlowDown' } : { kind: 'reset', afterBytes: 1024 };
    });
    try {
      await expectIntact(await upload(['retry.bin']), ['retry.bin']);
      expect(faults).toBe(2);
      expect(harness.proxy.requests().filter((request) => request.method === 'PUT').length).toBeGreaterThanOrEqual(3);
    } finally {
      harness.proxy.setFaultPolicy(undefined);
    }
  });
});

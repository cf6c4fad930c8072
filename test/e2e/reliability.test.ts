import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { createUploader, type FileResult, IndexedDbResumeStore, type Uploader, type UploaderOptions } from '../../src/index.js';
import { MiB, randomFile, sha256 } from './browser-support.js';
import type { FaultSpec } from './commands.js';
import { E2E_SIGN_PATH } from './environment.js';

let run = 0;

/** One large file (multipart, 7 parts) and 23 small ones: 30 PUTs. */
const FILES = 24;
function workload(): File[] {
  run++;
  return [
    randomFile(`big-${run}.bin`, 32 * MiB),
    ...Array.from({ length: FILES - 1 }, (_, index) => randomFile(`small-${run}-${index}.bin`, 256 * 1024)),
  ];
}

const fastRetry = { attempts: 8, baseDelayMs: 100, maxDelayMs: 1000, perFile: 60 };

interface Outcome {
  results: FileResult[];
  seconds: number;
  intact: number;
  /** Largest backwards step of any file's progress, bytes (0 = monotonic). */
  progressBackwards: number;
}

let uploader: Uploader | undefined;

async function upload(files: File[], options: Partial<UploaderOptions> = {}): Promise<Outcome> {
  const started = performance.now();
  const seen = new Map<string, number>();
  let backwards = 0;
  const results = await new Promise<FileResult[]>((resolve) => {
    uploader = createUploader({
      signUrl: E2E_SIGN_PATH,
      multipartThreshold: 8 * MiB,
      partSize: 5 * MiB,
      retry: fastRetry,
      stallTimeoutMs: 1500,
      persist: false,
      onComplete: resolve,
      ...options,
    });
    uploader.subscribe(() => {
      for (const file of uploader?.getSnapshot().files ?? []) {
        const before = seen.get(file.id) ?? 0;
        if (file.bytesUploaded < before) backwards = Math.max(backwards, before - file.bytesUploaded);
        seen.set(file.id, Math.max(before, file.bytesUploaded));
      }
    });
    uploader.addFiles(files);
  });
  const seconds = (performance.now() - started) / 1000;
  let intact = 0;
  for (const file of files) {
    const result = results.find((candidate) => candidate.name === file.name);
    if (result?.status !== 'complete' || !result.key) continue;
    const stored = await commands.s3ObjectDigest(result.key);
    if (stored.sha256 === (await sha256(file))) intact++;
  }
  return { results, seconds, intact, progressBackwards: backwards };
}

async function noOpenUploads() {
  await expect.poll(() => commands.s3OpenMultipartUploads(), { timeout: 15_000, interval: 250 }).toEqual([]);
}

const faults = (rate: number, seed: number): FaultSpec => ({ rate, kinds: ['slowdown', 'reset', 'stall', 'flip'], seed, ms: 4000 });

beforeEach(async () => {
  await commands.s3ResetRequests();
  await commands.configureSigner({ checksum: 'md5' });
});
afterEach(async () => {
  uploader?.destroy();
  uploader = undefined;
  await commands.s3SetFaults(null);
  await commands.s3SetLatency(null);
  await commands.configureSigner({});
});

describe('transfers that survive faults (Chromium → fault-injecting proxy → Ceph RGW)', () => {
  it('finishes every file byte-identical at 10 % and 30 % injected faults, progress never going backwards', async () => {
    const clean = await upload(workload(), { checksum: 'md5' });
    expect(clean.intact).toBe(FILES);
    const lines = [`clean: ${clean.intact}/${FILES} intact in ${clean.seconds.toFixed(2)} s`];
    for (const [rate, seed] of [
      [0.1, 7],
      [0.3, 11],
    ] as const) {
      await commands.s3ResetRequests();
      await commands.s3SetFaults(faults(rate, seed));
      const outcome = await upload(workload(), { checksum: 'md5' });
      await commands.s3SetFaults(null);
      const requests = await commands.s3Requests();
      const injected = requests.filter((request) => request.fault).length;
      lines.push(
        `${rate * 100} % faults: ${outcome.intact}/${FILES} intact in ${outcome.seconds.toFixed(2)} s (${(outcome.seconds / clean.seconds).toFixed(1)}× clean), ${injected} faults injected in ${requests.filter((request) => request.method === 'PUT').length} PUTs`,
      );
      expect(outcome.intact, outcome.results.map((result) => result.error?.message).join('; ')).toBe(FILES);
      expect(outcome.progressBackwards).toBe(0);
      expect(injected).toBeGreaterThan(0);
    }
    console.log(`[reliability] ${lines.join(' | ')}`);
    await noOpenUploads();
  });

  it('at 50 % faults loses no byte and leaves no multipart upload: each file is intact or clearly failed', async () => {
    await commands.s3SetFaults(faults(0.5, 3));
    const outcome = await upload(workload(), { checksum: 'md5' });
    await commands.s3SetFaults(null);
    const failed = outcome.results.filter((result) => result.status !== 'complete');
    console.log(
      `[reliability] 50 % faults: ${outcome.intact}/${FILES} intact in ${outcome.seconds.toFixed(2)} s; failed: ${failed.map((result) => `${result.name}: ${result.error?.message}`).join('; ') || 'none'}`,
    );
    expect(outcome.intact + failed.length).toBe(FILES);
    for (const result of failed) expect(result.error?.message).toMatch(/\S/);
    for (const result of failed) uploader?.remove(result.id);
    await noOpenUploads();
  });

  it('re-signs URLs that expire in seconds, including ones that expired on the way', async () => {
    await commands.configureSigner({ expiresIn: 2 });
    // A third of the PUTs reach RGW 3 s late, after their URL died.
    await commands.s3SetFaults({ rate: 0.3, kinds: ['delay'], ms: 3000, seed: 5 });
    const outcome = await upload(workload());
    const refused = (await commands.s3Requests()).filter((request) => request.status === 403);
    console.log(
      `[reliability] 2 s URLs: ${outcome.intact}/${FILES} intact in ${outcome.seconds.toFixed(2)} s, ${refused.length} expired URLs refused and re-signed`,
    );
    expect(outcome.intact).toBe(FILES);
    expect(refused.length).toBeGreaterThan(0);
    await noOpenUploads();
  });

  it('after a reload mid-upload, adding the file again re-sends at most the parts that were in flight', async () => {
    await commands.s3SetLatency({ bytesPerSecondPerConnection: 4 * MiB });
    const store = new IndexedDbResumeStore();
    for (const record of await store.all()) await store.delete(record.fingerprint);
    const file = randomFile(`reload-${++run}.bin`, 64 * MiB);
    const options = { multipartThreshold: 8 * MiB, partSize: 5 * MiB, persist: { store } } as const;
    void upload([file], options);
    await expect
      .poll(
        async () =>
          (await commands.s3Requests()).filter((request) => request.method === 'PUT' && request.partNumber && request.status === 200)
            .length,
        {
          timeout: 30_000,
          interval: 100,
        },
      )
      .toBeGreaterThanOrEqual(4);
    // The page goes away: what was in flight dies with it; nothing is aborted on the server.
    uploader?.destroy();
    uploader = undefined;
    const before = await commands.s3Requests();
    const storedBefore = new Set(
      before
        .filter((request) => request.method === 'PUT' && request.partNumber && request.status === 200)
        .map((request) => request.partNumber),
    );
    // Parts the page had started and the store had not answered 200 when it went: by now their requests
    // may have ended (aborted by the page), so "in flight" is every part started and not stored.
    const inFlight = new Set(
      before
        .filter((request) => request.method === 'PUT' && request.partNumber && !storedBefore.has(request.partNumber))
        .map((request) => request.partNumber),
    ).size;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await commands.s3OpenMultipartUploads()).length).toBe(1);

    await commands.s3ResetRequests();
    const outcome = await upload([file], options);
    const after = (await commands.s3Requests()).filter(
      (request) => request.method === 'PUT' && request.partNumber && request.status === 200,
    );
    const resent = after.filter((request) => storedBefore.has(request.partNumber));
    // Which parts went up again, each counted once: a part of this upload that the store answered twice (a retry
    // after an answer the page did not get in time: this test's stall timeout is 1.5 s) is fault tolerance, not
    // a part the reload cost.
    const partsSent = new Set(after.map((request) => request.partNumber)).size;
    const partsTotal = Math.ceil(file.size / (5 * MiB));
    console.log(
      `[reliability] reload: ${storedBefore.size}/${partsTotal} parts stored before, ${inFlight} in flight; after: ${partsSent} parts sent in ${after.length} requests, ${resent.length} re-sent (${((after.length * 5 * MiB) / MiB).toFixed(0)} MiB sent of ${file.size / MiB} MiB)`,
    );
    expect(outcome.intact).toBe(1);
    expect(resent).toEqual([]);
    // The parts still missing, plus at most those that were in flight (their answers died with the page; a
    // part the store finished after the page went counts here too, as the proxy saw it).
    expect(partsSent).toBeLessThanOrEqual(partsTotal - storedBefore.size + inFlight);
    expect(await store.all()).toEqual([]);
    await noOpenUploads();
  });
});

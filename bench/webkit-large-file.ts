/**
 * WebKit (Safari's engine) uploading one file over 4 GiB — where Safari has
 * been reported to fail (upchunk#134) — and what it costs the WebKit
 * processes in memory: the file must be sliced part by part, never held whole.
 *
 *   npm run bench:webkit-large [-- --gib 4.5]
 *
 * A sparse file of the given size (default 4.5 GiB) goes through the page of
 * test/engines (the headless core at its defaults) in WebKitGTK's MiniBrowser
 * to a real Ceph RGW; the resident memory of MiniBrowser and its WebKit
 * processes is sampled every second. Prints the baseline, the peak, the growth
 * and the throughput, and checks the stored object's size and a few ranges.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { launch } from '../test/engines/drivers.js';
import { startEnginesHarness, until } from '../test/engines/harness.js';

const GiB = 1024 ** 3;
const gibArg = process.argv.indexOf('--gib');
const size = Math.round((gibArg > 0 ? Number(process.argv[gibArg + 1]) : 4.5) * GiB);

/** Resident memory, bytes, of every WebKit process (MiniBrowser, WebKitWebProcess, WebKitNetworkProcess, WebKitGPUProcess). */
function webkitRss(): number {
  const lines = execFileSync('ps', ['-eo', 'rss=,comm='], { encoding: 'utf8' }).split('\n');
  let kib = 0;
  for (const line of lines) {
    const [rss, comm] = line.trim().split(/\s+/, 2);
    if (comm && /^(MiniBrowser|WebKit)/.test(comm)) kib += Number(rss);
  }
  return kib * 1024;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

const directory = mkdtempSync(join(tmpdir(), 's3du-webkit-large-'));
const path = join(directory, 'large.bin');
const fd = openSync(path, 'w');
ftruncateSync(fd, size); // sparse: zeros that take no disk
closeSync(fd);

const harness = await startEnginesHarness({ bucket: 'webkit-large', blockSizeBytes: size + 8 * GiB });
const browser = await launch('WebKit');
try {
  await browser.open(`${harness.origin}/`);
  await until('the page', () => browser.evaluate<boolean>('typeof window.e2e === "object"'), Boolean, 60_000);
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const baseline = webkitRss();
  let peak = baseline;
  const started = Date.now();
  await browser.chooseFiles('#files', [path]);
  const finished = await until(
    'the upload',
    async () => {
      peak = Math.max(peak, webkitRss());
      return browser.evaluate<Array<{ status: string; key?: string; error?: string }>>('window.e2e.finished');
    },
    (results) => results.length > 0,
    30 * 60_000,
  );
  const seconds = (Date.now() - started) / 1000;
  const [result] = finished;
  if (result?.status !== 'complete' || !result.key) throw new Error(`the upload failed: ${JSON.stringify(result)}`);
  const head = await harness.s3.send(new HeadObjectCommand({ Bucket: harness.bucket, Key: result.key }));
  if (head.ContentLength !== size) throw new Error(`stored ${head.ContentLength} bytes, not ${size}`);
  // A sparse file is zeros: read a few ranges back (first, around 4 GiB, last).
  for (const start of [0, 4 * GiB - 1024, size - 4096].filter((offset) => offset >= 0 && offset < size)) {
    const end = Math.min(start + 4095, size - 1);
    const range = await harness.s3.send(new GetObjectCommand({ Bucket: harness.bucket, Key: result.key, Range: `bytes=${start}-${end}` }));
    const bytes = await (range.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
    if (bytes.length !== end - start + 1 || bytes.some((byte) => byte !== 0)) throw new Error(`bytes ${start}-${end} differ`);
  }
  console.log(
    `WebKit (MiniBrowser ${execFileSync('dpkg-query', ['-W', 'webkit2gtk-driver'], { encoding: 'utf8' }).trim().split(/\s+/)[1]}), ${(size / GiB).toFixed(2)} GiB file`,
  );
  console.log(
    `  uploaded in ${seconds.toFixed(1)} s (${(size / 1024 ** 2 / seconds).toFixed(1)} MiB/s), stored size and sampled ranges match`,
  );
  console.log(
    `  WebKit processes' resident memory: baseline ${mb(baseline)}, peak ${mb(peak)}, growth ${mb(peak - baseline)} (${(((peak - baseline) / size) * 100).toFixed(2)} % of the file)`,
  );
} finally {
  await browser.close();
  await harness.stop();
  rmSync(directory, { recursive: true, force: true });
}

/**
 * The demo app (`npm start`) in a real Chromium against Ceph RGW, behind the
 * recording proxy: the bucket's CORS is set by `s3-direct-upload cors --apply`
 * and nothing else, then files are dropped on the page; one upload survives
 * 10 s of the browser being offline (Chromium's network emulation).
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCorsWithCli, clientWithBucket } from '../support/app-store.js';
import { chromiumLaunchOptions } from '../support/chromium.js';
import { freePort, type RgwServer, startRgw } from '../support/rgw.js';
import { type S3Proxy, startS3Proxy } from '../support/s3-proxy.js';

const MiB = 1024 * 1024;
const BUCKET = 'demo-uploads';
let rgw: RgwServer;
let proxy: S3Proxy;
let s3: S3Client;
let vite: ViteDevServer;
let browser: Browser;
let origin: string;
let corsOutput: string;

beforeAll(async () => {
  rgw = await startRgw();
  proxy = await startS3Proxy({ upstream: rgw.endpoint });
  s3 = await clientWithBucket(rgw, BUCKET);
  const port = await freePort();
  origin = `http://127.0.0.1:${port}`;
  // The only CORS set-up: the CLI, as the README tells users.
  corsOutput = await applyCorsWithCli(['--import', 'tsx', 'src/cli/index.ts'], { store: rgw, bucket: BUCKET, origin });
  Object.assign(process.env, {
    S3_ENDPOINT: proxy.url,
    S3_BUCKET: BUCKET,
    S3_REGION: rgw.region,
    S3_ACCESS_KEY_ID: rgw.accessKeyId,
    S3_SECRET_ACCESS_KEY: rgw.secretAccessKey,
  });
  vite = await createServer({
    configFile: 'demo/vite.config.ts',
    server: { port, strictPort: true, host: '127.0.0.1' },
    logLevel: 'silent',
  });
  await vite.listen();
  browser = await chromium.launch(chromiumLaunchOptions);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await vite?.close();
  for (const name of ['S3_ENDPOINT', 'S3_BUCKET', 'S3_REGION', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY']) delete process.env[name];
  s3?.destroy();
  await proxy?.close();
  await rgw?.stop();
});

async function openDemo(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(origin);
  await page.getByRole('button', { name: /Drop files here/ }).waitFor();
  return page;
}

async function storedDigest(key: string): Promise<string> {
  const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return createHash('sha256')
    .update(await (object.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray())
    .digest('hex');
}

async function keyOf(page: Page, name: string): Promise<string> {
  const listing = (await (await page.request.get(`${origin}/api/objects`)).json()) as { objects: Array<{ key: string }> };
  const key = listing.objects.find((object) => object.key.endsWith(`/${name}`))?.key;
  if (!key) throw new Error(`${name} is not in the bucket`);
  return key;
}

describe('the demo app in Chromium against RGW', () => {
  it('uploads after `s3-direct-upload cors --apply`, and lists the file with a download link', async () => {
    expect(corsOutput).toContain('ETag');
    const page = await openDemo();
    const bytes = randomBytes(300 * 1024);
    await page.locator('input[type=file]').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: bytes });
    await page.getByText('1 of 1 file uploaded').waitFor({ timeout: 30_000 });
    const link = page.getByRole('link', { name: 'notes.txt' });
    await link.waitFor();
    const download = await page.request.get((await link.getAttribute('href')) as string);
    expect(Buffer.from(await download.body()).equals(bytes)).toBe(true);
    expect(await storedDigest(await keyOf(page, 'notes.txt'))).toBe(createHash('sha256').update(bytes).digest('hex'));
    await page.close();
  });

  it('pauses while Chromium is offline for 10 s and finishes by itself, progress never going backwards', async () => {
    proxy.setLatency({ bytesPerSecondPerConnection: 1 * MiB });
    try {
      const page = await openDemo();
      const bytes = randomBytes(24 * MiB);
      await page.locator('input[type=file]').setInputFiles({ name: 'offline.bin', mimeType: 'application/octet-stream', buffer: bytes });
      const total = page.getByRole('progressbar', { name: 'Total upload progress' });
      const progressValues: number[] = [];
      const sample = setInterval(() => {
        total
          .getAttribute('aria-valuenow', { timeout: 200 })
          .then((value) => value !== null && progressValues.push(Number(value)))
          .catch(() => undefined);
      }, 200);
      await expect
        .poll(async () => Number(await total.getAttribute('aria-valuenow')), { timeout: 30_000, interval: 200 })
        .toBeGreaterThanOrEqual(10);
      await page.context().setOffline(true);
      await page.getByText('You are offline').waitFor({ timeout: 5000 });
      expect(await page.getByText(/^Paused/).count()).toBe(1);
      await page.waitForTimeout(10_000);
      await page.context().setOffline(false);
      await page.getByText('1 of 1 file uploaded').waitFor({ timeout: 90_000 });
      clearInterval(sample);
      expect(progressValues.length).toBeGreaterThan(10);
      for (let index = 1; index < progressValues.length; index++) {
        expect(progressValues[index]).toBeGreaterThanOrEqual(progressValues[index - 1] as number);
      }
      expect(await storedDigest(await keyOf(page, 'offline.bin'))).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect((await s3.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).toEqual([]);
      await page.close();
    } finally {
      proxy.setLatency(undefined);
    }
  });
});

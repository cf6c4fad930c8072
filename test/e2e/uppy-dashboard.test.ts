/**
 * s3-direct-upload/uppy under Uppy's own Dashboard, in Chromium, against Ceph
 * RGW through the fault-injecting proxy: an app already on Uppy that replaced
 * @uppy/aws-s3 with `uppy.use(S3DirectUpload, { signUrl })`. Files are chosen
 * through the Dashboard's file input and everything is done with the
 * Dashboard's buttons (Upload, the per-file Pause / Resume / Retry indicator,
 * Remove file): Uppy's lifecycle, not the headless uploader's.
 */
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';
import Uppy from '@uppy/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import { S3DirectUpload, type S3DirectUploadOptions } from '../../src/uppy/index.js';
import { MiB, randomFile } from './browser-support.js';
import { E2E_SIGN_PATH } from './environment.js';
import {
  type AppUppy,
  button,
  choose as chooseIn,
  expectStored as expectStoredIn,
  item,
  mountDashboard as mount,
  partPuts,
  patiently,
  pressUpload,
  storedParts,
  uppyFile as uppyFileIn,
} from './uppy-support.js';

let uppy: AppUppy | undefined;
let root: HTMLElement | undefined;

/** The app: Uppy, its inline Dashboard, and this library's uploader plugin in place of @uppy/aws-s3. */
function mountDashboard(options: Partial<S3DirectUploadOptions> = {}) {
  const mounted = mount(options);
  uppy = mounted.uppy;
  root = mounted.root;
  return mounted;
}

const current = () => {
  if (!uppy) throw new Error('No app mounted');
  return uppy;
};
const choose = (container: HTMLElement, files: File[]) => chooseIn(current(), container, files);
const uppyFile = (name: string) => uppyFileIn(current(), name);
/** RGW holds exactly the file's bytes under the key the plugin reported on the Uppy file. */
const expectStored = (file: File) => expectStoredIn(current(), file.name, file);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeEach(async () => {
  // A desktop window: at the runner's default 414 px the Dashboard's narrow layout covers a row's Remove button.
  await page.viewport(1024, 800);
  await commands.s3ResetRequests();
});
afterEach(async () => {
  uppy?.destroy();
  uppy = undefined;
  root?.remove();
  root = undefined;
  await commands.s3SetFaults(null);
  await commands.s3SetLatency(null);
});

describe('S3DirectUpload under Uppy’s Dashboard (Chromium → Ceph RGW)', () => {
  it('uploads a small file as a form POST, a 1 MiB one as a single PUT and 20 MiB by multipart, all byte-identical', async () => {
    const { root, completed } = mountDashboard({ multipartThreshold: 8 * MiB, partSize: 5 * MiB });
    const files = [randomFile('notes.txt', 5 * 1024, 'text/plain'), randomFile('photo.bin', MiB), randomFile('video.bin', 20 * MiB)];
    await choose(root, files);
    await pressUpload(root);
    await expect.poll(() => completed.length, patiently).toBe(1);
    const [result] = completed;
    expect(result?.failed ?? []).toEqual([]);
    expect(result?.successful?.map((file) => file.name).sort()).toEqual(['notes.txt', 'photo.bin', 'video.bin']);
    for (const file of files) await expectStored(file);
    const requests = await commands.s3Requests();
    // Form POSTs go to the bucket itself; the signer's CreateMultipartUpload and Complete (POSTs too) go to the object.
    const formPosts = requests.filter((request) => request.method === 'POST' && request.path.split('/').filter(Boolean).length === 1);
    expect(formPosts).toHaveLength(1);
    expect(requests.filter((request) => request.method === 'PUT' && !request.partNumber)).toHaveLength(1);
    expect(new Set(partPuts(requests).map((request) => request.partNumber))).toEqual(new Set(['1', '2', '3', '4']));
    expect(await commands.s3OpenMultipartUploads()).toEqual([]);
    // The Dashboard says it is done, as it does with @uppy/aws-s3.
    await expect.poll(() => root.querySelector('.uppy-StatusBar')?.textContent ?? '', patiently).toMatch(/Complete/);
  });

  it('pauses a multipart file from its row (no part in flight) and resumes it, sending only the missing parts', async () => {
    // Slow connections and two at a time: the 30 MiB file takes a few seconds, long enough to pause it.
    await commands.s3SetLatency({ bytesPerSecondPerConnection: 4 * MiB });
    const { root, completed } = mountDashboard({ multipartThreshold: 8 * MiB, partSize: 5 * MiB, maxConcurrentRequests: 2 });
    const file = randomFile('pause-me.bin', 30 * MiB);
    await choose(root, [file]);
    await pressUpload(root);
    await expect.poll(async () => (await storedParts()).length, patiently).toBeGreaterThanOrEqual(2);
    await userEvent.click(button(item(root, file.name), /^Pause upload$/));
    expect(uppyFile(file.name)?.isPaused).toBe(true);
    // Paused means paused: the parts in flight are stopped and nothing new starts.
    // The proxy hears of an aborted request when its connection closes: on a busy machine that can take more than a second.
    await expect
      .poll(async () => partPuts(await commands.s3Requests()).filter((request) => request.endedAt === undefined), patiently)
      .toEqual([]);
    const atPause = partPuts(await commands.s3Requests()).length;
    const storedAtPause = new Set((await storedParts()).map((request) => request.partNumber));
    await sleep(1500);
    expect(partPuts(await commands.s3Requests())).toHaveLength(atPause);
    expect(button(item(root, file.name), /^Resume upload$/)).toBeTruthy();

    await userEvent.click(button(item(root, file.name), /^Resume upload$/));
    await expect.poll(() => completed.length, patiently).toBe(1);
    expect(completed[0]?.successful?.map((done) => done.name)).toEqual([file.name]);
    await expectStored(file);
    const stored = await storedParts();
    // Every part stored exactly once: those stored before the pause were not sent again.
    expect(stored.map((request) => request.partNumber).sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(storedAtPause.size).toBeGreaterThanOrEqual(2);
    expect(await commands.s3OpenMultipartUploads()).toEqual([]);
  });

  it('removing a running multipart file from the Dashboard stops it and leaves no multipart upload behind', async () => {
    await commands.s3SetLatency({ bytesPerSecondPerConnection: 4 * MiB });
    const { root } = mountDashboard({ multipartThreshold: 8 * MiB, partSize: 5 * MiB, maxConcurrentRequests: 2 });
    const file = randomFile('remove-me.bin', 30 * MiB);
    await choose(root, [file]);
    await pressUpload(root);
    await expect.poll(async () => (await storedParts()).length, patiently).toBeGreaterThanOrEqual(1);
    expect((await commands.s3OpenMultipartUploads()).length).toBe(1);
    await userEvent.click(button(item(root, file.name), /^Remove file/));
    expect(uppyFile(file.name)).toBeUndefined();
    await expect.poll(() => commands.s3OpenMultipartUploads(), { timeout: 15_000, interval: 200 }).toEqual([]);
    // And it stays that way: nothing in flight recreates it, no part is sent after the removal settled.
    const settled = partPuts(await commands.s3Requests()).length;
    await sleep(1500);
    expect(await commands.s3OpenMultipartUploads()).toEqual([]);
    expect(partPuts(await commands.s3Requests())).toHaveLength(settled);
  });

  it('a file that failed (injected 503s, no retries left) retries from its row; two more from the status bar’s Retry', async () => {
    await commands.s3SetFaults({ rate: 1, kinds: ['slowdown'] });
    const { uppy, root, completed } = mountDashboard({ retry: { attempts: 1 } });
    const errors: string[] = [];
    uppy.on('upload-error', (_file, error) => errors.push(error.message));
    const first = randomFile('flaky-1.bin', MiB);
    await choose(root, [first]);
    await pressUpload(root);
    await expect.poll(() => completed.length, patiently).toBe(1);
    expect(completed[0]?.failed?.map((failed) => failed.name)).toEqual([first.name]);
    expect(errors).toEqual([expect.stringMatching(/503 SlowDown/)]);
    expect(uppyFile(first.name)?.error).toBeTruthy();

    // From its row: Uppy's retryUpload.
    await commands.s3SetFaults(null);
    await userEvent.click(button(item(root, first.name), /^Retry upload$/));
    await expect.poll(() => uppyFile(first.name)?.progress.uploadComplete, patiently).toBe(true);
    expect(uppyFile(first.name)?.error).toBeFalsy();
    await expectStored(first);

    // Two more fail; the status bar's Retry is Uppy's retryAll, which picks the files that carry an error.
    await commands.s3SetFaults({ rate: 1, kinds: ['slowdown'] });
    const more = [randomFile('flaky-2.bin', MiB), randomFile('flaky-3.bin', MiB)];
    await choose(root, more);
    await pressUpload(root);
    // (retryUpload resolves without a `complete` event: this is the second.)
    await expect.poll(() => completed.length, patiently).toBe(2);
    expect(completed[1]?.failed?.map((failed) => failed.name).sort()).toEqual(['flaky-2.bin', 'flaky-3.bin']);
    await commands.s3SetFaults(null);
    await expect.poll(() => root.querySelector('.uppy-StatusBar-actionBtn--retry'), patiently).toBeTruthy();
    await userEvent.click(root.querySelector<HTMLButtonElement>('.uppy-StatusBar-actionBtn--retry') as HTMLButtonElement);
    await expect.poll(() => completed.length, patiently).toBe(3);
    expect(completed[2]?.successful?.map((done) => done.name).sort()).toEqual(['flaky-2.bin', 'flaky-3.bin']);
    for (const file of more) await expectStored(file);
    // Three refused PUTs, then one good PUT per file: nothing sent twice.
    const puts = (await commands.s3Requests()).filter((request) => request.method === 'PUT');
    expect(puts.filter((request) => request.fault)).toHaveLength(3);
    expect(puts.filter((request) => request.status === 200)).toHaveLength(3);
  });

  it('rejects a misspelt option at use() with a TypeError that names it', () => {
    const app = new Uppy();
    expect(() => app.use(S3DirectUpload, { signUrl: E2E_SIGN_PATH, partsize: 5 * MiB } as S3DirectUploadOptions)).toThrow(
      /S3DirectUpload: `partsize` is not an option/,
    );
    expect(() => app.use(S3DirectUpload, { signUrl: E2E_SIGN_PATH, maxConcurrentRequests: Number(undefined) })).toThrow(
      /`maxConcurrentRequests` must be a whole number/,
    );
    app.destroy();
  });
});

/**
 * Issue #12's promise, with the real parts: an app already on Uppy replaces
 * @uppy/aws-s3 with S3DirectUpload and keeps Uppy's ImageEditor, Webcam and
 * Golden Retriever. Chromium (a fake camera: see the e2e project in
 * vite.config.ts), Uppy's Dashboard, Ceph RGW behind the recording proxy. What
 * each plugin hands Uppy (an edited blob, a captured picture, a file restored
 * from IndexedDB) must land in RGW byte for byte.
 */
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';
import '@uppy/image-editor/css/style.min.css';
import '@uppy/webcam/css/style.min.css';
import Dashboard from '@uppy/dashboard';
import GoldenRetriever from '@uppy/golden-retriever';
import ImageEditor from '@uppy/image-editor';
import Webcam from '@uppy/webcam';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commands, page, userEvent } from 'vitest/browser';
import type { S3DirectUploadOptions } from '../../src/uppy/index.js';
import { MiB, randomFile, sha256 } from './browser-support.js';
import {
  type AppUppy,
  button,
  choose,
  expectStored,
  item,
  mountDashboard,
  partPuts,
  patiently,
  pressUpload,
  storedParts,
  uppyFile,
} from './uppy-support.js';

const apps: AppUppy[] = [];
const roots: HTMLElement[] = [];

function mount(...args: Parameters<typeof mountDashboard>) {
  const mounted = mountDashboard(...args);
  apps.push(mounted.uppy);
  roots.push(mounted.root);
  return mounted;
}

beforeEach(async () => {
  await page.viewport(1024, 800);
  await commands.s3ResetRequests();
});
afterEach(async () => {
  for (const app of apps.splice(0)) app.destroy();
  for (const root of roots.splice(0)) root.remove();
  await commands.s3SetLatency(null);
});

/** A PNG that is not square and not symmetric: a 90° turn changes its size and its pixels. */
async function drawnPng(name: string): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = 320;
  canvas.height = 200;
  const context = canvas.getContext('2d') as CanvasRenderingContext2D;
  context.fillStyle = '#1d4ed8';
  context.fillRect(0, 0, 320, 200);
  context.fillStyle = '#facc15';
  context.fillRect(20, 20, 120, 60);
  context.fillStyle = '#dc2626';
  context.beginPath();
  context.arc(240, 140, 40, 0, Math.PI * 2);
  context.fill();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The canvas gave no PNG');
  return new File([blob], name, { type: 'image/png', lastModified: Date.now() });
}

async function imageSize(blob: Blob) {
  const bitmap = await createImageBitmap(blob);
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

describe('S3DirectUpload with Uppy’s ImageEditor and Webcam (Chromium → Ceph RGW)', () => {
  it('ImageEditor: a PNG rotated in the Dashboard’s editor is stored as the edited blob, image/png', async () => {
    const { uppy, root, completed } = mount({}, { extend: (app) => app.use(ImageEditor, { target: Dashboard }) });
    const original = await drawnPng('chart.png');
    await choose(uppy, root, [original]);
    const edited = new Promise<void>((resolve) => uppy.once('file-editor:complete', () => resolve()));

    await userEvent.click(button(item(root, original.name), /^Edit file chart\.png$/));
    // Cropper.js is ready when its canvas is laid out.
    await expect.poll(() => root.querySelector('.cropper-container .cropper-canvas img'), patiently).toBeTruthy();
    await expect.poll(() => root.querySelector<HTMLButtonElement>('button[aria-label="Rotate 90°"]'), patiently).toBeTruthy();
    await userEvent.click(root.querySelector<HTMLButtonElement>('button[aria-label="Rotate 90°"]') as HTMLButtonElement);
    await userEvent.click(root.querySelector<HTMLButtonElement>('.uppy-DashboardContent-save') as HTMLButtonElement);
    await edited;

    const editedBlob = uppyFile(uppy, original.name)?.data as Blob;
    expect(editedBlob).toBeInstanceOf(Blob);
    expect(editedBlob.type).toBe('image/png');
    expect(await sha256(editedBlob)).not.toBe(await sha256(original));
    // Turned a quarter: 320 × 200 became 200 × 320.
    expect(await imageSize(editedBlob)).toEqual({ width: 200, height: 320 });

    await pressUpload(root);
    await expect.poll(() => completed.length, patiently).toBe(1);
    expect(completed[0]?.failed ?? []).toEqual([]);
    const stored = await expectStored(uppy, original.name, editedBlob);
    expect(stored.contentType).toBe('image/png');
  });

  it('Webcam: a picture taken with the (fake) camera in the Dashboard’s Camera tab is stored as captured, image/jpeg', async () => {
    const { uppy, root, completed } = mount(
      {},
      { extend: (app) => app.use(Webcam, { target: Dashboard, modes: ['picture'], mirror: false }) },
    );
    const cameraTab = () => root.querySelector<HTMLButtonElement>('[data-uppy-acquirer-id="Webcam"] button');
    await expect.poll(cameraTab, patiently).toBeTruthy();
    await userEvent.click(cameraTab() as HTMLButtonElement);
    // The camera is on when its video has frames.
    await expect.poll(() => root.querySelector<HTMLVideoElement>('video.uppy-Webcam-video')?.videoWidth ?? 0, patiently).toBeGreaterThan(0);
    await userEvent.click(button(root, /^Take a picture$/));
    await expect.poll(() => root.querySelector('button[aria-label="Submit recorded file"]'), patiently).toBeTruthy();
    await userEvent.click(button(root, /^Submit recorded file$/));
    await expect.poll(() => uppy.getFiles().length, patiently).toBe(1);
    const [captured] = uppy.getFiles();
    expect(captured?.source).toBe('Webcam');
    expect(captured?.name).toMatch(/^cam-\d+\.jpg$/);
    const picture = captured?.data as Blob;
    expect(picture.type).toBe('image/jpeg');
    // A real picture of the fake camera's frame, not an empty canvas.
    expect(picture.size).toBeGreaterThan(1000);
    expect((await imageSize(picture)).width).toBeGreaterThan(0);

    // The Dashboard closes the camera and lists the picture.
    await expect.poll(() => root.querySelector('.uppy-Webcam-container'), patiently).toBeNull();
    item(root, captured?.name as string);
    await pressUpload(root);
    await expect.poll(() => completed.length, patiently).toBe(1);
    expect(completed[0]?.failed ?? []).toEqual([]);
    const stored = await expectStored(uppy, captured?.name as string, picture);
    expect(stored.contentType).toBe('image/jpeg');
  });
});

/** What Golden Retriever wrote to IndexedDB for the Uppy instance `id`: its recovery snapshot and the ids of the blobs it kept. */
async function goldenRetrieverSnapshot(id: string) {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('uppy-blobs');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const read = <T>(store: string, run: (store: IDBObjectStore) => IDBRequest<T>) =>
    new Promise<T>((resolve, reject) => {
      const request = run(db.transaction(store).objectStore(store));
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  try {
    const record = await read<{ metadata: string } | undefined>('metadata', (store) => store.get(id));
    const blobs = await read<Array<{ fileID: string }>>('files', (store) => store.index('store').getAll(IDBKeyRange.only(id)));
    const metadata = record
      ? (JSON.parse(record.metadata) as {
          currentUploads: Record<string, unknown>;
          files: Record<string, { name: string; progress: { uploadStarted: number | null; bytesUploaded: number | false } }>;
        })
      : undefined;
    return { metadata, blobIds: blobs.map((blob) => blob.fileID) };
  } finally {
    db.close();
  }
}

/**
 * A reload, as far as one page can play it. Vitest runs the test inside the
 * page, so the page itself cannot reload; instead the first app goes the way
 * a reloaded page's app goes and a second app with the same Uppy id starts
 * from nothing but what the browser kept (IndexedDB): the browser's
 * `pagehide` reaches the plugins (S3DirectUpload keeps its multipart upload
 * open for the next page), nothing of the app's own teardown reaches Golden
 * Retriever's snapshot (it is removed first: an unloading page runs no
 * `destroy`), and the old app's requests stop, as the browser stops them.
 */
function reload(app: AppUppy) {
  window.dispatchEvent(new PageTransitionEvent('pagehide', { persisted: false }));
  const goldenRetriever = app.getPlugin('GoldenRetriever');
  if (goldenRetriever) app.removePlugin(goldenRetriever);
  app.destroy();
  apps.splice(apps.indexOf(app), 1);
}

/** Golden Retriever keeps a file's blob in IndexedDB only up to this size (its `indexedDB.maxFileSize`, 10 MiB by default). */
const GOLDEN_RETRIEVER_MAX_FILE_SIZE = 10 * MiB;

/**
 * Multipart from 5 MiB, in parts of 5 MiB, one request at a time: a 9 MiB
 * file (parts of 5 + 4 MiB) comes back from Golden Retriever with its bytes,
 * a 12 MiB one (5 + 5 + 2 MiB) as a ghost.
 */
const restorable: Partial<S3DirectUploadOptions> = {
  persist: true,
  multipartThreshold: 5 * MiB,
  partSize: 5 * MiB,
  maxConcurrentRequests: 1,
};

/**
 * An app with Golden Retriever uploads `files` (`beforeUpload` runs once
 * they are chosen); the page reloads while the second part of `multipart` is
 * on its way (its first stored), after `beforeReload`; a new app comes up from what the browser kept and shows
 * the restored session. Everything sent to S3 after the reload is in the
 * proxy's records; the old page's first part and upload id are returned.
 */
async function reloadedMidUpload(
  files: File[],
  multipart: File,
  { beforeUpload, beforeReload }: { beforeUpload?: (app: AppUppy) => void; beforeReload?: (app: AppUppy) => Promise<void> } = {},
) {
  const id = `golden-${crypto.randomUUID()}`;
  const withGoldenRetriever = { id, extend: (app: AppUppy) => app.use(GoldenRetriever) };
  // Slow enough that the reload comes while the second part is on its way.
  await commands.s3SetLatency({ bytesPerSecondPerConnection: MiB });
  const before = mount(restorable, withGoldenRetriever);
  await choose(before.uppy, before.root, files);
  beforeUpload?.(before.uppy);
  await pressUpload(before.root);
  await expect.poll(async () => (await storedParts()).map((part) => part.partNumber), patiently).toEqual(['1']);
  await beforeReload?.(before.uppy);
  // Golden Retriever has written down the running upload and the blobs it keeps: those of the unfinished files
  // of up to its limit (a larger one is left out, and comes back a ghost).
  const multipartId = uppyFile(before.uppy, multipart.name)?.id as string;
  const kept = before.uppy
    .getFiles()
    .filter((file) => !file.progress.uploadComplete && (file.size ?? 0) <= GOLDEN_RETRIEVER_MAX_FILE_SIZE)
    .map((file) => file.id)
    .sort();
  await expect
    .poll(async () => {
      const { metadata, blobIds } = await goldenRetrieverSnapshot(id);
      return {
        uploads: Object.keys(metadata?.currentUploads ?? {}).length,
        started: Boolean(metadata?.files[multipartId]?.progress.uploadStarted),
        blobs: blobIds.sort(),
      };
    }, patiently)
    .toEqual({ uploads: 1, started: true, blobs: kept });
  const [firstPart] = await storedParts();
  reload(before.uppy);
  // The old page's requests are gone (the proxy hears of an abort when the connection closes); its upload stays open.
  await expect
    .poll(async () => partPuts(await commands.s3Requests()).filter((request) => request.endedAt === undefined), patiently)
    .toEqual([]);
  expect((await storedParts()).map((part) => part.partNumber)).toEqual(['1']);
  expect(await commands.s3OpenMultipartUploads()).toEqual([{ key: expect.any(String), uploadId: firstPart?.uploadId }]);

  await commands.s3ResetRequests();
  await commands.s3SetLatency(null);
  const after = mount(restorable, withGoldenRetriever);
  await expect.poll(() => after.uppy.getState().recoveredState, patiently).toBeTruthy();
  await expect.poll(() => after.root.querySelector('.uppy-Dashboard-serviceMsg-title')?.textContent, patiently).toBe('Session restored');
  return { after, multipartId, uploadId: firstPart?.uploadId };
}

/** The same file picked again from the disk: a new File with the same bytes, name, type and modification time. */
const pickedAgain = (file: File) => new File([file], file.name, { type: file.type, lastModified: file.lastModified });

/** Every `upload-error` the app hears from now on, as [file name, message]. */
function uploadErrors(app: AppUppy) {
  const seen: Array<[string | undefined, string]> = [];
  app.on('upload-error', (file, error) => seen.push([file?.name, error.message]));
  return seen;
}

/** A ghost added again continued, not restarted: stored byte-identical through the same multipart upload, only parts 2 and 3 sent, nothing left open, no error. */
async function expectContinued(app: AppUppy, file: File, uploadId: string | undefined, errors: ReturnType<typeof uploadErrors>) {
  await expectStored(app, file.name, file);
  expect(partPuts(await commands.s3Requests()).map((request) => [request.partNumber, request.uploadId])).toEqual([
    ['2', uploadId],
    ['3', uploadId],
  ]);
  expect(await commands.s3OpenMultipartUploads()).toEqual([]);
  expect(errors).toEqual([]);
}

describe('S3DirectUpload with Uppy’s Golden Retriever (Chromium → Ceph RGW)', () => {
  it('a multipart file restored after a reload continues its multipart upload (only the missing part) and lands byte-identical', async () => {
    const large = randomFile('footage.bin', 9 * MiB);
    const { after, multipartId, uploadId } = await reloadedMidUpload([large], large);
    // The file came back from Golden Retriever's IndexedDB, bytes and all: the same Uppy file, not a ghost.
    const restored = uppyFile(after.uppy, large.name);
    expect(restored).toMatchObject({ id: multipartId, isRestored: true, isGhost: false });
    expect(await sha256(restored?.data as Blob)).toBe(await sha256(large));

    await pressUpload(after.root);
    await expect.poll(() => after.completed.length, patiently).toBe(1);
    expect(after.completed[0]?.failed ?? []).toEqual([]);
    expect(after.completed[0]?.successful?.map((file) => file.name)).toEqual([large.name]);
    await expectStored(after.uppy, large.name, large);
    // Continued, not restarted: the same multipart upload (its fingerprint matched the restored File), only part 2 sent.
    const requests = await commands.s3Requests();
    expect(partPuts(requests).map((request) => [request.partNumber, request.uploadId])).toEqual([['2', uploadId]]);
    expect(await commands.s3OpenMultipartUploads()).toEqual([]);
  });

  it('a multipart file too large for Golden Retriever comes back a ghost; added again, it continues its multipart upload (only the missing parts) and lands byte-identical', async () => {
    const large = randomFile('footage.bin', 12 * MiB);
    const { after, multipartId, uploadId } = await reloadedMidUpload([large], large);
    const errors = uploadErrors(after.uppy);
    // Back without its bytes: listed, marked a ghost, and the Dashboard will not start the upload until it is added again.
    const ghost = uppyFile(after.uppy, large.name);
    expect(ghost).toMatchObject({ id: multipartId, isRestored: true, isGhost: true });
    expect(ghost?.data).toBeUndefined();
    expect(item(after.root, large.name).classList.contains('is-ghost')).toBe(true);
    expect(after.root.querySelector('.uppy-Dashboard-serviceMsg-text')?.textContent).toMatch(/could not fully recover 1 file/);
    expect(button(after.root, /^Upload \d+ files?$/).disabled).toBe(true);

    // The user picks the file again: a new File, the same bytes, name and modification time.
    await choose(after.uppy, after.root, [pickedAgain(large)]);
    await expect.poll(() => uppyFile(after.uppy, large.name)?.isGhost, patiently).toBe(false);
    // Uppy gave the ghost its bytes back: the same file (progress and all), not a second one.
    expect(after.uppy.getFiles().map((file) => file.id)).toEqual([multipartId]);
    expect(await commands.s3Requests()).toEqual([]);

    await pressUpload(after.root);
    await expect.poll(() => after.completed.length, patiently).toBe(1);
    expect(after.completed[0]?.failed ?? []).toEqual([]);
    expect(after.completed[0]?.successful?.map((file) => file.name)).toEqual([large.name]);
    await expectContinued(after.uppy, large, uploadId, errors);
  });

  /*
   * The Dashboard keeps its Upload button disabled while a ghost is listed,
   * but an app's own control (or code) may confirm the restored session
   * first, as the Dashboard's button does: `emit('restore-confirmed')`. The
   * rest of the batch goes on; the ghost has no bytes to send, so it waits
   * for them — nothing sent for it, no error, the batch not complete — and,
   * once added again, continues its multipart upload and the batch completes.
   */
  it('a ghost whose restored upload starts before it is added again waits for its bytes, then continues its multipart upload', async () => {
    const large = randomFile('footage.bin', 12 * MiB);
    const small = randomFile('notes.txt', 64 * 1024, 'text/plain');
    // The user paused the small file before the upload: it is part of the upload the reload interrupts, not yet sent.
    const { after, multipartId, uploadId } = await reloadedMidUpload([large, small], large, {
      beforeUpload: (before) => before.pauseResume(uppyFile(before, small.name)?.id as string),
      beforeReload: async (before) => {
        expect(uppyFile(before, small.name)?.progress.uploadComplete).toBe(false);
      },
    });
    const errors = uploadErrors(after.uppy);
    expect(uppyFile(after.uppy, large.name)).toMatchObject({ id: multipartId, isGhost: true });
    expect(uppyFile(after.uppy, small.name)).toMatchObject({ isGhost: false, progress: { uploadComplete: false } });

    after.uppy.emit('restore-confirmed');
    await expect.poll(() => uppyFile(after.uppy, small.name)?.progress.uploadComplete, patiently).toBe(true);
    await expectStored(after.uppy, small.name, small);
    // The ghost waits: nothing sent for it, no error, still a ghost, and the batch is not over.
    expect(partPuts(await commands.s3Requests())).toEqual([]);
    const waiting = uppyFile(after.uppy, large.name);
    expect(waiting).toMatchObject({ isGhost: true, progress: { uploadComplete: false } });
    expect(waiting?.error ?? null).toBeNull();
    expect(errors).toEqual([]);
    expect(after.completed).toEqual([]);

    await choose(after.uppy, after.root, [pickedAgain(large)]);
    await expect.poll(() => after.completed.length, patiently).toBe(1);
    expect(after.completed[0]?.failed ?? []).toEqual([]);
    expect(after.completed[0]?.successful?.map((file) => file.name).sort()).toEqual([large.name, small.name].sort());
    await expectContinued(after.uppy, large, uploadId, errors);
  });

  /*
   * Uppy's restore() hands the uploader every file of the restored upload,
   * those already complete too; Golden Retriever has dropped a finished file's
   * blob. The plugin skips them with core's filterFilesToUpload, as
   * @uppy/aws-s3 does (transloadit/uppy#5930): without it the finished file
   * failed (file_unreadable) and the session ended with a stored file listed
   * as failed (had the blob been kept, it would have been sent again).
   */
  it('a file finished before the reload stays finished after the restored session completes', async () => {
    const small = randomFile('notes.txt', 64 * 1024, 'text/plain');
    const large = randomFile('footage.bin', 9 * MiB);
    let keyBefore: string | undefined;
    const { after } = await reloadedMidUpload([small, large], large, {
      beforeReload: async (before) => {
        await expect.poll(() => uppyFile(before, small.name)?.progress.uploadComplete, patiently).toBe(true);
        keyBefore = uppyFile(before, small.name)?.response?.body?.key;
        await expectStored(before, small.name, small);
      },
    });
    expect(uppyFile(after.uppy, small.name)?.progress.uploadComplete).toBe(true);

    await pressUpload(after.root);
    await expect.poll(() => after.completed.length, patiently).toBe(1);
    await expectStored(after.uppy, large.name, large);
    expect(after.completed[0]?.failed?.map((file) => [file.name, file.error])).toEqual([]);
    // Still the object stored before the reload; nothing sent for it again.
    expect(uppyFile(after.uppy, small.name)?.response?.body?.key).toBe(keyBefore);
    await expectStored(after.uppy, small.name, small);
    const formPosts = (await commands.s3Requests()).filter(
      (request) => request.method === 'POST' && request.path.split('/').filter(Boolean).length === 1,
    );
    expect(formPosts).toEqual([]);
  });
});

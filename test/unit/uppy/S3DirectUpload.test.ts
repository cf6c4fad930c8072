import Uppy, { type Meta } from '@uppy/core';
import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import { S3DirectUpload, type S3DirectUploadBody, type S3DirectUploadOptions } from '../../../src/uppy/index.js';
import { fakeEndpoint, SIGN_URL } from '../fake-endpoint.js';
import { server } from '../msw-server.js';

const MiB = 1024 * 1024;
const file = (name: string, size: number) => new File([new Uint8Array(size)], name, { type: 'application/octet-stream' });
const quiet = { debug: () => {}, warn: () => {}, error: () => {} };

let uppy: Uppy<Meta, S3DirectUploadBody> | undefined;
afterEach(async () => {
  uppy?.destroy();
  uppy = undefined;
  // Destroying aborts open multipart uploads through the endpoint: let those calls land before the handlers go.
  await new Promise((resolve) => setTimeout(resolve, 20));
});

/** Part PUTs wait until `release()`: under jsdom an aborted request settles only when its answer comes. */
function heldParts() {
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  return {
    release,
    handler: http.put('http://s3.test/*', async () => {
      await held;
      return undefined;
    }),
  };
}

function start(options: Partial<S3DirectUploadOptions> = {}) {
  uppy = new Uppy<Meta, S3DirectUploadBody>({ logger: quiet }).use(S3DirectUpload, {
    signUrl: SIGN_URL,
    persist: false,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    ...options,
  });
  return uppy;
}

/**
 * What Golden Retriever restores after a reload: `fileIds` as an upload
 * already started, `ghostId` without its bytes (a file larger than it keeps)
 * and marked a ghost. Returns the upload's id, for `uppy.restore`.
 */
function restoredWithGhost(uppy: Uppy<Meta, S3DirectUploadBody>, fileIds: string[], ghostId: string): string {
  for (const id of fileIds) {
    const { progress } = uppy.getFile(id);
    uppy.setFileState(id, { isRestored: true, progress: { ...progress, uploadStarted: Date.now() } as typeof progress });
  }
  uppy.setFileState(ghostId, { isGhost: true, data: undefined as unknown as File });
  uppy.setState({ currentUploads: { restored: { fileIDs: fileIds, step: 0, result: {} } } });
  return 'restored';
}

describe('S3DirectUpload (s3-direct-upload/uppy) on plain Uppy', () => {
  it('uploads through uppy.upload(): the key on file.response.body, Uppy marks the file complete', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const uppy = start();
    const id = uppy.addFile({ name: 'a.txt', type: 'text/plain', data: file('a.txt', 100), meta: { album: 'summer' } });
    const result = await uppy.upload();
    expect(result?.successful?.map((done) => done.id)).toEqual([id]);
    const uploaded = uppy.getFile(id);
    expect(uploaded.progress.uploadComplete).toBe(true);
    expect(uploaded.response?.body).toMatchObject({ key: 'uploads/a.txt' });
    expectTypeOf(uploaded.response?.body?.key).toEqualTypeOf<string | undefined>();
    // The app's meta goes to the signer; Uppy's own bookkeeping (name, type, relativePath) does not.
    const presign = log.calls.find((call) => call.operation === 'presign-put');
    expect(presign?.operation === 'presign-put' && presign.files[0]?.metadata).toEqual({ album: 'summer' });
  });

  it('removeFile on a running multipart file stops it and aborts the multipart upload on the server', async () => {
    const { log, handlers } = fakeEndpoint();
    const parts = heldParts();
    server.use(parts.handler, ...handlers);
    const uppy = start({ multipartThreshold: 5 * MiB });
    const id = uppy.addFile({ name: 'big.bin', data: file('big.bin', 12 * MiB) });
    void uppy.upload();
    await expect.poll(() => log.calls.some((call) => call.operation === 'sign-parts')).toBe(true);
    uppy.removeFile(id);
    parts.release();
    await expect.poll(() => log.calls.map((call) => call.operation)).toContain('abort-multipart');
    expect(log.calls.map((call) => call.operation)).not.toContain('complete-multipart');
  });

  it('a failed file carries Uppy’s error; retryUpload sends it again', async () => {
    const { handlers } = fakeEndpoint();
    let refuse = true;
    server.use(
      http.put('http://s3.test/*', () => (refuse ? new HttpResponse('nope', { status: 500 }) : undefined)),
      ...handlers,
    );
    const uppy = start();
    const id = uppy.addFile({ name: 'a.bin', data: file('a.bin', 300 * 1024) });
    const failed = await uppy.upload();
    expect(failed?.failed?.map((file) => file.id)).toEqual([id]);
    expect(uppy.getFile(id).error).toBeTruthy();
    refuse = false;
    const retried = await uppy.retryUpload(id);
    expect(retried?.successful?.map((file) => file.id)).toEqual([id]);
    expect(uppy.getFile(id).error).toBeFalsy();
  });

  it('pauses running files while the browser is offline (Uppy’s is-offline) and resumes them when it is back', async () => {
    const { handlers } = fakeEndpoint();
    const parts = heldParts();
    server.use(parts.handler, ...handlers);
    const uppy = start({ multipartThreshold: 5 * MiB });
    const id = uppy.addFile({ name: 'big.bin', data: file('big.bin', 12 * MiB) });
    void uppy.upload();
    await expect.poll(() => uppy.getFile(id).progress.uploadStarted).toBeTruthy();
    uppy.emit('is-offline');
    expect(uppy.getFile(id).isPaused).toBe(true);
    // The stopped part requests settle (under jsdom only once answered); nothing new starts while offline.
    parts.release();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uppy.getFile(id).progress.uploadComplete).toBeFalsy();
    uppy.emit('is-online');
    expect(uppy.getFile(id).isPaused).toBe(false);
    await expect.poll(() => uppy.getFile(id).progress.uploadComplete, { timeout: 5000 }).toBe(true);
  });

  it('a Golden Retriever ghost in a restored upload waits for its bytes (no request, no error); added again, it is sent', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const uppy = start();
    const errors: string[] = [];
    uppy.on('upload-error', (_file, error) => errors.push(error.message));
    const big = file('big.bin', 300 * 1024);
    const ghostId = uppy.addFile({ name: 'big.bin', data: big });
    const otherId = uppy.addFile({ name: 'other.bin', data: file('other.bin', 100) });
    const uploadId = restoredWithGhost(uppy, [ghostId, otherId], ghostId);
    const restored = uppy.restore(uploadId);
    // The rest of the upload goes on; the ghost sends nothing and does not fail.
    await expect.poll(() => uppy.getFile(otherId).progress.uploadComplete).toBe(true);
    expect(log.calls.flatMap((call) => (call.operation === 'presign-put' ? call.files.map((f) => f.name) : [call.operation]))).toEqual([
      'other.bin',
    ]);
    expect(uppy.getFile(ghostId).isGhost).toBe(true);
    expect(uppy.getFile(ghostId).error ?? null).toBeNull();
    expect(errors).toEqual([]);
    // The user adds the same file again: Uppy gives the ghost its bytes back and the waiting upload sends them.
    uppy.addFile({ name: 'big.bin', data: big });
    const result = await restored;
    expect(result?.successful?.map((done) => done.id).sort()).toEqual([ghostId, otherId].sort());
    expect(result?.failed).toEqual([]);
    expect(uppy.getFile(ghostId).response?.body?.key).toBe('uploads/big.bin');
    expect(errors).toEqual([]);
  });

  it('a ghost removed while it waits for its bytes ends its wait: the restored upload completes, nothing sent for it', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const uppy = start();
    const errors: string[] = [];
    uppy.on('upload-error', (_file, error) => errors.push(error.message));
    const ghostId = uppy.addFile({ name: 'big.bin', data: file('big.bin', 300 * 1024) });
    const otherId = uppy.addFile({ name: 'other.bin', data: file('other.bin', 100) });
    const restored = uppy.restore(restoredWithGhost(uppy, [ghostId, otherId], ghostId));
    await expect.poll(() => uppy.getFile(otherId).progress.uploadComplete).toBe(true);
    // Paused and resumed while it waits: still waiting.
    uppy.pauseAll();
    uppy.resumeAll();
    uppy.removeFile(ghostId);
    const result = await restored;
    expect(result?.successful?.map((done) => done.id)).toEqual([otherId]);
    expect(result?.failed).toEqual([]);
    expect(log.calls.map((call) => call.operation)).toEqual(['presign-put']);
    expect(errors).toEqual([]);
  });

  it('checks its options at use(): a TypeError names the option', () => {
    const app = new Uppy({ logger: quiet });
    const use = (options: unknown) => () => app.use(S3DirectUpload, options as S3DirectUploadOptions);
    expect(use(undefined)).toThrow(new TypeError('S3DirectUpload: `options` must be an object with at least `signUrl`.'));
    expect(use({})).toThrow(/`signUrl` must be/);
    expect(use({ signUrl: SIGN_URL, partsize: 8 * MiB })).toThrow(/`partsize` is not an option of S3DirectUpload/);
    expect(use({ signUrl: SIGN_URL, partSize: Number(undefined) })).toThrow(
      /`partSize` must be a whole number from 1 to 5368709120; got NaN/,
    );
    expect(use({ signUrl: SIGN_URL, maxConcurrentRequests: 0 })).toThrow(/`maxConcurrentRequests`/);
    expect(use({ signUrl: SIGN_URL, retry: { attempt: 3 } })).toThrow(/`retry.attempt` is not a retry setting/);
    expect(use({ signUrl: SIGN_URL, checksum: 'sha1' })).toThrow(/`checksum` must be 'md5', 'sha256' or 'crc32'/);
    expect(use({ signUrl: SIGN_URL, credentials: 'yes' })).toThrow(/`credentials`/);
    expect(use({ signUrl: SIGN_URL, persist: { store: {} } })).toThrow(/`persist.store` must be a ResumeStore/);
    expect(use({ signUrl: SIGN_URL, resume: false })).toThrow(/`resume` is now `persist`/);
    expect(app.getPlugin('S3DirectUpload')).toBeUndefined();
    app.use(S3DirectUpload, { signUrl: SIGN_URL, id: 'Uploads', persist: false });
    expect(app.getPlugin('Uploads')).toBeInstanceOf(S3DirectUpload);
    app.destroy();
  });

  it('setOptions: the endpoint options follow; transfer settings are refused with a TypeError', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const uppy = start();
    const plugin = uppy.getPlugin<S3DirectUpload<Meta, S3DirectUploadBody>>('S3DirectUpload');
    const seen: string[] = [];
    server.use(
      http.post(SIGN_URL, ({ request }) => {
        seen.push(request.headers.get('authorization') ?? '');
        return undefined;
      }),
    );
    plugin?.setOptions({ headers: { Authorization: 'Bearer fresh' } });
    uppy.addFile({ name: 'a.txt', data: file('a.txt', 10) });
    await uppy.upload();
    expect(seen).toContain('Bearer fresh');
    expect(log.calls.length).toBeGreaterThan(0);
    expect(() => plugin?.setOptions({ partSize: 16 * MiB })).toThrow(/`partSize` is read once, at uppy.use\(\)/);
    expect(() => plugin?.setOptions({ timeoutMs: -1 })).toThrow(/`timeoutMs` must be a whole number/);
  });
});

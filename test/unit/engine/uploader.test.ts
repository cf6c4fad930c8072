import { HttpResponse, http } from 'msw';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createUploader,
  type FileResult,
  MemoryResumeStore,
  type ResumeStore,
  type Uploader,
  type UploaderOptions,
} from '../../../src/index.js';
import { fakeEndpoint, SIGN_URL } from '../fake-endpoint.js';
import { server } from '../msw-server.js';

const MiB = 1024 * 1024;
let uploader: Uploader | undefined;
afterEach(() => uploader?.destroy());

function start(options: Partial<UploaderOptions> = {}) {
  const batches: FileResult[][] = [];
  uploader = createUploader({
    signUrl: SIGN_URL,
    retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
    onComplete: (results) => batches.push(results),
    ...options,
  });
  return { uploader, batches };
}

function nextBatch(batches: FileResult[][], count = batches.length + 1): Promise<FileResult[]> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (batches.length >= count) return resolve(batches[count - 1] as FileResult[]);
      if (Date.now() - started > 5000) return reject(new Error('no batch completed'));
      setTimeout(check, 5);
    };
    check();
  });
}

const file = (name: string, size: number, type = 'text/plain') => new File([new Uint8Array(size)], name, { type });

describe('Uploader', () => {
  it('uploads small files by single PUT, signing them in one endpoint call', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const { uploader, batches } = start();
    uploader.addFiles([file('a.txt', 10), file('b.txt', 20), file('c.txt', 0)]);
    const results = await nextBatch(batches);
    expect(results.map((result) => [result.name, result.status, result.key])).toEqual([
      ['a.txt', 'complete', 'uploads/a.txt'],
      ['b.txt', 'complete', 'uploads/b.txt'],
      ['c.txt', 'complete', 'uploads/c.txt'],
    ]);
    expect(log.calls.map((call) => call.operation)).toEqual(['presign-put']);
    expect(log.puts.map((put) => put.bytes).sort()).toEqual([0, 10, 20]);
    expect(uploader.getSnapshot().totals).toMatchObject({ files: 3, complete: 3, progress: 1 });
  });

  it('uploads a large file by multipart: create, sign parts in batches, PUT parts, complete with every ETag', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const { uploader, batches } = start({ multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    uploader.addFiles([file('big.bin', 12 * MiB)]);
    const [result] = await nextBatch(batches);
    expect(result).toMatchObject({ status: 'complete', key: 'uploads/big.bin' });
    const operations = log.calls.map((call) => call.operation);
    expect(operations[0]).toBe('create-multipart');
    expect(log.calls[0]).toMatchObject({ partSize: 5 * MiB });
    expect(operations.at(-1)).toBe('complete-multipart');
    expect(operations.filter((operation) => operation === 'sign-parts')).toHaveLength(1);
    expect(log.puts.map((put) => [put.partNumber, put.bytes]).sort()).toEqual([
      ['1', 5 * MiB],
      ['2', 5 * MiB],
      ['3', 2 * MiB],
    ]);
    // The server completes from the store's own part list: the request carries no part list, whatever the part count.
    const complete = log.calls.at(-1);
    expect(complete).not.toHaveProperty('parts');
  });

  it('asks for the default part size, growing with the file, when no partSize is set (chosen by the multipart code)', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const { uploader, batches } = start({ multipartThreshold: 5 * MiB });
    uploader.addFiles([file('big.bin', 6 * MiB)]);
    const [result] = await nextBatch(batches);
    expect(result).toMatchObject({ status: 'complete', key: 'uploads/big.bin' });
    expect(log.calls[0]).toMatchObject({ operation: 'create-multipart', partSize: 8 * MiB });
    expect(log.puts.map((put) => [put.partNumber, put.bytes])).toEqual([['1', 6 * MiB]]);
  });

  it('marks a file failed with a message naming the endpoint when it answers 500; other files carry on; retry works', async () => {
    let failing = true;
    const { handlers } = fakeEndpoint((request) => {
      if (failing && request.operation === 'create-multipart') return new HttpResponse('boom', { status: 500 });
      return undefined;
    });
    server.use(...handlers);
    const { uploader, batches } = start({ multipartThreshold: 5 * MiB });
    uploader.addFiles([file('big.bin', 6 * MiB), file('small.txt', 5)]);
    const results = await nextBatch(batches);
    const big = results.find((result) => result.name === 'big.bin');
    expect(big?.status).toBe('error');
    expect(big?.error?.message).toBe(`The signing endpoint ${SIGN_URL} answered "create-multipart" with HTTP 500: boom.`);
    expect(results.find((result) => result.name === 'small.txt')?.status).toBe('complete');

    failing = false;
    uploader.retry(big?.id as string);
    const [retried] = await nextBatch(batches, 2);
    expect(retried).toMatchObject({ name: 'big.bin', status: 'complete' });
  });

  it('fails at once, without retrying, when the endpoint refuses with a 4xx', async () => {
    const { log, handlers } = fakeEndpoint((request) =>
      request.operation === 'presign-put'
        ? HttpResponse.json({ error: { code: 'forbidden', message: 'Sign in first.' } }, { status: 403 })
        : undefined,
    );
    server.use(...handlers);
    const { uploader, batches } = start({ retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 1 } });
    uploader.addFiles([file('a.txt', 1)]);
    const [result] = await nextBatch(batches);
    expect(result?.error?.serverCode).toBe('forbidden');
    expect(log.calls).toHaveLength(1);
  });

  it('retries a 503 from the storage and succeeds', async () => {
    const { log, handlers } = fakeEndpoint();
    let puts = 0;
    server.use(
      http.put('http://s3.test/*', () => {
        puts++;
        if (puts === 1)
          return new HttpResponse('<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message></Error>', { status: 503 });
        return undefined;
      }),
      ...handlers,
    );
    const { uploader, batches } = start({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    uploader.addFiles([file('a.txt', 100)]);
    const [result] = await nextBatch(batches);
    expect(result?.status).toBe('complete');
    expect(puts).toBe(2);
    expect(log.puts).toHaveLength(1);
  });

  it('re-signs and retries when the store answers a bare 403 AccessDenied for a URL at its expiry (Ceph RGW)', async () => {
    let signs = 0;
    const { log, handlers } = fakeEndpoint((request) => {
      if (request.operation !== 'presign-put') return undefined;
      signs++;
      const expiresAt = new Date(Date.now() + (signs === 1 ? 1_000 : 600_000)).toISOString();
      return HttpResponse.json({
        results: request.files.map((entry) => ({
          ok: true,
          key: `uploads/${entry.name}`,
          token: 't',
          url: `http://s3.test/bucket/uploads/${entry.name}?attempt=${signs}`,
          method: 'PUT',
          headers: {},
          expiresAt,
        })),
      });
    });
    server.use(
      http.put('http://s3.test/*', ({ request }) =>
        new URL(request.url).searchParams.get('attempt') === '1'
          ? new HttpResponse('<Error><Code>AccessDenied</Code><Message></Message></Error>', { status: 403 })
          : undefined,
      ),
      ...handlers,
    );
    const { uploader, batches } = start({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 } });
    uploader.addFiles([file('late.txt', 10)]);
    const [result] = await nextBatch(batches);
    expect(result?.status).toBe('complete');
    expect(signs).toBe(2);
    expect(log.puts).toHaveLength(1);
  });

  it('confirms a single PUT with complete-put when the server asks for it', async () => {
    const { log, handlers } = fakeEndpoint((request) => {
      if (request.operation === 'presign-put') {
        return HttpResponse.json({
          results: request.files.map((entry) => ({
            ok: true,
            key: `uploads/${entry.name}`,
            token: 'proof',
            confirm: true,
            url: `http://s3.test/bucket/uploads/${entry.name}`,
            method: 'PUT',
            headers: {},
            expiresAt: new Date(Date.now() + 600_000).toISOString(),
          })),
        });
      }
      if (request.operation === 'complete-put') return HttpResponse.json({ key: request.key, etag: '"e"' });
      return undefined;
    });
    server.use(...handlers);
    const { uploader, batches } = start();
    uploader.addFiles([file('a.txt', 1)]);
    const [result] = await nextBatch(batches);
    expect(result?.status).toBe('complete');
    expect(log.calls.map((call) => call.operation)).toEqual(['presign-put', 'complete-put']);
    expect(log.calls[1]).toMatchObject({ key: 'uploads/a.txt', token: 'proof' });
  });

  it('reports the storage’s error code when retries run out', async () => {
    const { handlers } = fakeEndpoint();
    server.use(
      http.put(
        'http://s3.test/*',
        () => new HttpResponse('<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>', { status: 403 }),
      ),
      ...handlers,
    );
    const { uploader, batches } = start();
    uploader.addFiles([file('a.txt', 100)]);
    const [result] = await nextBatch(batches);
    expect(result?.error).toMatchObject({ code: 'storage_refused', storageCode: 'AccessDenied', status: 403 });
    expect(result?.error?.message).toBe('The storage refused the upload (403 AccessDenied: Access Denied).');
  });

  it('completes a multipart upload on a store whose CORS rule does not expose the ETag', async () => {
    const { handlers } = fakeEndpoint();
    server.use(
      http.put('http://s3.test/*', () => new HttpResponse(null, { status: 200 })),
      ...handlers,
    );
    const { uploader, batches } = start({ multipartThreshold: 5 * MiB });
    uploader.addFiles([file('big.bin', 6 * MiB)]);
    const [result] = await nextBatch(batches);
    expect(result?.status).toBe('complete');
  });

  /** A 12 MiB multipart upload whose part PUTs wait for `releasePart`, once its parts are being signed. */
  async function multipartWithPartsHeld() {
    const { log, handlers } = fakeEndpoint();
    let releasePart: () => void = () => {};
    const partHeld = new Promise<void>((resolve) => {
      releasePart = resolve;
    });
    server.use(
      http.put('http://s3.test/*', async () => {
        await partHeld;
        return undefined;
      }),
      ...handlers,
    );
    const { uploader } = start({ multipartThreshold: 5 * MiB });
    const {
      added: [id],
    } = await uploader.addFiles([file('big.bin', 12 * MiB)]);
    await expect.poll(() => log.calls.some((call) => call.operation === 'sign-parts')).toBe(true);
    return { log, uploader, id: id as string, releasePart };
  }

  it('pause and resume at once (before the stopped requests have failed): the file goes on and completes, never marked failed', async () => {
    const { log, uploader, id, releasePart } = await multipartWithPartsHeld();
    uploader.pause(id);
    uploader.resume(id);
    releasePart();
    await expect.poll(() => uploader.getSnapshot().files[0]?.status, { timeout: 5000 }).toBe('complete');
    expect(log.calls.map((call) => call.operation)).toContain('complete-multipart');
  });

  it('cancel stops a multipart upload and aborts it on the server', async () => {
    const { log, uploader, id, releasePart } = await multipartWithPartsHeld();
    uploader.cancel(id);
    releasePart();
    await expect.poll(() => log.calls.map((call) => call.operation)).toContain('abort-multipart');
    expect(uploader.getSnapshot().files[0]?.status).toBe('canceled');
    expect(log.calls.map((call) => call.operation)).not.toContain('complete-multipart');
  });

  it('cancel works on a paused file: it ends canceled, its multipart upload aborted, and stays so', async () => {
    const { log, uploader, id, releasePart } = await multipartWithPartsHeld();
    uploader.pause(id);
    await expect.poll(() => uploader.getSnapshot().files[0]?.status).toBe('paused');
    uploader.cancel(id);
    releasePart();
    await expect.poll(() => uploader.getSnapshot().files[0]?.status).toBe('canceled');
    await expect.poll(() => log.calls.map((call) => call.operation)).toContain('abort-multipart');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(uploader.getSnapshot().files[0]?.status).toBe('canceled');
    expect(log.calls.map((call) => call.operation)).not.toContain('complete-multipart');
  });

  it('cancel of a file whose upload has not started yet (a large batch starts in slices): it never goes up', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const { uploader } = start({ autoUpload: false });
    await uploader.addFiles(Array.from({ length: 1000 }, (_, index) => file(`f-${index}.txt`, 1)));
    const last = uploader.getSnapshot().files.at(-1)?.id as string;
    const batch = uploader.start();
    // The batch is starting, in slices: the last file is not running yet.
    uploader.cancel(last);
    const results = await batch;
    expect(results.find((result) => result.id === last)?.status).toBe('canceled');
    expect(results.filter((result) => result.status === 'complete')).toHaveLength(999);
    const signed = log.calls.flatMap((call) => (call.operation === 'presign-put' ? call.files.map((entry) => entry.name) : []));
    expect(signed).not.toContain('f-999.txt');
  }, 60_000);

  it('does not restart failed or canceled files when new files are added', async () => {
    const { log, handlers } = fakeEndpoint((request) =>
      request.operation === 'presign-put' && request.files[0]?.name === 'bad.txt'
        ? HttpResponse.json({ error: { code: 'forbidden', message: 'No.' } }, { status: 403 })
        : undefined,
    );
    server.use(...handlers);
    const { uploader, batches } = start();
    uploader.addFiles([file('bad.txt', 1)]);
    await nextBatch(batches);
    uploader.addFiles([file('good.txt', 1)]);
    const second = await nextBatch(batches, 2);
    expect(second.map((result) => result.name)).toEqual(['good.txt']);
    expect(log.calls.filter((call) => call.operation === 'presign-put')).toHaveLength(2);
    expect(uploader.getSnapshot().files.map((entry) => entry.status)).toEqual(['error', 'complete']);
  });

  it('adds 1000 files in time slices: the page gets the main thread back between them, and hears of them in few updates', async () => {
    const { uploader } = start({ autoUpload: false });
    let notifications = 0;
    uploader.subscribe(() => notifications++);
    // A timer queued now runs between two slices, not after all of them.
    let yielded = false;
    setTimeout(() => {
      yielded = uploader.getSnapshot().files.length < 1000;
    }, 0);
    const started = performance.now();
    const adding = uploader.addFiles(Array.from({ length: 1000 }, (_, index) => file(`f-${index}.txt`, index)));
    const { added } = await adding;
    const elapsed = performance.now() - started;
    expect(added).toHaveLength(1000);
    expect(new Set(added).size).toBe(1000);
    expect(uploader.getSnapshot().files).toHaveLength(1000);
    expect(yielded).toBe(true);
    expect(notifications).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 2);
    console.log(`[1000 files] addFiles took ${elapsed.toFixed(0)} ms in jsdom, ${notifications} notifications`);
  });

  it('counts files still joining the list: a second add meanwhile sees them (duplicates, maxFiles)', async () => {
    const { uploader } = start({ autoUpload: false, maxFiles: 600 });
    const files = Array.from({ length: 500 }, (_, index) => file(`f-${index}.txt`, index));
    const first = uploader.addFiles(files);
    const second = await uploader.addFiles([files[499] as File, ...Array.from({ length: 150 }, (_, index) => file(`g-${index}.txt`, 1))]);
    expect(second.rejected[0]).toMatchObject({ rule: 'duplicate' });
    expect(second.rejected.filter((rejection) => rejection.rule === 'maxFiles')).toHaveLength(50);
    expect(second.added).toHaveLength(100);
    expect((await first).added).toHaveLength(500);
    expect(uploader.getSnapshot().files).toHaveLength(600);
  });

  it('removeAll while files are joining the list: the rest never join', async () => {
    const { uploader } = start({ autoUpload: false });
    const adding = uploader.addFiles(Array.from({ length: 2000 }, (_, index) => file(`f-${index}.txt`, index)));
    uploader.removeAll();
    const { added } = await adding;
    expect(added.length).toBeLessThan(2000);
    expect(uploader.getSnapshot().files).toHaveLength(0);
    // And what the restrictions counted as joining is forgotten.
    expect((await uploader.addFiles([file('f-1999.txt', 1999)])).added).toHaveLength(1);
  });

  it('keeps unchanged files as the same objects across snapshots', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const { uploader, batches } = start({ autoUpload: false });
    uploader.addFiles([file('a.txt', 1), file('b.txt', 1)]);
    const before = uploader.getSnapshot();
    uploader.uppy.setFileState(before.files[1]?.id as string, {
      meta: { ...uploader.uppy.getFile(before.files[1]?.id as string).meta, x: 'y' },
    });
    const after = uploader.getSnapshot();
    expect(after).not.toBe(before);
    expect(after.files[0]).toBe(before.files[0]);
    expect(after.files[1]).not.toBe(before.files[1]);
    void uploader.start();
    await nextBatch(batches);
  });
});

describe('queued and uploading', () => {
  it('a file waiting its turn in a full request pool is queued, never waiting, while another one uploads', async () => {
    const { handlers } = fakeEndpoint();
    server.use(
      http.put('http://s3.test/*', () => new Promise<Response>(() => {})),
      ...handlers,
    );
    const { uploader } = start({ formPostMaxSize: 0, maxConcurrentRequests: 1 });
    const seenStatuses = new Map<string, Set<string>>();
    const unsubscribe = uploader.subscribe(() => {
      for (const view of uploader.getSnapshot().files)
        seenStatuses.set(view.name, (seenStatuses.get(view.name) ?? new Set()).add(view.status));
    });
    uploader.addFiles([file('first.txt', 4), file('second.txt', 4), file('third.txt', 4)]);
    // The first file's request is held: after 3 s without bytes it is said to be waiting for the connection.
    await vi.waitFor(() => expect(uploader.getSnapshot().files[0]?.waiting).toBe(true), { timeout: 6000, interval: 50 });
    unsubscribe();
    const snapshot = uploader.getSnapshot();
    expect(snapshot.files.map((view) => [view.name, view.status, view.waiting ?? false])).toEqual([
      ['first.txt', 'uploading', true],
      ['second.txt', 'queued', false],
      ['third.txt', 'queued', false],
    ]);
    // Never uploading: they never had a connection.
    expect([...(seenStatuses.get('second.txt') ?? [])]).toEqual(['queued']);
    expect(snapshot.totals).toMatchObject({ uploading: 1, waiting: true });
    expect(snapshot.isUploading).toBe(true);
  }, 10_000);

  it('the batch is uploading while its files wait their turn, before any has a connection', async () => {
    const { handlers } = fakeEndpoint();
    let release: () => void = () => {};
    const signing = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.use(
      http.post(SIGN_URL, async () => {
        await signing;
        return HttpResponse.json({ error: { code: 'internal_error', message: 'no', retryable: false } }, { status: 500 });
      }),
      ...handlers,
    );
    const { uploader } = start({ multipartThreshold: 5 * MiB, partSize: 5 * MiB });
    uploader.addFiles([file('big.bin', 6 * MiB)]);
    // Creating the multipart upload (the signer, before any storage request): queued, and the batch runs.
    await vi.waitFor(() => expect(uploader.getSnapshot().isUploading).toBe(true));
    expect(uploader.getSnapshot().files[0]?.status).toBe('queued');
    release();
  });
});

describe('destroy', () => {
  it('leaves no timer behind: Uppy’s delayed online-status check does nothing after destroy', () => {
    vi.useFakeTimers();
    try {
      const { uploader } = start();
      void uploader.uppy; // Uppy is made on first use
      const onLine = vi.spyOn(window.navigator, 'onLine', 'get');
      uploader.destroy();
      vi.advanceTimersByTime(5000);
      expect(onLine).not.toHaveBeenCalled();
      onLine.mockRestore();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('destroy stops everything', () => {
  it('a signing answer that arrives after destroy starts no upload request', async () => {
    const { log, handlers } = fakeEndpoint();
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let held = 0;
    server.use(
      http.post(SIGN_URL, async ({ request }) => {
        const body = (await request.clone().json()) as { operation: string };
        if (body.operation === 'sign-parts' || body.operation === 'presign-put') {
          held++;
          await gate;
        }
        return undefined;
      }),
      ...handlers,
    );
    const { uploader } = start({ multipartThreshold: 5 * MiB, persist: false });
    uploader.addFiles([file('big.bin', 12 * MiB), file('small.txt', 1000)]);
    await expect.poll(() => held).toBe(2);
    uploader.destroy();
    release();
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Without the destroy, the same answers start three PUTs (two parts and the small file).
    expect(log.puts).toEqual([]);
  });
});

describe('leaving the page', () => {
  it('aborts open multipart uploads on pagehide when persist is off', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(
      http.put('http://s3.test/*', () => new Promise<Response>(() => {})),
      ...handlers,
    );
    const { uploader } = start({ multipartThreshold: 5 * MiB, persist: false });
    uploader.addFiles([file('big.bin', 12 * MiB)]);
    await expect.poll(() => log.calls.some((call) => call.operation === 'sign-parts')).toBe(true);
    window.dispatchEvent(new Event('pagehide'));
    await expect.poll(() => log.calls.map((call) => call.operation)).toContain('abort-multipart');
  });

  it('keeps them open (remembered to continue after a reload) when persist is on', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(
      http.put('http://s3.test/*', () => new Promise<Response>(() => {})),
      ...handlers,
    );
    const store = new MemoryResumeStore();
    const { uploader } = start({ multipartThreshold: 5 * MiB, persist: { store } });
    uploader.addFiles([file('big.bin', 12 * MiB)]);
    await expect.poll(() => log.calls.some((call) => call.operation === 'sign-parts')).toBe(true);
    window.dispatchEvent(new Event('pagehide'));
    uploader.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.calls.map((call) => call.operation)).not.toContain('abort-multipart');
    expect(await store.all()).toHaveLength(1);
  });
});

describe('persist: continuing after a reload', () => {
  it('sends only the parts not yet stored when the same file is added to a new uploader', async () => {
    const store = new MemoryResumeStore();
    const stored = new Map<number, { etag: string; size: number }>();
    let holdPartThree = true;
    const { log, handlers } = fakeEndpoint((request) =>
      request.operation === 'list-parts'
        ? HttpResponse.json({ parts: [...stored].map(([partNumber, part]) => ({ partNumber, ...part })) })
        : undefined,
    );
    server.use(
      http.put('http://s3.test/*', async ({ request }) => {
        const partNumber = Number(new URL(request.url).searchParams.get('partNumber'));
        if (partNumber === 3 && holdPartThree) return new Promise<Response>(() => {});
        const size = (await request.arrayBuffer()).byteLength;
        stored.set(partNumber, { etag: `"p${partNumber}"`, size });
        return new HttpResponse(null, { headers: { ETag: `"p${partNumber}"` } });
      }),
      ...handlers,
    );
    const data = file('movie.mp4', 12 * MiB);
    const first = createUploader({ signUrl: SIGN_URL, multipartThreshold: 5 * MiB, partSize: 5 * MiB, persist: { store } });
    first.addFiles([data]);
    await expect.poll(() => stored.size, { timeout: 5000 }).toBe(2);
    expect((await store.all()).map((record) => record.file.name)).toEqual(['movie.mp4']);
    first.destroy(); // the page goes away
    expect(log.calls.map((call) => call.operation)).not.toContain('abort-multipart');

    holdPartThree = false;
    const batches: FileResult[][] = [];
    uploader = createUploader({
      signUrl: SIGN_URL,
      multipartThreshold: 5 * MiB,
      partSize: 5 * MiB,
      persist: { store },
      onComplete: (results) => batches.push(results),
    });
    log.calls.length = 0;
    uploader.addFiles([data]);
    const [result] = await nextBatch(batches);
    expect(result?.status).toBe('complete');
    const operations = log.calls.map((call) => call.operation);
    expect(operations).toEqual(['list-parts', 'sign-parts', 'complete-multipart']);
    const signed = log.calls[1];
    expect(signed?.operation === 'sign-parts' && signed.partNumbers).toEqual([3]);
    expect(await store.all()).toEqual([]);
  });

  it('uploads fresh when the file changed since', async () => {
    const store = new MemoryResumeStore();
    await store.put({
      fingerprint: 'someone-else',
      file: { name: 'x', size: 1, type: '' },
      upload: { key: 'k', uploadId: 'u', partSize: 5 * MiB, token: '' },
      createdAt: Date.now(),
    });
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const { uploader, batches } = start({ multipartThreshold: 5 * MiB, persist: { store } });
    uploader.addFiles([file('new.bin', 6 * MiB)]);
    await nextBatch(batches);
    expect(log.calls[0]?.operation).toBe('create-multipart');
  });
});

describe('persist: records the store should not hold', () => {
  it('a record without an age, file or upload (another version, or tampered with) is deleted, never trusted; expired ones are still aborted', async () => {
    const store = new MemoryResumeStore();
    const upload = { key: 'k', uploadId: 'u', partSize: 5 * MiB, token: 't' };
    await store.put({ fingerprint: 'garbage' } as never);
    await store.put({ fingerprint: 'no-age', file: { name: 'x', size: 1, type: '' }, upload } as never);
    await store.put({ fingerprint: 'old', file: { name: 'y', size: 1, type: '' }, upload, createdAt: Date.now() - 2 * 86_400_000 });
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const { uploader } = start({ persist: { store } });
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      uploader.subscribe(() => {});
      await expect.poll(async () => (await store.all()).length, { timeout: 5000 }).toBe(0);
      await expect.poll(() => log.calls.filter((call) => call.operation === 'abort-multipart').length).toBe(1);
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('a store that answers null entries or no list at all: what can be read is purged, the rest is skipped, nothing rejects unhandled', async () => {
    const upload = { key: 'k', uploadId: 'u', partSize: 5 * MiB, token: 't' };
    const old = { fingerprint: 'old', file: { name: 'y', size: 1, type: '' }, upload, createdAt: Date.now() - 2 * 86_400_000 };
    const answers: unknown[] = [[null, 'text', 42, old], undefined];
    const deleted: unknown[] = [];
    const odd = (): ResumeStore => ({
      get: async () => undefined,
      put: async () => {},
      delete: async (fingerprint) => void deleted.push(fingerprint),
      all: async () => answers.shift() as never,
    });
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      for (let run = 0; run < 2; run++) start({ persist: { store: odd() } }).uploader.subscribe(() => {});
      await expect.poll(() => log.calls.filter((call) => call.operation === 'abort-multipart').length).toBe(1);
      await expect.poll(() => answers.length).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(deleted).toContain('old');
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('a store without POST Object (R2, B2)', () => {
  const xml = (code: string, message: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
  // What each store is reported to answer a form POST (docs/providers.md).
  const refusals = [
    ['R2 (501)', () => new HttpResponse(xml('NotImplemented', 'Presigned post requests are not yet implemented'), { status: 501 })],
    ['R2 (400, as some report it)', () => new HttpResponse(xml('NotImplemented', 'POST Object is not implemented'), { status: 400 })],
    ['B2 (501)', () => new HttpResponse(xml('NotImplemented', 'Backblaze B2 does not support this API call.'), { status: 501 })],
    // Without CORS headers on the refusal (R2's own CORS example allows PUT and GET only) the page sees a network error.
    ['R2 (501 without CORS headers: a network error to the page)', () => HttpResponse.error()],
  ] as const;

  /** A signer that hands out forms when asked, and a store answering the n-th form POST with `answer(n)`. */
  function formsStore(answer: (index: number) => Response) {
    const { log, handlers } = fakeEndpoint((request) =>
      request.operation === 'presign-put' && request.post
        ? HttpResponse.json({
            results: request.files.map((entry) => ({
              ok: true,
              key: `uploads/${entry.name}`,
              url: 'http://s3.test/bucket/',
              method: 'POST',
              headers: {},
              fields: { key: `uploads/${entry.name}`, 'Content-Type': entry.type, policy: 'p', 'x-amz-signature': 's' },
              expiresAt: new Date(Date.now() + 600_000).toISOString(),
            })),
          })
        : undefined,
    );
    const posts: string[] = [];
    server.use(
      http.post('http://s3.test/bucket/', async ({ request }) => {
        posts.push(String((await request.formData()).get('key')));
        return answer(posts.length - 1);
      }),
      ...handlers,
    );
    return { log, posts };
  }

  async function uploadAll(files: File[], options: Partial<UploaderOptions>) {
    const { uploader, batches } = start(options);
    uploader.addFiles(files);
    await expect.poll(() => batches.length, { timeout: 20_000, interval: 20 }).toBe(1);
    const results = batches[0] as FileResult[];
    expect(results.filter((result) => result.status !== 'complete').map((result) => result.error?.message)).toEqual([]);
    expect(results).toHaveLength(files.length);
  }

  it.each(refusals)(
    'on %s: 300 small files all complete, each form POST is tried at most once, later files never go as forms',
    async (store, answer) => {
      const { log, posts } = formsStore(answer);
      const files = Array.from({ length: 300 }, (_, index) => file(`f${index}.txt`, 100 + index));
      // No retry to spare, per request or per file: the fall back to PUT after a readable refusal must spend neither.
      // (A network error may be the network's: that file's retry by PUT counts.)
      const unreadable = store.includes('network error');
      await uploadAll(files, { retry: { attempts: 6, baseDelayMs: 1, maxDelayMs: 1, perFile: unreadable ? 1 : 0 } });
      // Every file stored by PUT, and no file's form was sent twice.
      expect(log.puts.map((put) => put.path).sort()).toEqual(files.map((entry) => `/bucket/uploads/${entry.name}`).sort());
      expect(new Set(posts).size).toBe(posts.length);
      // Only the forms already on their way when the first refusal came back were sent.
      expect(posts.length).toBeGreaterThan(0);
      expect(posts.length).toBeLessThanOrEqual(6);
      // Once refused, the uploader stops asking the signer for forms.
      const presigns = log.calls.filter((call) => call.operation === 'presign-put');
      const firstWithoutPost = presigns.findIndex((call) => !call.post);
      expect(firstWithoutPost).toBeGreaterThan(0);
      expect(presigns.slice(firstWithoutPost).filter((call) => call.post)).toEqual([]);
    },
    // 300 files through jsdom and MSW: a few seconds on a busy machine.
    30_000,
  );

  it('once a form has worked, a form lost to the network is retried by PUT and later files still go as forms', async () => {
    const { log, posts } = formsStore((index) =>
      index === 3 ? HttpResponse.error() : new HttpResponse(null, { status: 204, headers: { ETag: '"e"' } }),
    );
    const files = Array.from({ length: 30 }, (_, index) => file(`f${index}.txt`, 100 + index));
    await uploadAll(files, { maxConcurrentRequests: 1 });
    expect(log.puts.map((put) => put.path)).toEqual(['/bucket/uploads/f3.txt']);
    expect(posts).toHaveLength(30);
    // Only the lost file was signed again, as a PUT.
    const withoutPost = log.calls.filter((call) => call.operation === 'presign-put' && !call.post);
    expect(withoutPost.flatMap((call) => (call.operation === 'presign-put' ? call.files.map((entry) => entry.name) : []))).toEqual([
      'f3.txt',
    ]);
  });

  it('a 501 to a PUT (a header the store does not implement) fails the file at once: not retried as transient', async () => {
    const { handlers } = fakeEndpoint();
    let puts = 0;
    server.use(
      http.put('http://s3.test/*', () => {
        puts++;
        return new HttpResponse(xml('NotImplemented', "Header 'x-amz-acl' with value 'public-read' not implemented"), { status: 501 });
      }),
      ...handlers,
    );
    const { uploader, batches } = start({ retry: { attempts: 6, baseDelayMs: 1, maxDelayMs: 1 } });
    uploader.addFiles([file('a.txt', 10)]);
    const [result] = await nextBatch(batches);
    expect(result?.error).toMatchObject({ code: 'storage_refused', status: 501, storageCode: 'NotImplemented', retryable: false });
    expect(puts).toBe(1);
  });
});

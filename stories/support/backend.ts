/**
 * A fake signing endpoint and a fake S3 bucket for the stories, served by MSW
 * in the browser, so every story runs without a server. The endpoint speaks
 * docs/protocol.md; the bucket answers PUTs (single and parts) with an ETag
 * it exposes to the page through `Access-Control-Expose-Headers`, as a real
 * bucket's CORS rule must.
 *
 * One instance (`backend`) is shared by a story file: each story's
 * `beforeEach` installs it with that story's behaviour. Presigned URLs carry
 * the story's generation, so a late PUT from an earlier story's uploader is
 * answered but never counted in this one's logs.
 */
import { HttpResponse, http } from 'msw';
import type { SetupWorker } from 'msw/browser';
import type { SignRequest } from '../../src/protocol/types.js';

/** Same-origin, as in the README: the app's own route. */
export const SIGN_URL = '/api/upload';
/** Another origin: the browser sends the bytes there, not to the app. */
export const STORAGE = 'https://bucket.s3.storage.test';

export const KiB = 1024;
export const MiB = 1024 * 1024;

export interface StoragePut {
  key: string;
  partNumber: number | null;
  bytes: number;
}

export interface BackendOptions {
  /** Hold storage PUTs (all, or those the predicate picks) until `release()`. */
  hold?: boolean | ((put: StoragePut) => boolean);
  /** Answer the first `times` signing calls with this HTTP status (then behave). */
  failSigning?: { status: number; times: number; body?: string };
  /** Milliseconds every storage PUT takes. */
  putDelayMs?: number;
}

export type BackendEvent =
  | { kind: 'sign'; operation: SignRequest['operation']; detail: string; status: number }
  | { kind: 'put'; key: string; partNumber: number | null; bytes: number; status: 'held' | 'stored' };

type Listener = () => void;

export class FakeBackend {
  calls: SignRequest[] = [];
  puts: StoragePut[] = [];
  /** What a person watching the network would see, newest last. */
  events: BackendEvent[] = [];
  #options: BackendOptions = {};
  #held: Array<() => void> = [];
  #holding = false;
  #listeners = new Set<Listener>();
  #uploads = 0;
  /** Requests of an earlier story (released by its cleanup) must not show up in this one's logs. */
  #generation = 0;

  /**
   * Resets the logs and makes `msw` answer as this backend with `options`.
   * PUTs an earlier story still holds stay held: releasing them would let that
   * story's uploader (unmounted, being destroyed) start its queued files here.
   */
  install(msw: SetupWorker, options: BackendOptions = {}): void {
    this.calls = [];
    this.puts = [];
    this.events = [];
    this.#uploads = 0;
    this.#options = options;
    this.#holding = options.hold !== undefined && options.hold !== false;
    this.#held = [];
    this.#generation++;
    msw.use(...this.#handlers(this.#generation));
    this.#emit();
  }

  /** Lets every held PUT (and every later one) through. */
  release(): void {
    this.#holding = false;
    const held = this.#held;
    this.#held = [];
    for (const resume of held) resume();
  }

  /** Number of PUTs waiting to be released. */
  get heldCount(): number {
    return this.#held.length;
  }

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  getEvents = (): BackendEvent[] => this.events;

  #emit(): void {
    this.events = [...this.events];
    for (const listener of this.#listeners) listener();
  }

  #log(generation: number, event: BackendEvent): void {
    if (generation !== this.#generation) return;
    this.events.push(event);
    this.#emit();
  }

  #handlers(generation: number) {
    const expiresAt = () => new Date(Date.now() + 600_000).toISOString();
    const keyFor = (name: string) => `uploads/${name}`;
    const urlFor = (key: string) => `${STORAGE}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const current = (url: URL) => url.searchParams.get('x-story') === String(generation) && generation === this.#generation;
    return [
      http.post(SIGN_URL, async ({ request }) => {
        const body = (await request.json()) as SignRequest;
        if (generation === this.#generation) this.calls.push(body);
        const failing = this.#options.failSigning;
        if (failing && this.calls.length <= failing.times) {
          this.#log(generation, { kind: 'sign', operation: body.operation, detail: describe(body), status: failing.status });
          return new HttpResponse(failing.body ?? 'Internal Server Error', { status: failing.status });
        }
        this.#log(generation, { kind: 'sign', operation: body.operation, detail: describe(body), status: 200 });
        switch (body.operation) {
          case 'presign-put':
            return HttpResponse.json({
              results: body.files.map((file) => ({
                ok: true,
                key: keyFor(file.name),
                token: '',
                url: `${urlFor(keyFor(file.name))}?x-story=${generation}&X-Amz-Signature=fake`,
                method: 'PUT',
                headers: { 'Content-Type': file.type || 'application/octet-stream' },
                expiresAt: expiresAt(),
              })),
            });
          case 'create-multipart':
            this.#uploads++;
            return HttpResponse.json({
              upload: { key: keyFor(body.file.name), uploadId: `upload-${this.#uploads}`, partSize: body.partSize, token: '' },
            });
          case 'sign-parts':
            return HttpResponse.json({
              parts: body.partNumbers.map((partNumber) => ({
                partNumber,
                url: `${urlFor(body.upload.key)}?partNumber=${partNumber}&uploadId=${body.upload.uploadId}&x-story=${generation}&X-Amz-Signature=fake`,
                method: 'PUT',
                headers: {},
                expiresAt: expiresAt(),
              })),
            });
          case 'list-parts':
            return HttpResponse.json({ parts: [] });
          case 'complete-multipart':
            return HttpResponse.json({ key: body.upload.key, etag: '"fake-multipart-etag"' });
          case 'abort-multipart':
            return HttpResponse.json({ aborted: true });
          case 'complete-put':
            return HttpResponse.json({ key: body.key });
        }
      }),
      http.put(`${STORAGE}/*`, async ({ request }) => {
        const url = new URL(request.url);
        const partNumber = url.searchParams.get('partNumber');
        const bytes = (await request.arrayBuffer()).byteLength;
        const put: StoragePut = {
          key: decodeURIComponent(url.pathname.slice(1)),
          partNumber: partNumber === null ? null : Number(partNumber),
          bytes,
        };
        if (!current(url))
          return new HttpResponse(null, { status: 200, headers: { ETag: '"stale"', 'Access-Control-Expose-Headers': 'ETag' } });
        this.puts.push(put);
        const hold = this.#options.hold;
        if (this.#holding && (typeof hold === 'function' ? hold(put) : hold)) {
          this.#log(generation, { kind: 'put', ...put, status: 'held' });
          await new Promise<void>((resolve) => {
            this.#held.push(resolve);
            this.#emit();
          });
        }
        if (this.#options.putDelayMs) await new Promise((resolve) => setTimeout(resolve, this.#options.putDelayMs));
        this.#log(generation, { kind: 'put', ...put, status: 'stored' });
        return new HttpResponse(null, {
          status: 200,
          headers: {
            ETag: `"etag-${this.puts.indexOf(put) + 1}"`,
            // Without this the page cannot read the ETag of a cross-origin PUT, and multipart fails.
            'Access-Control-Expose-Headers': 'ETag',
            'Access-Control-Allow-Origin': '*',
          },
        });
      }),
    ];
  }
}

function describe(request: SignRequest): string {
  switch (request.operation) {
    case 'presign-put':
      return request.files.length === 1 ? (request.files[0]?.name ?? '') : `${request.files.length} files`;
    case 'sign-parts':
      return `${request.file.name}, parts ${request.partNumbers.join(', ')}`;
    case 'complete-multipart':
      return `${request.file.name}, completed`;
    default:
      return request.file.name;
  }
}

export const backend = new FakeBackend();

/** A file of `size` zero bytes (or the given text) as the system's chooser would give it. */
export function makeFile(name: string, size: number, type = 'application/octet-stream'): File {
  return new File([new Uint8Array(size)], name, { type, lastModified: 1_700_000_000_000 });
}

/**
 * A real, decodable image (so the row's thumbnail shows), padded with zero
 * bytes after its end marker to `size` bytes: decoders ignore the padding.
 */
export async function makeImage(name: string, size: number, hue: number, type: 'image/jpeg' | 'image/png' = 'image/jpeg'): Promise<File> {
  const canvas = new OffscreenCanvas(96, 96);
  const context = canvas.getContext('2d') as OffscreenCanvasRenderingContext2D;
  const sky = context.createLinearGradient(0, 0, 0, 96);
  sky.addColorStop(0, `hsl(${hue} 70% 72%)`);
  sky.addColorStop(1, `hsl(${hue} 60% 45%)`);
  context.fillStyle = sky;
  context.fillRect(0, 0, 96, 96);
  context.fillStyle = `hsl(${(hue + 40) % 360} 80% 85%)`;
  context.beginPath();
  context.arc(68, 28, 12, 0, Math.PI * 2);
  context.fill();
  context.fillStyle = `hsl(${(hue + 180) % 360} 35% 28%)`;
  context.beginPath();
  context.moveTo(0, 96);
  context.lineTo(34, 50);
  context.lineTo(58, 76);
  context.lineTo(74, 60);
  context.lineTo(96, 96);
  context.fill();
  const image = await canvas.convertToBlob({ type, quality: 0.9 });
  return new File([image, new Uint8Array(Math.max(0, size - image.size))], name, { type, lastModified: 1_700_000_000_000 });
}

import type { ChecksumAlgorithm } from '../protocol/types.js';
import { digestWorkerMain } from './digest-worker.js';

type Digest = (algorithm: ChecksumAlgorithm, blob: Blob) => Promise<string>;

interface Pending {
  resolve: (value: string) => void;
  reject: (error: Error) => void;
}

/**
 * Computes base64 digests of file parts off the main thread, in one shared
 * Web Worker (hashing 8 MiB on the main thread freezes the page for tens of
 * ms per part). Where workers cannot be made (CSP without `worker-src blob:`,
 * Node, old browsers), the same code runs in place.
 */
class DigestService {
  #worker?: Worker;
  #failed = false;
  #nextId = 0;
  readonly #pending = new Map<number, Pending>();

  digest: Digest = (algorithm, blob) => {
    const worker = this.#getWorker();
    if (!worker) return inPlace(algorithm, blob);
    const id = this.#nextId++;
    return new Promise<string>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      worker.postMessage({ id, algorithm, blob });
    });
  };

  #getWorker(): Worker | undefined {
    if (this.#worker || this.#failed) return this.#worker;
    try {
      if (typeof Worker === 'undefined' || typeof URL.createObjectURL !== 'function') throw new Error('no workers');
      const source = `(${digestWorkerMain.toString()})()`;
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      const worker = new Worker(url);
      URL.revokeObjectURL(url);
      worker.onmessage = (event: MessageEvent<{ id: number; value?: string; error?: string }>) => {
        const pending = this.#pending.get(event.data.id);
        this.#pending.delete(event.data.id);
        if (event.data.value !== undefined) pending?.resolve(event.data.value);
        else pending?.reject(new Error(event.data.error ?? 'digest failed'));
      };
      worker.onerror = () => {
        // A worker the page's CSP blocks fails here: finish what is pending in place.
        this.#failed = true;
        this.#worker = undefined;
        worker.terminate();
        for (const pending of this.#pending.values()) pending.reject(new Error('digest worker failed'));
        this.#pending.clear();
      };
      this.#worker = worker;
    } catch {
      this.#failed = true;
    }
    return this.#worker;
  }
}

let fallback: Digest | undefined;
function inPlace(algorithm: ChecksumAlgorithm, blob: Blob): Promise<string> {
  if (!fallback) {
    digestWorkerMain();
    fallback = (globalThis as unknown as { __s3DirectUploadDigest: Digest }).__s3DirectUploadDigest;
  }
  return fallback(algorithm, blob);
}

let service: DigestService | undefined;

/** Base64 digest of `blob` (MD5, SHA-256 or CRC32), computed in a Web Worker where possible. */
export async function computeDigest(algorithm: ChecksumAlgorithm, blob: Blob): Promise<string> {
  service ??= new DigestService();
  try {
    return await service.digest(algorithm, blob);
  } catch {
    return inPlace(algorithm, blob);
  }
}

import type { UploadError } from '../protocol/errors.js';

/**
 * Whether small files go up as S3 POST Object forms, for one uploader
 * session. Stores without POST Object (Cloudflare R2, Backblaze B2) refuse
 * every form, always; the signer's store table normally keeps it from handing
 * them out, but a signer that does not know its store (a custom endpoint, a
 * server of the app's own) still does. Retrying such a form as if the store
 * were briefly down costs each file its whole retry budget and then fails it
 * (measured on #11: 0 of 300 files, 1,800 requests, 111 s). So the first
 * refusal turns forms off for the rest of the session: the refused file is
 * re-signed as a PUT at once, files already holding a form URL re-sign before
 * sending it, and later files are signed as PUTs from the start.
 *
 * A store may also refuse a form with no CORS headers (R2's own CORS example
 * allows only PUT and GET), and a bucket rule without POST hides even a
 * success: the page sees a network error either way. A form that fails so
 * before any form of the session has worked is taken for the same refusal:
 * forms go off (a network blip at that moment costs only the preflights of
 * PUTs). That file's retry, counted as one since it may be a real network
 * failure, goes by PUT.
 */
export class FormPostPolicy {
  readonly #maxSize: number;
  #refused = false;
  #worked = false;

  /** Files up to `maxSize` bytes may go as forms; 0 (or less) never. */
  constructor(maxSize: number) {
    this.#maxSize = maxSize;
  }

  /** A file of `size` bytes may be signed as a form POST. */
  allows(size: number): boolean {
    return !this.#refused && size <= this.#maxSize && this.#maxSize > 0;
  }

  /** The store said it has no POST Object: every later file goes by PUT. */
  refuse(): void {
    this.#refused = true;
  }

  /** A form POST stored its file: forms work here, and a later unreadable failure is the network's. */
  stored(): void {
    this.#worked = true;
  }

  /** A form POST got no answer the page could read: before any form has worked, no more forms. */
  unreadable(): void {
    if (!this.#worked) this.#refused = true;
  }
}

/**
 * The store's answer to a form POST says it does not implement POST Object.
 * R2 answers `501 NotImplemented` (some report a 400 whose code or message
 * says so), B2 `501` "Backblaze B2 does not support this API call." A 501 is
 * by definition no passing condition; nothing about the form would differ on
 * a retry.
 */
export function isFormPostUnsupported(error: UploadError): boolean {
  if (error.code !== 'storage_refused') return false;
  if (error.status === 501 || error.storageCode === 'NotImplemented') return true;
  return error.status === 400 && /not (yet )?(implemented|supported)|does not support/i.test(error.message);
}

import { BasePlugin, type Body, type Meta, type PluginOpts, type Uppy } from '@uppy/core';
import { S3UploadPlugin, type UploadBody, type UploadMeta } from '../engine/plugin.js';
import { isPersisted, type TransferOptions, transferSettings } from '../engine/transfer-options.js';
import { SignClient } from '../protocol/client.js';
import { checkOptions } from './options.js';

/**
 * Options of {@link S3DirectUpload}: the transfer options every host of the
 * engine takes (`signUrl` and the endpoint's `headers`, `credentials` and
 * `timeoutMs`; part size, thresholds, concurrency, retries, checksums,
 * persist — their defaults as in the README), plus Uppy's `id` and `locale`.
 */
export interface S3DirectUploadOptions extends TransferOptions, PluginOpts {}

/**
 * What a finished upload leaves on the Uppy file, as `file.response.body`
 * (and the `response` of Uppy's `upload-success` event): the object key the
 * signing endpoint chose, and the object's ETag when the store gave one.
 * Declare your Uppy as `new Uppy<Meta, S3DirectUploadBody>()` to have it typed.
 */
export interface S3DirectUploadBody extends Record<string, unknown> {
  /** The object's key in the bucket. */
  key: string;
  /** The object's ETag, as the store returned it. */
  etag?: string;
}

/**
 * An Uppy uploader plugin that sends files straight to S3 (or any
 * S3-compatible store) with URLs presigned by your server: a drop-in for
 * `@uppy/aws-s3` that keeps Uppy's Dashboard, Webcam, ImageEditor and the
 * rest.
 *
 * ```ts
 * const uppy = new Uppy().use(Dashboard, { inline: true, target: '#uploader' });
 * uppy.use(S3DirectUpload, { signUrl: '/api/upload' });
 * ```
 *
 * Small files go up as one presigned PUT or S3 form POST, larger ones
 * (above `multipartThreshold`, 16 MiB by default) as multipart uploads that
 * your endpoint creates, completes and aborts, their parts sent in
 * parallel. Uppy's lifecycle drives it: pause and resume (multipart files
 * continue from the parts already stored), `removeFile` and `cancelAll`
 * stop the transfer and abort the multipart upload on the server,
 * `retryUpload` and `retryAll` send only what is missing. Each file's
 * string `meta` values go to the signer as its metadata.
 *
 * The server side is `createSignHandler()` from `s3-direct-upload/server`,
 * or any endpoint speaking docs/protocol.md.
 *
 * @typeParam M - The Uppy instance's file metadata type.
 * @typeParam B - The Uppy instance's response body type; the plugin sets {@link S3DirectUploadBody}.
 */
export class S3DirectUpload<M extends Meta = Meta, B extends Body = Body> extends BasePlugin<S3DirectUploadOptions, M, B> {
  readonly #client: SignClient;
  /** The transfer engine's plugin, installed and uninstalled with this one; it keeps each file's outcome on the Uppy file. */
  readonly #engine: S3UploadPlugin;
  readonly #persisted: boolean;

  /**
   * Called by `uppy.use(S3DirectUpload, options)`.
   * @throws TypeError naming the option, when an option is unknown or has a value it cannot take.
   */
  constructor(uppy: Uppy<M, B>, options: S3DirectUploadOptions) {
    const checked = checkOptions(options);
    super(uppy, checked);
    this.id = checked.id ?? 'S3DirectUpload';
    this.type = 'uploader';
    this.#client = new SignClient(checked);
    this.#persisted = isPersisted(checked);
    // The engine reads only string meta values and sets `{ key, etag }` as the body: it serves any M and B.
    this.#engine = new S3UploadPlugin(uppy as unknown as Uppy<UploadMeta, UploadBody>, {
      ...transferSettings(checked, this.#client),
      id: this.id,
    });
  }

  /**
   * Takes new options after `use`: the endpoint's (`signUrl`, `headers`,
   * `credentials`, `timeoutMs`, `maxBatchSize`) and `locale` apply to the
   * next request. Transfer settings (part size, thresholds, concurrency,
   * retries, checksum, persist) are read once, at `use`.
   * @throws TypeError naming the option, as the constructor does; or for a transfer setting changed after `use`.
   */
  override setOptions(options: Partial<S3DirectUploadOptions>): void {
    const next = checkOptions({ ...this.opts, ...options });
    for (const name of Object.keys(options) as Array<keyof S3DirectUploadOptions>) {
      if (!ENDPOINT_OPTIONS.has(name) && options[name] !== this.opts[name]) {
        throw new TypeError(`S3DirectUpload: \`${name}\` is read once, at uppy.use(); make a new Uppy to change it.`);
      }
    }
    super.setOptions(next);
    this.#client.setOptions(next);
  }

  /** Called by Uppy's `use`: registers the uploader and follows the browser's network and the page's life. */
  override install(): void {
    this.#engine.install();
    this.uppy.on('is-offline', this.#onOffline);
    this.uppy.on('is-online', this.#onOnline);
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.#onPageHide);
    // Multipart uploads a previous page left open and nobody came back for are aborted.
    if (this.#persisted) void this.#engine.purgeExpiredResumable();
  }

  /** Called by Uppy's `removePlugin` and `destroy`: stops running transfers and lets go of the page. */
  override uninstall(): void {
    this.uppy.off('is-offline', this.#onOffline);
    this.uppy.off('is-online', this.#onOnline);
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.#onPageHide);
    this.#engine.uninstall();
  }

  /** Offline: running files pause (requests would only fail) and resume when the browser is back; files the user paused stay paused. */
  #onOffline = () => this.#engine.pauseForOffline();
  #onOnline = () => this.#engine.resumeAfterOffline();
  /** Leaving the page: with `persist`, open multipart uploads stay open for the next visit; without, they are aborted. */
  #onPageHide = () => (this.#persisted ? this.#engine.prepareToLeave() : this.#engine.abortAllMultipart());
}

/** Options that may change after `use`: they are read on every call to the signing endpoint. */
const ENDPOINT_OPTIONS = new Set<keyof S3DirectUploadOptions>(['signUrl', 'headers', 'credentials', 'timeoutMs', 'maxBatchSize', 'locale']);

import { BasePlugin, type PluginOpts, type Uppy } from '@uppy/core';
import { filterFilesToEmitUploadStarted, filterFilesToUpload } from '@uppy/core/utils';
import { isCanceled, onAbort, UploadError } from '../protocol/errors.js';
import type { FileContext, MultipartHandle } from '../protocol/types.js';
import { outcomeOf, outcomePatch } from './file-state.js';
import { FileTask, type MultipartEntry, type StopReason } from './file-task.js';
import type { ResumeRecord, ResumeStore } from './resume-store.js';
import { TimeSlicer } from './time-slice.js';
import { TransferEngine, type TransferSettings } from './transfer-engine.js';
import { browserSend } from './xhr.js';

/** Metadata kept on each Uppy file; string values go to the signer as the file's metadata. */
export type UploadMeta = Record<string, unknown>;
/** What a finished upload leaves on the Uppy file (`file.response.body`). */
export interface UploadBody extends Record<string, unknown> {
  key: string;
  etag?: string;
}

export interface S3UploadPluginOptions extends PluginOpts, TransferSettings {
  /** Remember multipart uploads across reloads here; absent, a reload aborts them. */
  persist?: { store: ResumeStore; maxAgeMs?: number };
}

/**
 * The transfer as an uploader plugin on @uppy/core: Uppy keeps the files and
 * their state (each file's outcome on the file itself, file-state.ts) and runs
 * the upload lifecycle; this plugin moves the bytes through the transfer
 * engine, one FileTask per file (docs/decisions/0001-engine.md).
 */
export class S3UploadPlugin extends BasePlugin<S3UploadPluginOptions, UploadMeta, UploadBody> {
  readonly #engine: TransferEngine;
  /** A task per file from its first start until it is stored, canceled or removed. */
  readonly #tasks = new Map<string, FileTask>();
  /** Set while the uploader is torn down (unmount, reload): uploads stay open to be resumed. */
  #leaving = false;
  #sequence = 0;

  constructor(uppy: Uppy<UploadMeta, UploadBody>, options: S3UploadPluginOptions) {
    super(uppy, options);
    this.id = options.id ?? 'S3DirectUpload';
    this.type = 'uploader';
    this.#engine = new TransferEngine(options, browserSend);
  }

  override install(): void {
    const { capabilities } = this.uppy.getState();
    this.uppy.setState({ capabilities: { ...capabilities, resumableUploads: true, individualCancellation: true } });
    this.uppy.addUploader(this.#upload);
    this.#hear('on');
  }

  override uninstall(): void {
    this.uppy.removeUploader(this.#upload);
    this.#hear('off');
    for (const task of this.#tasks.values()) task.stop('destroy');
  }

  /** Starts or stops listening to the Uppy events the plugin follows. */
  #hear(method: 'on' | 'off'): void {
    const uppy = this.uppy;
    uppy[method]('file-removed', this.#onFileRemoved);
    uppy[method]('upload-pause', this.#onPause);
    uppy[method]('pause-all', this.#onPauseAll);
    uppy[method]('resume-all', this.#onResumeAll);
    uppy[method]('upload-retry', this.#onRetry);
    uppy[method]('retry-all', this.#onRetryAll);
  }

  /** Stops a file's transfer, aborts its multipart upload on the server and marks it canceled; `retry` starts it again. */
  cancel(fileId: string): void {
    if (!this.uppy.getFile(fileId)) return;
    if (this.#tasks.get(fileId)?.stop('cancel')) return;
    // Not running (failed, or queued in a batch still starting): nothing to stop, only leftovers to clean.
    this.#discardMultipart(fileId);
    this.#markCanceled(fileId);
  }

  #onFileRemoved = (file: { id: string } | undefined) => {
    if (!file) return;
    const task = this.#tasks.get(file.id);
    if (this.#leaving && this.opts.persist) {
      task?.stop('destroy');
      return;
    }
    if (!task?.stop('remove')) this.#discardMultipart(file.id);
  };

  #onPause = (file: { id: string } | undefined, isPaused: boolean) => {
    if (!file) return;
    if (isPaused) this.#tasks.get(file.id)?.stop('pause');
    else this.#tasks.get(file.id)?.resume();
  };

  #onPauseAll = () => {
    for (const task of this.#tasks.values()) task.stop('pause');
  };

  #onResumeAll = () => {
    for (const task of this.#tasks.values()) task.resume();
  };

  #onRetry = (file: { id: string }) => this.#forgetOutcome(file.id);
  #onRetryAll = (files: Array<{ id: string }>) => {
    for (const file of files) this.#forgetOutcome(file.id);
  };

  #upload = async (fileIds: string[]): Promise<void> => {
    // As Uppy's own uploaders do: a session Golden Retriever restored hands over its finished files too
    // (never sent again), and files it had started were announced before the reload.
    const files = filterFilesToUpload(fileIds.map((id) => this.uppy.getFile(id)).filter((file) => file !== undefined));
    this.uppy.emit('upload-start', filterFilesToEmitUploadStarted(files));
    // Each file's start runs until its first wait; a thousand of them are started in time slices, never in one long task.
    const slicer = new TimeSlicer();
    const running: Array<Promise<void>> = [];
    for (const file of files) {
      if (slicer.due()) await slicer.next();
      running.push(this.#uploadFile(file.id));
    }
    await Promise.all(running);
  };

  async #uploadFile(fileId: string): Promise<void> {
    const file = this.uppy.getFile(fileId);
    // Removed, or canceled while the batch was still starting: it stays so.
    if (!file || outcomeOf(file)?.canceled) return;
    const task = this.#tasks.get(fileId) ?? new FileTask(fileId);
    this.#tasks.set(fileId, task);
    task.priority = this.#sequence++;
    task.running = true;
    task.reason = undefined;
    task.controller = new AbortController();
    try {
      for (;;) {
        const current = this.uppy.getFile(fileId);
        // Removed (Uppy drops the file before `file-removed`): on to the clean-up below, which aborts its multipart upload.
        if (!current) break;
        // Uppy's own pause flag starts a pause — but never puts one back over a cancel or removal,
        // which clear the flag only after this loop has seen them.
        if (current.isPaused && !task.reason) task.reason = 'pause';
        if (task.reason === 'pause') {
          await task.waitWhilePaused();
          continue;
        }
        if (task.reason) break;
        // A ghost (Golden Retriever restored it without its bytes) has nothing to send: it waits until the user adds it again.
        if (current.isGhost) {
          await this.#untilAddedAgain(task);
          continue;
        }
        // (Re)started: queued until one of its requests has a connection.
        if (outcomeOf(current)) this.uppy.setFileState(fileId, outcomePatch(undefined));
        try {
          const body = await this.#transfer(task);
          this.#forgetResumable(task.multipart);
          this.#tasks.delete(fileId);
          const stored = this.uppy.getFile(fileId);
          if (stored) this.uppy.emit('upload-success', stored, { status: 200, body });
          return;
        } catch (error) {
          if (isCanceled(error) && (task.reason || task.controller.signal.aborted)) {
            // Paused and resumed before the stopped requests finished failing: go on with a fresh controller.
            if (!task.reason) task.controller = new AbortController();
            continue;
          }
          this.#fail(fileId, error);
          return;
        }
      }
      // Stopped for good: cancel, removal or destroy. Leaving the page keeps resumable uploads open.
      // `stop` sets the reason while the loop awaits: read it as declared, not as narrowed in the loop.
      const reason = task.reason as StopReason | undefined;
      if (reason === 'cancel') this.#markCanceled(fileId);
      if (reason === 'destroy' && this.#leaving && this.opts.persist) this.#tasks.delete(fileId);
      else this.#discardMultipart(fileId);
    } finally {
      task.running = false;
    }
  }

  /** Resolves when Uppy gives the ghost its bytes back (the same file added again), or when the task is stopped. */
  #untilAddedAgain(task: FileTask): Promise<void> {
    const signal = task.controller.signal;
    return new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const done = () => {
        this.uppy.off('file-added', onAdded);
        unlisten();
        resolve();
      };
      const onAdded = (file: { id: string }) => {
        if (file.id === task.id) done();
      };
      this.uppy.on('file-added', onAdded);
      const unlisten = onAbort(signal, done);
    });
  }

  async #transfer(task: FileTask): Promise<UploadBody> {
    const fileId = task.id;
    const file = this.uppy.getFile(fileId);
    if (!file || file.isRemote || !file.data) {
      throw new UploadError({ code: 'file_unreadable', message: 'The file is no longer available to this page.', retryable: false });
    }
    const data = file.data;
    task.multipart ??= { file: fileContext(file.name ?? 'file', data, file.meta) };
    const entry = task.multipart;
    if (this.#engine.isMultipart(data.size) && !entry.current && this.opts.persist) await this.#restore(entry, data, file.name ?? 'file');
    const result = await this.#engine.run({
      data,
      file: entry.file,
      priority: task.priority,
      signal: task.controller.signal,
      multipart: entry,
      onCreated: (upload) => this.#remember(entry, upload),
      reported: file.progress.bytesUploaded || 0,
      onSending: () => {
        const current = this.uppy.getFile(fileId);
        if (current && !outcomeOf(current)) this.uppy.setFileState(fileId, outcomePatch({ sending: true }));
      },
      onProgress: (bytesUploaded) => {
        const current = this.uppy.getFile(fileId);
        if (!current) return;
        this.uppy.emit('upload-progress', current, {
          uploadStarted: current.progress.uploadStarted ?? Date.now(),
          bytesUploaded,
          bytesTotal: data.size,
        });
      },
    });
    return { ...result };
  }

  #fail(fileId: string, error: unknown): void {
    const uploadError =
      error instanceof UploadError
        ? error
        : new UploadError({
            code: 'internal_error',
            message: messageOf(error),
            retryable: true,
            cause: error,
          });
    if (!this.uppy.getFile(fileId)) return;
    this.uppy.setFileState(fileId, outcomePatch({ error: uploadError }));
    // Uppy records its own (string) error and tells every listener.
    this.uppy.emit('upload-error', this.uppy.getFile(fileId), uploadError);
  }

  #markCanceled(fileId: string): void {
    if (!this.uppy.getFile(fileId)) return;
    // No Uppy `error`: Uppy would retry the file at the next `upload()`; a canceled file waits for `retry`.
    this.uppy.setFileState(fileId, { ...outcomePatch({ canceled: true }), error: null, isPaused: false });
  }

  #forgetOutcome(fileId: string): void {
    const file = this.uppy.getFile(fileId);
    if (file && outcomeOf(file)) this.uppy.setFileState(fileId, outcomePatch(undefined));
  }

  /**
   * Picks up a multipart upload a previous page left open for this same file
   * (same fingerprint): lists the parts already stored and keeps those whose
   * size is right, so only the rest is sent.
   */
  async #restore(entry: MultipartEntry, data: Blob, name: string): Promise<void> {
    const store = this.opts.persist?.store;
    if (!store) return;
    try {
      // Loaded with the first multipart file, like the multipart code itself.
      const { restoreEntry } = await import('./resume-restore.js');
      const maxAgeMs = this.opts.persist?.maxAgeMs ?? DEFAULT_PERSIST_MAX_AGE_MS;
      await restoreEntry(entry, data, name, store, this.opts.client, maxAgeMs, (file, upload) => this.#abort(file, upload));
    } catch (error) {
      // Gone, aborted elsewhere, or from another signer secret: upload fresh.
      if (entry.fingerprint) await store.delete(entry.fingerprint).catch(() => undefined);
      this.uppy.log(`Not resuming ${name}: ${messageOf(error)}`, 'warning');
    }
  }

  #remember(entry: MultipartEntry, upload: MultipartHandle): void {
    const store = this.opts.persist?.store;
    if (!store || !entry.fingerprint) return;
    void store.put({ fingerprint: entry.fingerprint, file: entry.file, upload, createdAt: Date.now() }).catch(() => undefined);
  }

  #forgetResumable(entry: MultipartEntry | undefined): void {
    if (entry?.fingerprint) void this.opts.persist?.store.delete(entry.fingerprint).catch(() => undefined);
  }

  /** Aborts uploads remembered for longer than `maxAgeMs`: nobody came back for them. */
  async purgeExpiredResumable(): Promise<void> {
    const store = this.opts.persist?.store;
    if (!store) return;
    const maxAge = this.opts.persist?.maxAgeMs ?? DEFAULT_PERSIST_MAX_AGE_MS;
    const records: unknown = await store.all().catch(() => []);
    // A store (an app's own, or one another version wrote) may answer anything: only a list is read.
    for (const record of Array.isArray(records) ? (records as Array<Partial<ResumeRecord> | null>) : []) {
      // A record another version wrote, or one tampered with, has no age to trust: it goes, unread.
      const age = Date.now() - (record?.createdAt as number);
      if (age <= maxAge) continue;
      await store.delete(record?.fingerprint as string).catch(() => undefined);
      if (age > maxAge && record?.file && record.upload) await this.#abort(record.file, record.upload);
    }
  }

  /** The uploader is being torn down (unmount or reload): resumable uploads stay open. */
  prepareToLeave(): void {
    this.#leaving = true;
  }

  #abort(file: FileContext, upload: MultipartHandle): Promise<void> {
    return this.#engine.abort(file, upload).catch((error: unknown) => {
      this.uppy.log(`Could not abort the multipart upload of ${upload.key}: ${messageOf(error)}`, 'warning');
    });
  }

  /** Forgets the file's task and aborts its multipart upload on the server, if it has one; failures are reported, never thrown. */
  #discardMultipart(fileId: string): void {
    const entry = this.#tasks.get(fileId)?.multipart;
    this.#tasks.delete(fileId);
    this.#forgetResumable(entry);
    const upload = entry?.current?.upload;
    if (entry && upload) void this.#abort(entry.file, upload);
  }

  /** The browser went offline: pause every running file (in-flight requests would only fail). */
  pauseForOffline(): void {
    for (const task of this.#tasks.values()) {
      if (!task.running || task.reason) continue;
      task.offline = true;
      this.uppy.setFileState(task.id, { isPaused: true });
      task.stop('pause');
    }
  }

  /** The browser is back online: resume what going offline paused, and nothing the user paused. */
  resumeAfterOffline(): void {
    for (const task of this.#tasks.values()) {
      if (!task.offline) continue;
      if (this.uppy.getFile(task.id)) this.uppy.setFileState(task.id, { isPaused: false });
      task.resume();
    }
  }

  /** Aborts every multipart upload still open (page unload without resume). */
  abortAllMultipart(): void {
    for (const task of this.#tasks.values()) task.stop('destroy');
    for (const fileId of [...this.#tasks.keys()]) this.#discardMultipart(fileId);
  }
}

/** Remembered multipart uploads older than this are aborted rather than resumed. */
export /** An error's message, or the thrown value in words. */
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const DEFAULT_PERSIST_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** The file context sent to the signer: what it needs to choose a key and enforce limits. */
export function fileContext(name: string, data: Blob, meta: UploadMeta): FileContext {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(meta)) {
    // Uppy keeps its own bookkeeping in meta; the signer gets only what the app set.
    if (key === 'name' || key === 'type' || key === 'relativePath') continue;
    if (typeof value === 'string') metadata[key] = value;
  }
  return {
    name,
    size: data.size,
    type: data.type,
    ...(data instanceof File ? { lastModified: data.lastModified } : {}),
    ...(Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

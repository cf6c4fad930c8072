/// <reference lib="esnext.disposable" preserve="true" />
// @uppy/core's types use Symbol.dispose: with this, an app type-checking its libraries (skipLibCheck: false) needs no lib setting of its own.
import type { Uppy, UppyFile } from '@uppy/core';
import { SignClient } from '../protocol/client.js';
import { UploadError } from '../protocol/errors.js';
import { checkUploaderOptions } from './check-options.js';
import { EngineUppy } from './engine-uppy.js';
import { type FileStatus, fileStatus, outcomeOf } from './file-state.js';
import { S3UploadPlugin, type UploadBody, type UploadMeta } from './plugin.js';
import { checkRestrictions, type RejectedFile, type Restrictions } from './restrictions.js';
import { SPEED_TICK_MS, SpeedMeter } from './speed-meter.js';
import { TimeSlicer } from './time-slice.js';
import { isPersisted, type TransferOptions, transferSettings } from './transfer-options.js';

export interface UploaderOptions extends TransferOptions, Restrictions {
  /** Start uploading as soon as files are added. Default true. */
  autoUpload?: boolean;
  /** Application metadata sent to the signer with each file. */
  metadata?: Record<string, string> | ((file: File | Blob) => Record<string, string>);
  /** Called for each file added to the list. */
  onFileAdded?: (file: UploadFile) => void;
  /** Called for each file the restrictions refused, with the rule and its limit. */
  onFileRejected?: (rejection: RejectedFile) => void;
  /** Called as a file's progress moves (at most every 100 ms per file). */
  onProgress?: (file: UploadFile, totals: UploadTotals) => void;
  /** Called when one file has uploaded. */
  onFileComplete?: (result: FileResult) => void;
  /** Called when one file failed (after retries) or was canceled. */
  onFileError?: (result: FileResult) => void;
  /** Called once per batch, when every file of it has finished, failed or been canceled. */
  onComplete?: (results: FileResult[]) => void;
}

export type { FileStatus } from './file-state.js';

/** One file as the UI sees it. Objects are replaced, never mutated, when the file changes. */
export interface UploadFile {
  id: string;
  name: string;
  size: number;
  type: string;
  data: File | Blob;
  status: FileStatus;
  bytesUploaded: number;
  /** Between 0 and 1. */
  progress: number;
  /** The object key the server chose, once uploaded. */
  key?: string;
  error?: UploadError;
  /** Smoothed upload speed, bytes per second, while uploading and bytes move. */
  speed?: number;
  /** Seconds left at the smoothed speed, while uploading and bytes move. */
  eta?: number;
  /** Uploading, but no bytes have moved for 3 s (a held connection): no speed or time left is claimed. A file whose turn has not come is `queued`, never waiting. */
  waiting?: true;
}

export interface UploadTotals {
  files: number;
  bytesTotal: number;
  bytesUploaded: number;
  /** Between 0 and 1, over the files that are queued, uploading, paused or complete. */
  progress: number;
  /** Files sending: a request of theirs has a connection (files of the batch waiting their turn are `queued`). */
  uploading: number;
  complete: number;
  failed: number;
  /** Bytes per second over all uploading files. */
  speed: number;
  /** Seconds left for everything, at that speed; undefined while unknown. */
  eta?: number;
  /** Files are uploading and not one has moved bytes for 3 s. */
  waiting: boolean;
}

export interface UploaderSnapshot {
  files: readonly UploadFile[];
  totals: UploadTotals;
  /** A batch is running: files are sending, or waiting their turn for a connection. */
  isUploading: boolean;
  /** The browser is offline; running uploads are paused and resume by themselves when it is back. */
  isOffline: boolean;
  /** Files refused by the restrictions, most recent first (up to 20), until dismissed. */
  rejected: readonly RejectedFile[];
}

interface FileResultBase {
  id: string;
  name: string;
  size: number;
}

/**
 * How one file of a batch ended. A union on `status`, so
 * `results.filter((r) => r.status === 'complete').map((r) => r.key)` is a `string[]`.
 */
export type FileResult =
  | (FileResultBase & { status: 'complete'; key: string; error?: undefined })
  | (FileResultBase & { status: 'error'; key?: undefined; error: UploadError })
  | (FileResultBase & { status: 'canceled'; key?: undefined; error?: UploadError });

export interface AddFilesResult {
  added: string[];
  rejected: RejectedFile[];
}

type Listener = () => void;

/**
 * The framework-free uploader: add files, upload them to S3 through the
 * app's signing endpoint, and observe a snapshot (`subscribe` / `getSnapshot`,
 * the shape React's useSyncExternalStore expects).
 */
export class Uploader {
  #uppy: Uppy<UploadMeta, UploadBody> | undefined;
  #pluginInstance: S3UploadPlugin | undefined;
  #options: UploaderOptions;
  readonly #client: SignClient;
  readonly #listeners = new Set<Listener>();
  readonly #fileCache = new WeakMap<object, { tick: number; value: UploadFile }>();
  #snapshot: UploaderSnapshot;
  #offline = false;
  #stale = false;
  #lastNotify = 0;
  #notifyTimer: ReturnType<typeof setTimeout> | undefined;
  #rejected: RejectedFile[] = [];
  #persisted = false;
  /** Files accepted and not yet in Uppy (identity → size): counted by the restrictions of files added meanwhile. */
  readonly #joining = new Map<string, number>();
  /** Moves on at `removeAll` and `destroy`: files still joining the list stop joining. */
  #generation = 0;
  readonly #speeds = new SpeedMeter();
  /** Counts speed ticks: while files upload, their speed is looked at every second even when no bytes move. */
  #tick = 0;
  #tickTimer: ReturnType<typeof setTimeout> | undefined;
  #onOffline = () => {
    this.#offline = true;
    this.#plugin.pauseForOffline();
    this.#onStateUpdate();
  };
  #onOnline = () => {
    this.#offline = false;
    this.#plugin.resumeAfterOffline();
    this.#onStateUpdate();
  };

  /**
   * A pure constructor: nothing is listened to and nothing is requested until
   * first use, a `subscribe` or `addFiles` (so a React StrictMode double
   * render leaks nothing).
   * @throws TypeError naming the option, when an option has a value it cannot take.
   */
  constructor(options: UploaderOptions) {
    checkUploaderOptions(options);
    this.#options = options;
    this.#client = new SignClient(options);
    this.#persisted = isPersisted(options);
    this.#snapshot = this.#computeSnapshot();
  }

  /**
   * The Uppy instance underneath, for what this API does not cover. Made on
   * first use (a subscriber, a file, an action): Uppy's constructor listens
   * to the page, and an uploader nobody uses must leave nothing behind.
   */
  get uppy(): Uppy<UploadMeta, UploadBody> {
    if (!this.#uppy) {
      const uppy = new EngineUppy<UploadMeta, UploadBody>({
        autoProceed: false,
        allowMultipleUploadBatches: true,
        // Failures reach the app through state and callbacks; the console stays quiet.
        logger: { debug: () => {}, warn: () => {}, error: () => {} },
      });
      uppy.use(S3UploadPlugin, transferSettings(this.#options, this.#client));
      this.#uppy = uppy;
      this.#pluginInstance = uppy.getPlugin<S3UploadPlugin>('S3DirectUpload');
      this.#follow(uppy, 'on');
    }
    return this.#uppy;
  }

  /** Starts or stops hearing the Uppy events the snapshot and the callbacks follow. */
  #follow(uppy: Uppy<UploadMeta, UploadBody>, method: 'on' | 'off'): void {
    uppy[method]('state-update', this.#onStateUpdate);
    uppy[method]('upload-success', this.#onUploadSuccess);
    uppy[method]('upload-error', this.#onUploadError);
    uppy[method]('upload-progress', this.#onUploadProgress);
    uppy[method]('complete', this.#onComplete);
  }

  get #plugin(): S3UploadPlugin {
    if (!this.#pluginInstance) void this.uppy;
    return this.#pluginInstance as S3UploadPlugin;
  }

  /** Leaving the page: resumable uploads stay open (remembered, and aborted if nobody comes back within maxAgeMs); without `persist` they are aborted now. */
  #onPageHide = () => (this.#persisted ? this.#plugin.prepareToLeave() : this.#plugin.abortAllMultipart());
  #attached = false;

  /**
   * Side effects start with first use — a subscriber or a file added — and
   * end with `destroy`: the page's events, and the clean-up of expired
   * resumable uploads.
   */
  #listen(on: boolean): void {
    if (on === this.#attached) return;
    this.#attached = on;
    if (on && this.#persisted) void this.#plugin.purgeExpiredResumable();
    if (typeof window === 'undefined') return;
    const method = on ? 'addEventListener' : 'removeEventListener';
    window[method]('pagehide', this.#onPageHide);
    window[method]('offline', this.#onOffline);
    window[method]('online', this.#onOnline);
    if (on && navigator.onLine === false && !this.#offline) this.#onOffline();
  }

  /**
   * Takes new options while files are in the list (a React hook calls it on
   * every render): the endpoint (`signUrl`, `headers`, `credentials`,
   * `timeoutMs`), the restrictions, `metadata`, `autoUpload` and every
   * callback follow at once. Transfer settings (part size, thresholds,
   * concurrency, retry, checksum, persist) are read when the uploader is made.
   * @throws TypeError naming the option, as the constructor does.
   */
  setOptions(options: UploaderOptions): void {
    checkUploaderOptions(options);
    this.#options = options;
    this.#client.setOptions(options);
  }

  subscribe = (listener: Listener): (() => void) => {
    this.#listeners.add(listener);
    this.#listen(true);
    return () => this.#listeners.delete(listener);
  };

  /** The current state. Recomputed lazily: many Uppy updates in a burst cost one snapshot. */
  getSnapshot = (): UploaderSnapshot => {
    if (this.#stale) {
      this.#stale = false;
      this.#snapshot = this.#computeSnapshot();
    }
    return this.#snapshot;
  };

  /**
   * Adds files; resolves with the ids added and each file the restrictions
   * refused, with the reason. Refusals are decided (and `onFileRejected`
   * called) at once; the accepted files join the list in time slices, so
   * adding a thousand never holds the page for a long task. Starts them when
   * `autoUpload`, once all are in the list.
   */
  addFiles(files: Iterable<File | Blob> | ArrayLike<File | Blob>): Promise<AddFilesResult> {
    this.#listen(true);
    const { accepted, rejected } = this.#screen(Array.from(files));
    if (rejected.length > 0) {
      this.#rejected = [...rejected, ...this.#rejected].slice(0, MAX_REMEMBERED_REJECTIONS);
      for (const rejection of rejected) this.#options.onFileRejected?.(rejection);
      this.#onStateUpdate();
    }
    return this.#admit(accepted).then((added) => {
      if (added.length > 0 && (this.#options.autoUpload ?? true)) void this.start();
      return { added, rejected };
    });
  }

  /** Restrictions and duplicates, counting the files in the list and those still joining it. */
  #screen(files: Array<File | Blob>): { accepted: FileToAdd[]; rejected: RejectedFile[] } {
    const listed = this.#uppy?.getFiles() ?? [];
    const joining = this.#joining;
    const current = {
      count: listed.length + joining.size,
      bytes: listed.reduce((sum, file) => sum + (file.size ?? 0), 0) + [...joining.values()].reduce((sum, size) => sum + size, 0),
    };
    const seen = new Set([...listed.map((file) => identity(file.name ?? '', file.data as Blob)), ...joining.keys()]);
    const accepted: FileToAdd[] = [];
    const rejected: RejectedFile[] = [];
    for (const data of files) {
      const name = data instanceof File ? data.name : 'blob';
      const key = identity(name, data);
      const broken = seen.has(key)
        ? { name, rule: 'duplicate' as const, reason: `${name} is already in the list.` }
        : checkRestrictions(data, name, this.#options, current);
      if (broken) {
        rejected.push({ file: data, ...broken });
        continue;
      }
      seen.add(key);
      joining.set(key, data.size);
      current.count++;
      current.bytes += data.size;
      const metadata = typeof this.#options.metadata === 'function' ? this.#options.metadata(data) : this.#options.metadata;
      accepted.push({ key, descriptor: { name, type: data.type, data, meta: { ...metadata }, source: 'local' } });
    }
    return { accepted, rejected };
  }

  /** Puts accepted files into Uppy in time slices; `removeAll` or `destroy` meanwhile drops the rest. */
  async #admit(accepted: FileToAdd[]): Promise<string[]> {
    const added: string[] = [];
    const generation = this.#generation;
    const slicer = new TimeSlicer();
    let index = 0;
    try {
      while (index < accepted.length && generation === this.#generation) {
        if (slicer.due()) {
          await slicer.next();
          continue;
        }
        const group = accepted.slice(index, index + ADD_GROUP);
        index += group.length;
        const ids = this.#addToUppy(group.map((file) => file.descriptor));
        for (const file of group) this.#joining.delete(file.key);
        added.push(...ids);
        if (this.#options.onFileAdded && ids.length > 0) {
          const byId = new Map(this.getSnapshot().files.map((file) => [file.id, file]));
          for (const id of ids) {
            const file = byId.get(id);
            if (file) this.#options.onFileAdded(file);
          }
        }
      }
    } finally {
      for (const file of accepted.slice(index)) this.#joining.delete(file.key);
    }
    return added;
  }

  /** Uppy's own batch add; the ids it added are the ones its `files-added` event names. */
  #addToUppy(descriptors: FileToAdd['descriptor'][]): string[] {
    let ids: string[] = [];
    const onAdded = (files: Array<{ id: string }>) => {
      ids = files.map((file) => file.id);
    };
    this.uppy.on('files-added', onAdded);
    try {
      this.uppy.addFiles(descriptors);
    } finally {
      this.uppy.off('files-added', onAdded);
    }
    return ids;
  }

  /** Forgets the rejected files shown to the user. */
  dismissRejections(): void {
    this.#rejected = [];
    this.#onStateUpdate();
  }

  /** Uploads every file not yet started (and retries failed ones). Resolves with this batch's results. */
  async start(): Promise<FileResult[]> {
    // Uppy's upload() also retries every file with an error; here failed files wait for an explicit retry.
    const failed = this.#filesWithStatus('error');
    if (failed.length > 0) this.uppy.patchFilesState(Object.fromEntries(failed.map((id) => [id, { error: null }])));
    try {
      const result = await this.uppy.upload();
      return result ? this.#results(result) : [];
    } catch {
      return [];
    }
  }

  cancel(fileId: string): void {
    this.#plugin.cancel(fileId);
  }

  cancelAll(): void {
    for (const file of this.uppy.getFiles()) this.#plugin.cancel(file.id);
  }

  /** Starts a failed or canceled file again; a multipart upload continues from the parts already stored. */
  retry(fileId: string): void {
    // Uppy's retryUpload resolves with the result but emits no `complete`: the batch of one ends here.
    this.uppy.retryUpload(fileId).then(
      (result) => {
        const results = result ? this.#results(result) : [];
        if (results.length > 0) this.#options.onComplete?.(results);
      },
      () => undefined,
    );
  }

  /** Retries every failed and canceled file, as one batch. */
  retryAll(): void {
    const ids = [...this.#filesWithStatus('error'), ...this.#filesWithStatus('canceled')];
    if (ids.length === 0) return;
    // Uppy's retryAll picks the files that carry an `error`.
    this.uppy.patchFilesState(Object.fromEntries(ids.map((id) => [id, { error: 'retry' }])));
    void this.uppy.retryAll();
  }

  #filesWithStatus(status: FileStatus): string[] {
    return this.getSnapshot()
      .files.filter((file) => file.status === status)
      .map((file) => file.id);
  }

  pause(fileId: string): void {
    if (!this.uppy.getFile(fileId)?.isPaused) this.uppy.pauseResume(fileId);
  }

  resume(fileId: string): void {
    if (this.uppy.getFile(fileId)?.isPaused) this.uppy.pauseResume(fileId);
  }

  pauseAll(): void {
    this.uppy.pauseAll();
  }

  resumeAll(): void {
    this.uppy.resumeAll();
  }

  /** Removes a file from the list, stopping it (and aborting its multipart upload) if it is running. */
  remove(fileId: string): void {
    if (this.uppy.getFile(fileId)) this.uppy.removeFile(fileId);
  }

  /**
   * Removes every file from the list, those still joining it included: running
   * ones stop and their multipart uploads are aborted (`cancelAll` stops them
   * and keeps them listed, to retry).
   */
  removeAll(): void {
    this.#generation++;
    this.uppy.cancelAll();
  }

  destroy(): void {
    this.#generation++;
    this.#listen(false);
    if (!this.#uppy) {
      this.#listeners.clear();
      return;
    }
    this.#follow(this.#uppy, 'off');
    this.#plugin.prepareToLeave();
    this.uppy.destroy();
    clearTimeout(this.#notifyTimer);
    clearTimeout(this.#tickTimer);
    this.#listeners.clear();
  }

  /**
   * Uppy updates its state several times per file event; with 1000 files that
   * is thousands of updates a second. Subscribers (React renders) hear of them
   * at most every NOTIFY_INTERVAL_MS, with whatever the state is then.
   */
  #onStateUpdate = () => {
    this.#stale = true;
    if (this.#notifyTimer !== undefined) return;
    const wait = NOTIFY_INTERVAL_MS - (Date.now() - this.#lastNotify);
    if (wait <= 0) this.#notify();
    else this.#notifyTimer = setTimeout(() => this.#notify(), wait);
  };

  /** While files upload and someone listens, the snapshot is made again within a second even without progress: a stopped upload's speed decays and it is said to be waiting. */
  #tickSoon(): void {
    if (this.#tickTimer !== undefined || this.#listeners.size === 0) return;
    this.#tickTimer = setTimeout(() => {
      this.#tickTimer = undefined;
      this.#tick++;
      this.#onStateUpdate();
    }, SPEED_TICK_MS);
  }

  #notify(): void {
    this.#notifyTimer = undefined;
    this.#lastNotify = Date.now();
    for (const listener of this.#listeners) listener();
  }

  #onUploadSuccess = (file: UppyFile<UploadMeta, UploadBody> | undefined) => {
    const uploaded = file && this.uppy.getFile(file.id);
    if (uploaded) this.#options.onFileComplete?.(this.#result(uploaded));
  };

  #onUploadProgress = (file: UppyFile<UploadMeta, UploadBody> | undefined) => {
    if (!file || !this.#options.onProgress) return;
    const snapshot = this.getSnapshot();
    const view = snapshot.files.find((candidate) => candidate.id === file.id);
    if (view) this.#options.onProgress(view, snapshot.totals);
  };

  #onUploadError = (file: UppyFile<UploadMeta, UploadBody> | undefined) => {
    const failed = file && this.uppy.getFile(file.id);
    if (failed) this.#options.onFileError?.(this.#result(failed));
  };

  #onComplete = (result: { successful?: Array<UppyFile<UploadMeta, UploadBody>>; failed?: Array<UppyFile<UploadMeta, UploadBody>> }) => {
    const results = this.#results(result);
    if (results.length > 0) this.#options.onComplete?.(results);
  };

  #results(result: { successful?: Array<UppyFile<UploadMeta, UploadBody>>; failed?: Array<UppyFile<UploadMeta, UploadBody>> }) {
    return [...(result.successful ?? []), ...(result.failed ?? [])]
      .map((file) => this.uppy.getFile(file.id) ?? file)
      .map((file) => this.#result(file));
  }

  #result(file: UppyFile<UploadMeta, UploadBody>): FileResult {
    const view = this.#toUploadFile(file);
    const base = { id: view.id, name: view.name, size: view.size };
    if (view.status === 'complete' && view.key) return { ...base, status: 'complete', key: view.key };
    if (view.status === 'canceled') return { ...base, status: 'canceled', ...(view.error ? { error: view.error } : {}) };
    const error =
      view.error ?? new UploadError({ code: 'internal_error', message: `"${view.name}" did not finish uploading.`, retryable: true });
    return { ...base, status: 'error', error };
  }

  #computeSnapshot(): UploaderSnapshot {
    const uppyFiles = this.#uppy?.getFiles() ?? [];
    const files = uppyFiles.map((file) => this.#toUploadFile(file));
    const totals: UploadTotals = {
      files: files.length,
      bytesTotal: 0,
      bytesUploaded: 0,
      progress: 0,
      uploading: 0,
      complete: 0,
      failed: 0,
      speed: 0,
      waiting: false,
    };
    let moving = 0;
    for (const file of files) {
      if (file.status === 'uploading') {
        totals.uploading++;
        totals.speed += file.speed ?? 0;
        if (!file.waiting) moving++;
      }
      if (file.status === 'complete') totals.complete++;
      if (file.status === 'error') totals.failed++;
      if (file.status === 'error' || file.status === 'canceled') continue;
      totals.bytesTotal += file.size;
      totals.bytesUploaded += file.bytesUploaded;
    }
    totals.progress = totals.bytesTotal > 0 ? totals.bytesUploaded / totals.bytesTotal : totals.complete > 0 ? 1 : 0;
    const remaining = totals.bytesTotal - totals.bytesUploaded;
    totals.waiting = totals.uploading > 0 && moving === 0;
    if (totals.speed > 0 && remaining > 0 && !totals.waiting) totals.eta = remaining / totals.speed;
    if (totals.uploading > 0) this.#tickSoon();
    // A batch runs while a file of it sends or waits its turn in the request pool (Uppy marked it started).
    const isUploading =
      totals.uploading > 0 || files.some((file, index) => file.status === 'queued' && uppyFiles[index]?.progress.uploadStarted);
    return { files, totals, isUploading, isOffline: this.#offline, rejected: this.#rejected };
  }

  /** The same Uppy file object (Uppy replaces it on every change, the outcome included) gives the same UploadFile object, so unchanged rows need not re-render. */
  #toUploadFile(file: UppyFile<UploadMeta, UploadBody>): UploadFile {
    const status = fileStatus(file);
    // An uploading file's speed changes with time as well as with bytes: its view is made again at every tick
    // (uploading: a request of its own has a connection, so a handful of files, not the whole batch).
    const tick = status === 'uploading' ? this.#tick : 0;
    const cached = this.#fileCache.get(file);
    if (cached && cached.tick === tick) return cached.value;
    const error = outcomeOf(file)?.error;
    const complete = status === 'complete';
    const size = file.size ?? 0;
    const bytesUploaded = complete ? size : file.progress.bytesUploaded || 0;
    let reading: { speed?: number; waiting?: true } = {};
    if (status === 'uploading') reading = this.#speeds.sample(file.id, bytesUploaded);
    else this.#speeds.forget(file.id);
    const { speed, waiting } = reading;
    const value: UploadFile = {
      id: file.id,
      name: file.name ?? 'file',
      size,
      type: file.type,
      data: file.data as File | Blob,
      status,
      bytesUploaded,
      progress: size > 0 ? bytesUploaded / size : complete ? 1 : 0,
      ...(file.response?.body?.key ? { key: file.response.body.key } : {}),
      ...(error && status === 'error' ? { error } : {}),
      ...(speed !== undefined ? { speed, ...(speed > 0 && size > bytesUploaded ? { eta: (size - bytesUploaded) / speed } : {}) } : {}),
      ...(waiting ? { waiting } : {}),
    };
    this.#fileCache.set(file, { tick, value });
    return value;
  }
}

const MAX_REMEMBERED_REJECTIONS = 20;
/** Files handed to Uppy's addFiles at once; Uppy copies its file map per file, so a group stays small. */
const ADD_GROUP = 10;

interface FileToAdd {
  key: string;
  descriptor: { name: string; type: string; data: File | Blob; meta: UploadMeta; source: string };
}
/** Longest a subscriber waits to hear of a change; 20 renders a second at most. */
const NOTIFY_INTERVAL_MS = 50;

/** What makes two files the same file: name, size, type and modification time. */
function identity(name: string, data: Blob): string {
  return [name, data.size, data.type, data instanceof File ? data.lastModified : ''].join('\u0000');
}

/** Creates an uploader; see {@link UploaderOptions}. */
export function createUploader(options: UploaderOptions): Uploader {
  return new Uploader(options);
}

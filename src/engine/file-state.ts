import type { Body, Meta, UppyFile } from '@uppy/core';
import type { UploadError } from '../protocol/errors.js';

/** Where a file stands, as the UI shows it: `queued` until one of its requests has a connection, then `uploading`. */
export type FileStatus = 'queued' | 'uploading' | 'paused' | 'complete' | 'error' | 'canceled';

/**
 * How a file's last attempt ended, where Uppy has no field for it: the typed
 * error (Uppy's own `error` is a string) and a cancel (Uppy has none: its
 * cancel removes the file). Kept on the Uppy file itself, the way Uppy's own
 * uploaders keep theirs (`s3Multipart`, `tus`), so Uppy's state is the one
 * source of truth and every change to it is one Uppy state update.
 */
export interface UploadOutcome {
  error?: UploadError;
  canceled?: true;
}

const FIELD = 's3DirectUpload';
type WithOutcome = { [FIELD]?: UploadOutcome | undefined };

/** The outcome kept on `file`, if any. */
export function outcomeOf(file: object): UploadOutcome | undefined {
  return (file as WithOutcome)[FIELD];
}

/** The patch for `uppy.setFileState` that records (or, with `undefined`, clears) a file's outcome. */
export function outcomePatch<M extends Meta, B extends Body>(outcome: UploadOutcome | undefined): Partial<UppyFile<M, B>> {
  return { [FIELD]: outcome } as WithOutcome as Partial<UppyFile<M, B>>;
}

/**
 * Set while one of the file's storage requests has a connection, since the
 * file last (re)started: Uppy marks every file of a batch started at once,
 * though most wait their turn in the request pool.
 */
const SENDING = 's3DirectUploadSending';
type WithSending = { [SENDING]?: true | undefined };

/** Whether a storage request of `file` has had its connection since the file last (re)started. */
export function isSending(file: object): boolean {
  return (file as WithSending)[SENDING] === true;
}

/** The patch for `uppy.setFileState` that marks the file sending, or (with `false`) waiting its turn again. */
export function sendingPatch<M extends Meta, B extends Body>(sending: boolean): Partial<UppyFile<M, B>> {
  return { [SENDING]: sending || undefined } as WithSending as Partial<UppyFile<M, B>>;
}

/**
 * A file's status: decided here, from the Uppy file alone, and nowhere else.
 * A file of a running batch is `queued` until a request of its own has a
 * connection: queued behind others, it is not said to be waiting for one.
 */
export function fileStatus(file: UppyFile<Meta, Body>): FileStatus {
  if (file.progress.uploadComplete === true) return 'complete';
  const outcome = outcomeOf(file);
  if (outcome?.canceled) return 'canceled';
  if (outcome?.error) return 'error';
  if (file.isPaused) return 'paused';
  if (file.progress.uploadStarted && isSending(file)) return 'uploading';
  return 'queued';
}

import type { Body, Meta, UppyFile } from '@uppy/core';
import type { UploadError } from '../protocol/errors.js';

/** Where a file stands, as the UI shows it: `queued` until one of its requests has a connection, then `uploading`. */
export type FileStatus = 'queued' | 'uploading' | 'paused' | 'complete' | 'error' | 'canceled';

/**
 * Where a file's current or last attempt stands, where Uppy has no field for
 * it: sending (Uppy marks every file of a batch started at once, though most
 * wait their turn for a connection), the typed error (Uppy's own `error` is a
 * string) and a cancel (Uppy has none: its cancel removes the file). Kept on
 * the Uppy file itself, the way Uppy's own uploaders keep theirs
 * (`s3Multipart`, `tus`), so Uppy's state is the one source of truth and
 * every change to it is one Uppy state update.
 */
export interface UploadOutcome {
  /** One of its storage requests has had a connection since the file last (re)started. */
  sending?: true;
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
  if (file.progress.uploadStarted && outcome?.sending) return 'uploading';
  return 'queued';
}

import { checkTransferOptions, optionError } from '../engine/check-options.js';
import type { S3DirectUploadOptions } from './S3DirectUpload.js';

/** Every option's name: a missing or extra entry fails to compile, so the check cannot drift from the interface. */
const OPTION_NAMES: Record<keyof S3DirectUploadOptions, true> = {
  id: true,
  locale: true,
  signUrl: true,
  headers: true,
  credentials: true,
  timeoutMs: true,
  expiresIn: true,
  maxBatchSize: true,
  multipartThreshold: true,
  partSize: true,
  maxConcurrentRequests: true,
  formPostMaxSize: true,
  retry: true,
  stallTimeoutMs: true,
  checksum: true,
  persist: true,
};

/**
 * Checks the options `uppy.use(S3DirectUpload, options)` was given, so a
 * mistake (a typo in a name, `Number(undefined)`, a missing `signUrl`) stops
 * at `use` instead of changing how files upload. Throws a TypeError that
 * names the option. Defaults are not filled in here: `transferSettings` does that.
 */
export function checkOptions(options: unknown): S3DirectUploadOptions {
  checkTransferOptions(options, 'S3DirectUpload');
  for (const name of Object.keys(options)) {
    if (!(name in OPTION_NAMES)) optionError('S3DirectUpload', name, 'is not an option of S3DirectUpload (a typo?).');
  }
  const { id } = options;
  if (id !== undefined && (typeof id !== 'string' || id === '')) optionError('S3DirectUpload', 'id', 'must be a non-empty string.');
  return options as unknown as S3DirectUploadOptions;
}

import { MAX_EXPIRES_IN, S3_LIMITS } from '../protocol/limits.js';
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

const RETRY_NAMES = ['attempts', 'baseDelayMs', 'maxDelayMs', 'perFile'] as const;

function fail(option: string, message: string): never {
  throw new TypeError(`S3DirectUpload: \`${option}\` ${message}`);
}

/** A whole number from `min` to `max` when given. */
function whole(value: unknown, option: string, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(option, `must be a whole number from ${min} to ${max}; got ${typeof value === 'number' ? value : typeof value}.`);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Checks the options `uppy.use(S3DirectUpload, options)` was given, so a
 * mistake (a typo in a name, `Number(undefined)`, a missing `signUrl`) stops
 * at `use` instead of changing how files upload. Throws a TypeError that
 * names the option. Defaults are not filled in here: `transferSettings` does that.
 */
export function checkOptions(options: unknown): S3DirectUploadOptions {
  if (!isObject(options)) fail('options', 'must be an object with at least `signUrl`.');
  for (const name of Object.keys(options)) {
    if (!(name in OPTION_NAMES)) {
      fail(name, name === 'resume' ? 'is now `persist` (keep uploads across a reload).' : 'is not an option of S3DirectUpload (a typo?).');
    }
  }
  const { signUrl, headers, credentials, retry, checksum, persist, id } = options;
  if (typeof signUrl === 'string' ? signUrl.trim() === '' : typeof signUrl !== 'function') {
    fail('signUrl', 'must be the signing endpoint’s URL (a non-empty string) or a function that calls the signer.');
  }
  if (headers !== undefined && !isObject(headers) && typeof headers !== 'function') {
    fail('headers', 'must be headers (an object, a Headers or an array of pairs) or a function returning them.');
  }
  if (credentials !== undefined && !['omit', 'same-origin', 'include'].includes(credentials as string)) {
    fail('credentials', "must be 'omit', 'same-origin' or 'include'.");
  }
  if (id !== undefined && (typeof id !== 'string' || id === '')) fail('id', 'must be a non-empty string.');
  whole(options.timeoutMs, 'timeoutMs', 1);
  whole(options.expiresIn, 'expiresIn', 60, MAX_EXPIRES_IN);
  whole(options.maxBatchSize, 'maxBatchSize', 1, 100);
  whole(options.multipartThreshold, 'multipartThreshold', 0);
  whole(options.partSize, 'partSize', 1, S3_LIMITS.maxPartSize);
  whole(options.maxConcurrentRequests, 'maxConcurrentRequests', 1);
  whole(options.formPostMaxSize, 'formPostMaxSize', 0);
  whole(options.stallTimeoutMs, 'stallTimeoutMs', 1);
  if (retry !== undefined) {
    if (!isObject(retry)) fail('retry', `must be an object with ${RETRY_NAMES.join(', ')}.`);
    for (const name of Object.keys(retry)) {
      if (!(RETRY_NAMES as readonly string[]).includes(name)) fail(`retry.${name}`, `is not a retry setting (${RETRY_NAMES.join(', ')}).`);
    }
    whole(retry.attempts, 'retry.attempts', 1);
    whole(retry.baseDelayMs, 'retry.baseDelayMs', 0);
    whole(retry.maxDelayMs, 'retry.maxDelayMs', 0);
    whole(retry.perFile, 'retry.perFile', 0);
  }
  if (checksum !== undefined && !['md5', 'sha256', 'crc32'].includes(checksum as string)) {
    fail('checksum', "must be 'md5', 'sha256' or 'crc32' (the server's `checksum`).");
  }
  if (persist !== undefined && typeof persist !== 'boolean') {
    if (!isObject(persist)) fail('persist', 'must be true, false or { store, maxAgeMs }.');
    const { store, maxAgeMs } = persist;
    if (
      store !== undefined &&
      !(isObject(store) && ['get', 'put', 'delete', 'all'].every((method) => typeof store[method] === 'function'))
    ) {
      fail('persist.store', 'must be a ResumeStore (get, put, delete and all).');
    }
    whole(maxAgeMs, 'persist.maxAgeMs', 0);
  }
  return options as unknown as S3DirectUploadOptions;
}

import type { SignClient, SignClientOptions } from '../protocol/client.js';
import type { ChecksumAlgorithm } from '../protocol/types.js';
import { defaultResumeStore, type ResumeStore } from './resume-store.js';
import { DEFAULT_FILE_RETRY_BUDGET, DEFAULT_RETRY, type RetryOptions } from './retry.js';
import type { TransferSettings } from './transfer-engine.js';

const KiB = 1024;
const MiB = 1024 * KiB;

/**
 * How bytes move: the signing endpoint, part sizes, thresholds, concurrency,
 * retries, checksums and persistence across reloads. The headless uploader, the React hook and
 * the Uppy plugin all take these, with the defaults below in one place.
 */
export interface TransferOptions extends SignClientOptions {
  /** Files larger than this many bytes go up as multipart uploads. Default 16 MiB. */
  multipartThreshold?: number;
  /**
   * Preferred part size; raised as needed to stay within 10,000 parts.
   * Default: 8 MiB, growing with the file to keep near 64 parts, up to 32 MiB
   * (1 GiB goes in 16 MiB parts).
   */
  partSize?: number;
  /**
   * Requests to the storage in flight at once, across all files. Default 6
   * per storage host name, a browser's HTTP/1.1 connections per host (a
   * signer with `alternateEndpoints` hands out URLs for several). A number
   * set here is the cap across all hosts.
   */
  maxConcurrentRequests?: number;
  /**
   * Files up to this many bytes go up as S3 POST Object forms: browsers send
   * those without the CORS preflight a PUT costs, one round trip instead of
   * two, but report no progress until they finish. The bucket's CORS rule
   * must allow POST. A store without POST Object (R2, B2), or a rule that
   * hides the answer to forms, turns them off for the session at the first
   * refusal: that file and every later one go by PUT. Default 256 KiB; 0
   * sends every file with PUT.
   */
  formPostMaxSize?: number;
  /** Retry policy: attempts per request and backoff (defaults: 6 attempts, 0.5–15 s full jitter), and `perFile`, the retries one file may spend in all (30). */
  retry?: Partial<RetryOptions> & { perFile?: number };
  /** A request that sends no bytes for this long is aborted and retried. Default 30 000 ms. */
  stallTimeoutMs?: number;
  /**
   * Send a digest with every single PUT: set it to the server's `checksum`
   * (`md5`, `sha256` or `crc32`). Multipart uploads follow the server's
   * choice by themselves. Digests are computed in a Web Worker.
   */
  checksum?: ChecksumAlgorithm;
  /**
   * Keep multipart uploads across a reload: each is remembered in IndexedDB
   * by file fingerprint, and adding the same file again sends only the
   * missing parts. Default on where IndexedDB exists; `false` aborts open
   * uploads when the page goes. (Not to be confused with `resume(id)`, which
   * continues a paused file.)
   */
  persist?: boolean | { store?: ResumeStore; maxAgeMs?: number };
}

/** The defaults, in one place. */
export const TRANSFER_DEFAULTS = {
  multipartThreshold: 16 * MiB,
  maxConcurrentRequests: 6,
  formPostMaxSize: 256 * KiB,
  stallTimeoutMs: 30_000,
  signBatchSize: 20,
  progressIntervalMs: 100,
} as const;

/** The engine's settings from the transfer options, every default filled in: the browser's plugin and the CLI both start here. */
export function transferSettings(
  options: TransferOptions,
  client: SignClient,
): TransferSettings & { persist?: { store: ResumeStore; maxAgeMs?: number } } {
  return {
    client,
    multipartThreshold: options.multipartThreshold ?? TRANSFER_DEFAULTS.multipartThreshold,
    ...(options.partSize !== undefined ? { partSize: options.partSize } : {}),
    maxConcurrentRequests: options.maxConcurrentRequests ?? TRANSFER_DEFAULTS.maxConcurrentRequests,
    concurrencyPerHost: options.maxConcurrentRequests === undefined,
    formPostMaxSize: options.formPostMaxSize ?? TRANSFER_DEFAULTS.formPostMaxSize,
    signBatchSize: TRANSFER_DEFAULTS.signBatchSize,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    progressIntervalMs: TRANSFER_DEFAULTS.progressIntervalMs,
    stallTimeoutMs: options.stallTimeoutMs ?? TRANSFER_DEFAULTS.stallTimeoutMs,
    fileRetryBudget: options.retry?.perFile ?? DEFAULT_FILE_RETRY_BUDGET,
    ...(options.checksum ? { checksum: options.checksum } : {}),
    ...persistOption(options.persist),
  };
}

/** Whether multipart uploads are remembered across reloads with these options (IndexedDB present, or a store given). */
export function isPersisted(options: TransferOptions): boolean {
  return persistOption(options.persist).persist !== undefined;
}

function persistOption(option: TransferOptions['persist']): { persist?: { store: ResumeStore; maxAgeMs?: number } } {
  if (option === false) return {};
  const settings = typeof option === 'object' ? option : {};
  const store = settings.store ?? defaultResumeStore();
  if (!store) return {};
  return { persist: { store, ...(settings.maxAgeMs !== undefined ? { maxAgeMs: settings.maxAgeMs } : {}) } };
}

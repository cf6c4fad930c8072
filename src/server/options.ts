import { redactor } from '../protocol/redact.js';
import type { ChecksumAlgorithm, FileContext, Operation } from '../protocol/types.js';
import { type ExpiryOptions, resolveExpiry } from './expiry.js';
import { normalizePrefix } from './keys.js';
import type { UploadLimits } from './policy.js';
import type { AlternateEndpoint, StorageOptions } from './s3-client.js';
import { resolveStore, type StoreCapabilities, type StoreOption } from './stores.js';

/** Fewer different byte values than this in a `secret` is a placeholder, not a key. */
const MIN_DISTINCT_SECRET_BYTES = 5;

/** What `authorize` and `key` learn about a request. */
export interface RequestContext {
  operation: Operation;
  /** The files the request is about (one, or the well-formed files of a `presign-put` batch). */
  files: FileContext[];
}

/** What `authorize` grants: upload under the handler's prefix, or under a narrower one (e.g. per user). */
export interface AuthorizeGrant {
  /**
   * Keys go under this prefix instead of the handler's: segments joined by
   * `/`, none empty, `.` or `..` (so `users/${id}` with an empty or dotted id
   * is refused, never widened to `users`).
   */
  prefix?: string;
}

/**
 * What `authorize` answers: `true` to allow, a grant object to allow with a
 * narrower prefix, `false` to refuse (403). Nothing else allows: at run time
 * any other value (`undefined`, `null`, `0`, `''`…) is a 403 too.
 * Throw `new SignError(401, 'unauthorized', '…')` to refuse with another status.
 */
export type AuthorizeResult = boolean | AuthorizeGrant;

export interface KeyContext {
  file: FileContext;
  /** The prefix in force (the option, or the one `authorize` chose). */
  prefix: string;
  request: Request;
}

/**
 * Passed to `onUploadComplete` once the server has checked the stored object.
 * Every field is the server's: read from the store (`size`, `etag`,
 * `contentType`, `metadata`) or bound into the upload's token when it was
 * signed (`name`, `file`), so a client cannot choose them at completion.
 * A client may call a completion again within the token's lifetime; use `key`
 * (with `etag`) as an idempotency key (docs/security.md).
 */
export interface UploadCompleteInfo {
  key: string;
  size: number;
  etag?: string;
  contentType?: string;
  metadata: Record<string, string>;
  /** The file's name as it was when the upload was signed. */
  name: string;
  /**
   * The file as it was described when the upload was signed. A multipart
   * upload's carries its name, size, type and metadata only: its
   * `lastModified` and `checksum` are not bound to the upload, so they are not
   * passed on as signed.
   */
  file: FileContext;
  multipart: boolean;
}

export interface SignHandlerOptions extends StorageOptions, UploadLimits {
  /** Every key starts with this prefix. Default `uploads`. */
  prefix?: string | undefined;
  /**
   * Chooses an object key. Default `<prefix>/<random UUID>/<sanitized name>`.
   * The result must lie under the prefix and fit S3's 1024 bytes, or the request is refused.
   */
  key?: ((context: KeyContext) => string | Promise<string>) | undefined;
  /** Lifetime of presigned URLs, seconds: one number, or per operation. Default 600 (form POSTs 120). Above 604800 (7 days) is refused. */
  expiresIn?: number | ExpiryOptions | undefined;
  /**
   * Secret for the upload tokens that bind multipart operations and
   * completions to what this server signed: 32 or more bytes (a string of 32+
   * characters, e.g. `openssl rand -base64 32`), the same on every instance so
   * any of them can serve one upload. Without it each process makes its own,
   * and says so once through `onError`: an upload must then be finished by
   * the instance that started it.
   */
  secret?: string | Uint8Array | undefined;
  /** Require a digest of every PUT and part, signed into its URL: `md5` (RGW, MinIO, AWS, R2) or `sha256` / `crc32` (AWS, MinIO). */
  checksum?: ChecksumAlgorithm | undefined;
  /**
   * Upload URLs are create-only (`If-None-Match: *` signed in) where the store
   * supports it: once a file is stored, the same URL cannot replace it (412).
   * With a `key()` of your own, files get PUTs rather than forms (a form cannot
   * be create-only), and a multipart upload is not completed over an object
   * already stored under its key. Default `true`; `false` for a `key()` that
   * reuses keys on purpose.
   */
  writeOnce?: boolean | undefined;
  /** Decides who may upload; runs before anything is signed. Only `true` or a grant object allows. */
  authorize?: ((request: Request, context: RequestContext) => AuthorizeResult | Promise<AuthorizeResult>) | undefined;
  /** Called after the server verified a completed upload's size, type and headers, e.g. to write a database row. */
  onUploadComplete?: ((info: UploadCompleteInfo) => void | Promise<void>) | undefined;
  /** Largest request body accepted, bytes. Default 256 KiB. */
  maxRequestBytes?: number | undefined;
  /**
   * Told of storage failures, internal faults and warnings (URLs shortened to
   * the credentials' lifetime, no `secret`). Messages carry no presigned URLs.
   * Default: one line per event on `console.error`; `false` silences it.
   */
  onError?: ((error: unknown) => void) | false | undefined;
  /**
   * More host names of the same bucket, to upload faster. A browser opens at
   * most 6 HTTP/1.1 connections per host name; file and part URLs are dealt
   * out in turn across the bucket's own host and these, and the browser
   * engine keeps 6 requests in flight per host it sees (BENCHMARKS.md).
   * On AWS: `[{ useDualstackEndpoint: true }]`; elsewhere, the endpoint URL
   * under another DNS name. Same region and credentials as the main endpoint.
   */
  alternateEndpoints?: AlternateEndpoint[] | undefined;
  /**
   * The store, when the endpoint does not tell it (docs/providers.md): its
   * name (`'r2'`, `'minio'`…), or a name with capabilities overridden.
   * Default: recognised from `endpoint`; AWS without one.
   */
  store?: StoreOption | undefined;
}

/** The options after validation, with every default filled in. */
export interface ResolvedOptions {
  bucket: string;
  prefix: string;
  store: StoreCapabilities;
  limits: Required<Pick<UploadLimits, 'maxFileSize' | 'minFileSize' | 'maxParts'>> & Pick<UploadLimits, 'allowedTypes'>;
  maxRequestBytes: number;
  secret: Uint8Array;
  writeOnce: boolean;
  report: (error: unknown) => void;
}

/** Every option's name: a missing or extra entry fails to compile, so the list cannot drift from the interface. */
const OPTION_NAMES: Record<keyof SignHandlerOptions, true> = {
  bucket: true,
  region: true,
  endpoint: true,
  forcePathStyle: true,
  useDualstackEndpoint: true,
  useAccelerateEndpoint: true,
  credentials: true,
  client: true,
  maxFileSize: true,
  minFileSize: true,
  allowedTypes: true,
  maxParts: true,
  prefix: true,
  key: true,
  expiresIn: true,
  secret: true,
  checksum: true,
  writeOnce: true,
  authorize: true,
  onUploadComplete: true,
  maxRequestBytes: true,
  onError: true,
  alternateEndpoints: true,
  store: true,
};
const KNOWN = new Set<string>(Object.keys(OPTION_NAMES));

function fail(option: string, message: string): never {
  throw new TypeError(`createSignHandler: \`${option}\` ${message}`);
}

function wholeNumber(value: unknown, option: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    fail(option, `must be a whole number from ${min} to ${max}; got ${typeof value === 'number' ? value : typeof value}.`);
  }
  return value;
}

function optionalFunction(value: unknown, option: string): void {
  if (value !== undefined && typeof value !== 'function') fail(option, 'must be a function.');
}

const redact = redactor();

/** The default reporter: one line per event, no stack, no presigned URL. */
function logLine(error: unknown): void {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  console.error(`[s3-direct-upload] ${redact(text).replace(/\s+/g, ' ').slice(0, 500)}`);
}

/**
 * Validates every option when the handler is made, so a mistake (an unset
 * environment variable read through `Number()`, a typo in a name, a weak
 * secret) stops the server at start-up instead of removing a limit.
 * Throws a TypeError that names the option.
 */
export function resolveOptions(options: SignHandlerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('createSignHandler: options must be an object.');
  for (const name of Object.keys(options)) {
    if (!KNOWN.has(name)) fail(name, 'is not an option of createSignHandler (a typo?).');
  }
  if (typeof options.bucket !== 'string' || options.bucket.trim() === '') fail('bucket', 'must be the bucket name (a non-empty string).');
  if (options.endpoint !== undefined) {
    if (typeof options.endpoint !== 'string' || !/^https?:\/\//i.test(options.endpoint) || !URL.canParse(options.endpoint))
      fail('endpoint', 'must be an http(s) URL such as http://127.0.0.1:9000.');
  }
  const store = resolveStore(options.store, options.endpoint);
  const maxFileSize =
    options.maxFileSize === undefined ? store.maxObjectSize : wholeNumber(options.maxFileSize, 'maxFileSize', 0, store.maxObjectSize);
  const minFileSize = options.minFileSize === undefined ? 0 : wholeNumber(options.minFileSize, 'minFileSize', 0, maxFileSize);
  const maxParts = options.maxParts === undefined ? store.maxParts : wholeNumber(options.maxParts, 'maxParts', 1, store.maxParts);
  if (options.allowedTypes !== undefined) {
    if (!Array.isArray(options.allowedTypes) || options.allowedTypes.length === 0) {
      fail(
        'allowedTypes',
        'must be a non-empty array of MIME types, wildcards (`image/*`) or extensions (`.csv`); leave it out to accept any type.',
      );
    }
    for (const entry of options.allowedTypes) {
      if (
        typeof entry !== 'string' ||
        !/^(\.[^\s./\\]+|[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*))$/i.test(entry.trim())
      ) {
        fail('allowedTypes', `has an entry that is no MIME type, wildcard or extension: ${JSON.stringify(entry)}.`);
      }
    }
  }
  const maxRequestBytes =
    options.maxRequestBytes === undefined ? 256 * 1024 : wholeNumber(options.maxRequestBytes, 'maxRequestBytes', 1024, 64 * 1024 * 1024);
  if (options.prefix !== undefined && typeof options.prefix !== 'string') fail('prefix', 'must be a string.');
  let prefix: string;
  try {
    prefix = normalizePrefix(options.prefix ?? 'uploads');
  } catch (error) {
    fail('prefix', (error as Error).message);
  }
  if (options.checksum !== undefined) {
    if (!['md5', 'sha256', 'crc32'].includes(options.checksum)) fail('checksum', "must be 'md5', 'sha256' or 'crc32'.");
    if (!store.checksums.includes(options.checksum)) {
      fail('checksum', `'${options.checksum}' is not verified by ${store.label} (it verifies ${store.checksums.join(', ')}).`);
    }
  }
  if (options.writeOnce !== undefined && typeof options.writeOnce !== 'boolean') fail('writeOnce', 'must be true or false.');
  resolveExpiry(options.expiresIn, fail);
  for (const name of ['key', 'authorize', 'onUploadComplete'] as const) optionalFunction(options[name], name);
  if (options.onError !== undefined && options.onError !== false && typeof options.onError !== 'function') {
    fail('onError', 'must be a function, or false to silence the default log line.');
  }
  if (options.alternateEndpoints !== undefined && !Array.isArray(options.alternateEndpoints))
    fail('alternateEndpoints', 'must be an array.');
  const report = options.onError === false ? () => undefined : (options.onError ?? logLine);

  let secret: Uint8Array;
  if (options.secret === undefined) {
    secret = crypto.getRandomValues(new Uint8Array(32));
    report(
      new Error(
        'No `secret` given: this process made its own, so a multipart upload or a completion must reach the instance that signed it. Give every instance the same 32+ byte `secret`.',
      ),
    );
  } else if (typeof options.secret === 'string') {
    if (options.secret.length < 32)
      fail('secret', `must be at least 32 characters (32 random bytes, e.g. \`openssl rand -base64 32\`); got ${options.secret.length}.`);
    secret = new TextEncoder().encode(options.secret);
  } else if (options.secret instanceof Uint8Array) {
    if (options.secret.byteLength < 32) fail('secret', `must be at least 32 bytes; got ${options.secret.byteLength}.`);
    secret = options.secret;
  } else {
    fail('secret', 'must be a string or a Uint8Array of at least 32 bytes.');
  }
  // Random bytes, base64 or hex use 16 or more different values; four or fewer is a placeholder ("0000…", spaces, a zeroed buffer).
  const distinct = new Set(secret).size;
  if (distinct < MIN_DISTINCT_SECRET_BYTES) {
    fail(
      'secret',
      `looks like a placeholder: it uses only ${distinct} different character${distinct === 1 ? '' : 's'} (use \`openssl rand -base64 32\`).`,
    );
  }

  return {
    bucket: options.bucket,
    prefix,
    store,
    limits: { maxFileSize, minFileSize, maxParts, ...(options.allowedTypes ? { allowedTypes: options.allowedTypes } : {}) },
    maxRequestBytes,
    secret,
    writeOnce: options.writeOnce ?? true,
    report,
  };
}

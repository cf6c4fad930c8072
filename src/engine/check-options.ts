import { MAX_EXPIRES_IN, S3_LIMITS } from '../protocol/limits.js';
import { either } from '../protocol/schema.js';

/** Throws the TypeError every option check ends in: `<who>: \`<option>\` <message>`. */
export function optionError(who: string, option: string, message: string): never {
  throw new TypeError(`${who}: \`${option}\` ${message}`);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
const got = (value: unknown) => (typeof value === 'number' ? value : typeof value);

/** Whole numbers: the smallest and largest each option takes (dotted names are read inside `retry` and `persist`). */
const WHOLE: Record<string, [min: number, max?: number]> = {
  timeoutMs: [1],
  expiresIn: [60, MAX_EXPIRES_IN],
  maxBatchSize: [1, 100],
  multipartThreshold: [0],
  partSize: [1, S3_LIMITS.maxPartSize],
  maxConcurrentRequests: [1],
  formPostMaxSize: [0],
  stallTimeoutMs: [1],
  'retry.attempts': [1],
  'retry.baseDelayMs': [0],
  'retry.maxDelayMs': [0],
  'retry.perFile': [0],
  'persist.maxAgeMs': [0],
};
const RETRY_NAMES = ['attempts', 'baseDelayMs', 'maxDelayMs', 'perFile'];
/** Options that take one of a few strings. */
const ONE_OF: Record<string, string[]> = { credentials: ['omit', 'same-origin', 'include'], checksum: ['md5', 'sha256', 'crc32'] };
/** What an option of another kind must be: its `typeof` (`object`: not null) and, when it is wrong, what to write instead. */
type Kind = [option: string, types: string, expected: string];
const TRANSFER_KINDS: Kind[] = [
  ['headers', 'object function', 'headers (an object, a Headers or an array of pairs) or a function returning them'],
  ['retry', 'object', `an object with ${RETRY_NAMES.join(', ')}`],
  ['persist', 'boolean object', 'true, false or { store, maxAgeMs }'],
];
const UPLOADER_KINDS: Kind[] = [
  ['autoUpload', 'boolean', 'true or false'],
  ['metadata', 'object function', 'an object of strings or a function of the file returning one'],
  ...['onFileAdded', 'onFileRejected', 'onProgress', 'onFileComplete', 'onFileError', 'onComplete'].map(
    (name): Kind => [name, 'function', 'a function'],
  ),
];

function checkKinds(options: Record<string, unknown>, who: string, kinds: Kind[]): void {
  for (const [option, types, expected] of kinds) {
    const value = options[option];
    if (value !== undefined && !(value !== null && types.includes(typeof value))) optionError(who, option, `must be ${expected}.`);
  }
}

/**
 * Checks the options every surface shares — the signing endpoint's and the
 * transfer's (`TransferOptions`) — so a mistake (`Number(undefined)`, a
 * missing `signUrl`, a store without its methods) stops where the options are
 * given instead of changing how files upload. Throws a TypeError naming `who`
 * and the option. Defaults are not filled in here: `transferSettings` does that.
 */
export function checkTransferOptions(options: unknown, who: string): asserts options is Record<string, unknown> {
  const fail: (option: string, message: string) => never = (option, message) => optionError(who, option, message);
  if (!isObject(options)) fail('options', 'must be an object with at least `signUrl`.');
  const { signUrl, retry, persist } = options;
  if (typeof signUrl === 'string' ? signUrl.trim() === '' : typeof signUrl !== 'function') {
    fail('signUrl', 'must be the signing endpoint’s URL (a non-empty string) or a function that calls the signer.');
  }
  if ('resume' in options) fail('resume', 'is now `persist` (keep uploads across a reload).');
  checkKinds(options, who, TRANSFER_KINDS);
  for (const name of Object.keys(isObject(retry) ? retry : {})) {
    if (!RETRY_NAMES.includes(name)) fail(`retry.${name}`, `is not a retry setting (${RETRY_NAMES.join(', ')}).`);
  }
  for (const [option, values] of Object.entries(ONE_OF)) {
    if (options[option] !== undefined && !values.includes(options[option] as string)) {
      fail(option, `must be ${either(values.map((value) => `'${value}'`))}.`);
    }
  }
  for (const [option, [min, max = Number.MAX_SAFE_INTEGER]] of Object.entries(WHOLE)) {
    const [outer, inner] = option.split('.') as [string, string?];
    const value = inner ? (options[outer] as Record<string, unknown> | undefined)?.[inner] : options[outer];
    if (value !== undefined && !(Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max)) {
      fail(option, `must be a whole number from ${min} to ${max}; got ${got(value)}.`);
    }
  }
  const store = isObject(persist) && persist.store;
  if (
    store !== undefined &&
    store !== false &&
    !(isObject(store) && ['get', 'put', 'delete', 'all'].every((method) => typeof store[method] === 'function'))
  ) {
    fail('persist.store', 'must be a ResumeStore (get, put, delete and all).');
  }
}

/**
 * Checks the headless uploader's options (`createUploader`, `useS3Upload`,
 * `<S3Uploader>`): the shared ones, then the restrictions, `accept`,
 * `autoUpload`, `metadata` and the callbacks. Called when they are given and at every `setOptions`.
 */
export function checkUploaderOptions(options: unknown): void {
  const who = 's3-direct-upload';
  checkTransferOptions(options, who);
  for (const name of ['maxFileSize', 'minFileSize', 'maxFiles', 'maxTotalSize']) {
    const value = options[name];
    // A limit may be Infinity (no limit); never negative, fractional or NaN.
    if (value !== undefined && !(Number.isSafeInteger(value) ? (value as number) >= 0 : value === Number.POSITIVE_INFINITY)) {
      optionError(who, name, `must be a whole number of 0 or more; got ${got(value)}.`);
    }
  }
  const { accept } = options;
  if (accept !== undefined && typeof accept !== 'string' && !(Array.isArray(accept) && accept.every((item) => typeof item === 'string'))) {
    optionError(who, 'accept', 'must be a string ("image/*,.pdf") or an array of strings.');
  }
  checkKinds(options, who, UPLOADER_KINDS);
}

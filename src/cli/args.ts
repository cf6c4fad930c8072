import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A mistake in the command line: printed with a pointer to `--help`, exit status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: T; allowPositionals: true; strict: true }>>;

/** `parseArgs` in strict mode, its errors turned into usage errors that name the option. */
export function parseCommand<T extends Options>(args: string[], options: T): Parsed<T> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Node's messages end with hints about `--` that do not apply to every command; keep the first sentence.
    throw new UsageError(message.split('. To specify')[0]?.replace(/\.$/, '') ?? message);
  }
}

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  kb: 1000,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  mb: 1000 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
  gb: 1000 ** 3,
  t: 1024 ** 4,
  tib: 1024 ** 4,
  tb: 1000 ** 4,
};

/** `16777216`, `16MiB`, `16M` (binary) or `16MB` (decimal) → bytes. */
export function parseBytes(value: string, option: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  const bytes = match && unit !== undefined ? Number(match[1]) * unit : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 0) {
    throw new UsageError(`${option} must be a whole number of bytes, optionally with a unit (16MiB, 64M, 1GiB); got "${value}".`);
  }
  return bytes;
}

/** A whole number within bounds, or a usage error naming the option. */
export function parseInteger(value: string, option: string, min: number, max: number, why = ''): number {
  const number = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`${option} must be a whole number from ${min} to ${max}${why}; got "${value}".`);
  }
  return number;
}

/** `Name: value` (as curl takes it) → [name, value]. */
export function parseHeader(value: string): [string, string] {
  const colon = value.indexOf(':');
  const name = colon > 0 ? value.slice(0, colon).trim() : '';
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
    throw new UsageError(`--header must look like "Name: value" (for example "Authorization: Bearer …"); got "${redactHeader(value)}".`);
  }
  return [name, value.slice(colon + 1).trim()];
}

/** Never echo what may be a secret: keep the part before the colon, or the first characters. */
function redactHeader(value: string): string {
  const colon = value.indexOf(':');
  return colon > 0 ? `${value.slice(0, colon)}: …` : `${value.slice(0, 12)}${value.length > 12 ? '…' : ''}`;
}

/** `key=value` pairs → metadata; keys as S3 and the reference signer accept them. */
export function parseMetadata(values: string[]): Record<string, string> | undefined {
  if (values.length === 0) return undefined;
  const metadata: Record<string, string> = {};
  for (const pair of values) {
    const equals = pair.indexOf('=');
    const key = equals > 0 ? pair.slice(0, equals) : '';
    if (!/^[A-Za-z0-9-]{1,64}$/.test(key)) {
      throw new UsageError(`--metadata must be key=value with a key of letters, digits and dashes; got "${pair}".`);
    }
    metadata[key] = pair.slice(equals + 1);
  }
  return metadata;
}

/** `s3://bucket/key` → its parts. `key` is empty for `s3://bucket` and `s3://bucket/`. */
export function parseS3Uri(value: string | undefined, what: string): { bucket: string; key: string } {
  const match = value === undefined ? null : /^s3:\/\/([^/]+)\/?(.*)$/.exec(value);
  if (!match) throw new UsageError(`Expected ${what}; got ${value === undefined ? 'nothing' : `"${value}"`}.`);
  return { bucket: match[1] as string, key: match[2] as string };
}

/** An http(s) URL, or a usage error. */
export function parseHttpUrl(value: string, option: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option} must be an absolute http(s) URL; got "${value}".`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${option} must be an http(s) URL; got "${url.protocol}".`);
  }
  return value;
}

import { hasControlCharacter, hasInvisibleCharacter, isWellFormed, stripInvisible, toWellFormed } from './text.js';

/** An S3 key is at most 1024 bytes of UTF-8; the file-name part gets what the prefix and id leave, at most this. */
const MAX_NAME_BYTES = 200;

/** Names Windows refuses for a file, whatever the extension (`con.txt` too). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\.|$)/i;

/**
 * Turns a client-supplied file name into one safe key segment and download
 * name: only the last path segment survives; control characters, NUL and
 * invisible characters (bidi overrides such as U+202E, zero-width
 * characters) are removed, so the name reads as it is; unicode is
 * NFC-normalised; leading dots and spaces and trailing dots and spaces go (Windows
 * drops them); a Windows device name (`CON`, `nul.txt`, `COM1`) gets a `_`
 * in front; the result is cut to a byte budget on a character boundary,
 * keeping the extension. Never empty.
 */
export function sanitizeFileName(name: string, maxBytes = MAX_NAME_BYTES): string {
  const lastSegment = stripInvisible(toWellFormed(name).normalize('NFC')).split(/[/\\]/).pop() ?? '';
  const cleaned = lastSegment
    .replace(/\s+/g, ' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, '')
    // Characters that need escaping in URLs or confuse shells and S3 consoles.
    .replace(/[<>:"|?*#%{}^~[\]`]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '')
    .trim();
  const safe = WINDOWS_RESERVED.test(cleaned) ? `_${cleaned}` : cleaned;
  return truncateUtf8(safe, maxBytes) || 'file';
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character, keeping the extension when it can. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= maxBytes) return text;
  const dot = text.lastIndexOf('.');
  const extension = dot > 0 && text.length - dot <= 16 ? text.slice(dot) : '';
  const budget = maxBytes - encoder.encode(extension).length;
  let result = '';
  let used = 0;
  for (const char of text.slice(0, text.length - extension.length)) {
    const size = encoder.encode(char).length;
    if (used + size > budget) break;
    result += char;
    used += size;
  }
  return result + extension;
}

/**
 * Checks a prefix `authorize` chose at request time: segments joined by `/`,
 * none empty, `.` or `..`, no control or invisible characters. Strict, so a
 * per-user prefix built from an empty or dotted id (`users/${''}`,
 * `users/${'.'}`) is refused rather than widened to its parent. Returns the
 * prefix, or undefined when it is not one.
 */
export function grantedPrefix(prefix: unknown): string | undefined {
  if (typeof prefix !== 'string' || prefix === '' || new TextEncoder().encode(prefix).length > 512) return undefined;
  if (!isWellFormed(prefix) || hasControlCharacter(prefix) || hasInvisibleCharacter(prefix) || prefix.includes('\\')) return undefined;
  const segments = prefix.split('/');
  return segments.every((segment) => segment !== '' && segment !== '.' && segment !== '..' && segment.trim() === segment)
    ? prefix
    : undefined;
}

/** Normalises a configured prefix: no leading or trailing slashes, no empty or dot segments. */
export function normalizePrefix(prefix: string): string {
  const segments = prefix.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new Error(`The key prefix "${prefix}" must not contain "..".`);
  return segments.join('/');
}

/** The default key scheme: `<prefix>/<random id>/<sanitized file name>`. */
export function defaultKey(prefix: string, fileName: string): string {
  const id = crypto.randomUUID();
  return [prefix, id, sanitizeFileName(fileName)].filter(Boolean).join('/');
}

/** True when `key` lies strictly under `prefix` (which is already normalised). */
export function isUnderPrefix(key: string, prefix: string): boolean {
  if (prefix === '') return !key.startsWith('/') && !key.split('/').includes('..');
  return key.startsWith(`${prefix}/`) && !key.split('/').includes('..');
}

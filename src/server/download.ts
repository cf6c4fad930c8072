import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { MAX_EXPIRES_IN } from '../protocol/limits.js';
import { MIME_TYPE } from './content-type.js';
import { grantedPrefix, isUnderPrefix, sanitizeFileName } from './keys.js';
import { createS3Client, type StorageOptions } from './s3-client.js';
import { hasControlCharacter, isWellFormed } from './text.js';

export interface PresignDownloadOptions {
  key: string;
  /** Seconds the link works. Default 300, at most 604800 (7 days). */
  expiresIn?: number | undefined;
  /** File name the browser saves as (cleaned like an upload's name); defaults to the key's last segment. */
  filename?: string | undefined;
  /** `attachment` (download) or `inline` (show in the browser). Default `attachment`. */
  disposition?: 'attachment' | 'inline' | undefined;
  /** Content-Type the answer claims, overriding the stored one. */
  contentType?: string | undefined;
  /**
   * Only keys under this prefix are signed (e.g. the caller's own
   * `users/<id>`): a key from a request cannot reach another user's file.
   * Written as segments without a leading or trailing `/` (`users/42`); a
   * prefix with an empty, `.` or `..` segment (`users/` from an empty id) is
   * refused, never widened to its parent.
   */
  prefix?: string | undefined;
}

/**
 * Presigns a GET of a private object, with a Content-Disposition that names
 * the file (RFC 6266, with an RFC 5987 `filename*` for non-ASCII names).
 * Throws a TypeError or RangeError for a key or option it will not sign.
 */
export async function presignDownload(storage: StorageOptions, options: PresignDownloadOptions): Promise<string> {
  const { key } = options;
  if (
    typeof key !== 'string' ||
    key === '' ||
    new TextEncoder().encode(key).length > 1024 ||
    !isWellFormed(key) ||
    hasControlCharacter(key)
  ) {
    throw new TypeError('presignDownload: `key` must be a well-formed object key of 1 to 1024 bytes, without control characters.');
  }
  if (options.prefix !== undefined) {
    const prefix = grantedPrefix(options.prefix);
    if (prefix === undefined) {
      throw new TypeError(
        'presignDownload: `prefix` must be segments like "users/42": not empty, no leading or trailing "/", no empty, "." or ".." segment, no hidden characters.',
      );
    }
    if (!isUnderPrefix(key, prefix)) throw new RangeError(`presignDownload: the key is outside the prefix "${prefix}".`);
  }
  const { disposition = 'attachment', contentType } = options;
  if (disposition !== 'attachment' && disposition !== 'inline') {
    throw new TypeError('presignDownload: `disposition` must be "attachment" or "inline".');
  }
  // Signed into the answer's headers: a MIME type, never CR, LF or another control character.
  if (contentType !== undefined && !(typeof contentType === 'string' && MIME_TYPE.test(contentType))) {
    throw new TypeError('presignDownload: `contentType` must be a MIME type such as "application/pdf".');
  }
  const expiresIn = options.expiresIn ?? 300;
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN) {
    throw new RangeError(`presignDownload: \`expiresIn\` must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (7 days).`);
  }
  const filename = sanitizeFileName(options.filename ?? key.split('/').pop() ?? 'download');
  return getSignedUrl(
    createS3Client(storage),
    new GetObjectCommand({
      Bucket: storage.bucket,
      Key: key,
      ResponseContentDisposition: contentDisposition(disposition, filename),
      ...(contentType ? { ResponseContentType: contentType } : {}),
    }),
    { expiresIn },
  );
}

/** `attachment; filename="report.pdf"; filename*=UTF-8''r%C3%A9port.pdf` */
export function contentDisposition(disposition: 'attachment' | 'inline', filename: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters cannot appear in a header
  const ascii = filename.replace(/[\u0000-\u001f\u007f"\\]/g, '_').replace(/[^\x20-\x7e]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

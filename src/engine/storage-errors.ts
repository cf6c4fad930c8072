import { isRetryableStatus, UploadError } from '../protocol/errors.js';

/** S3 answers errors as XML: `<Error><Code>…</Code><Message>…</Message></Error>`. */
export function parseS3Error(xml: string): { code?: string; message?: string } {
  const pick = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1];
  return { code: pick('Code'), message: pick('Message') };
}

const EXPIRED_CODES = new Set(['ExpiredToken', 'RequestExpired', 'ExpiredRequest']);

/** True when S3 refused a request because its presigned URL expired. */
export function isExpiredUrlError(error: UploadError): boolean {
  if (error.code !== 'storage_refused' || error.status !== 403) return false;
  return EXPIRED_CODES.has(error.storageCode ?? '') || /expired/i.test(error.message);
}

export function storageError(status: number, body: string): UploadError {
  const { code, message } = parseS3Error(body);
  const what = code ? `${code}${message ? `: ${message}` : ''}` : `HTTP ${status}`;
  return new UploadError({
    code: 'storage_refused',
    status,
    storageCode: code,
    message: `The storage refused the upload (${status} ${what}).`,
    retryable: isRetryableStatus(status),
  });
}

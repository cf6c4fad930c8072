import { matchesType } from '../protocol/file-types.js';
import type { FileContext } from '../protocol/types.js';
import { SignError } from './errors.js';

/** What files the server accepts. Enforced when signing, and again by S3 through signed headers. */
export interface UploadLimits {
  /** Largest file, bytes. Default 5 TiB (S3's own limit). */
  maxFileSize?: number;
  /** Smallest file, bytes. Default 0. */
  minFileSize?: number;
  /**
   * Accepted types: exact MIME types (`application/pdf`), wildcards (`image/*`)
   * or file extensions (`.csv`). A file passes when its type or its name's
   * extension matches one entry. Default: anything.
   */
  allowedTypes?: readonly string[];
  /** Most parts a multipart upload may have. Default 10,000 (S3's limit). */
  maxParts?: number;
}

/** Throws the SignError that says which rule a file breaks, naming the limit. */
export function checkLimits(file: FileContext, limits: UploadLimits, field: string): void {
  if (limits.maxFileSize !== undefined && file.size > limits.maxFileSize) {
    throw new SignError(
      413,
      'file_too_large',
      `"${file.name}" is ${file.size} bytes; the limit is ${limits.maxFileSize} bytes.`,
      `${field}.size`,
    );
  }
  if (limits.minFileSize !== undefined && file.size < limits.minFileSize) {
    throw new SignError(
      400,
      'file_too_small',
      `"${file.name}" is ${file.size} bytes; files must be at least ${limits.minFileSize} bytes.`,
      `${field}.size`,
    );
  }
  if (limits.allowedTypes && !matchesType(file, limits.allowedTypes)) {
    throw new SignError(
      415,
      'type_not_allowed',
      `"${file.name}" (${file.type || 'no type'}) is not an accepted type; accepted: ${limits.allowedTypes.join(', ')}.`,
      `${field}.type`,
    );
  }
}

import type { FileContext } from '../protocol/types.js';
import { SignError } from './errors.js';

/** What files the server accepts. Enforced when signing, and again by S3 through signed headers. */
export interface UploadLimits {
  /** Largest file, bytes. Default: the most the store holds (AWS: 10,000 parts of 5 GiB, about 48.8 TiB; docs/providers.md). */
  maxFileSize?: number | undefined;
  /** Smallest file, bytes. Default 0. */
  minFileSize?: number | undefined;
  /**
   * Accepted types: exact MIME types (`application/pdf`), wildcards (`image/*`)
   * or file extensions (`.csv`). A file passes when its type or its name's
   * extension matches one entry, and the type signed is one the rules allow for
   * its name: content a browser runs script in (SVG, HTML, XML, JavaScript…)
   * only when listed exactly, never through a wildcard or another extension.
   * Default: anything, with such content stored as `application/octet-stream`.
   */
  allowedTypes?: readonly string[] | undefined;
  /** Most parts a multipart upload may have. Default 10,000 (S3's limit). */
  maxParts?: number | undefined;
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
}

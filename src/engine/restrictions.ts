import { matchesType, parseAccept } from '../protocol/file-types.js';

/** What files the uploader accepts before anything is signed (the server enforces its own, in S3). */
export interface Restrictions {
  /** MIME types, wildcards and extensions: `"image/*,.pdf"` or `['image/*', '.pdf']`. */
  accept?: string | readonly string[];
  /** Largest file, bytes. */
  maxFileSize?: number;
  /** Smallest file, bytes. */
  minFileSize?: number;
  /** Most files in the list at once. */
  maxFiles?: number;
  /** Most bytes in the list at once. */
  maxTotalSize?: number;
}

export type RejectionRule = 'accept' | 'maxFileSize' | 'minFileSize' | 'maxFiles' | 'maxTotalSize' | 'duplicate';

/** A file the uploader refused, with the rule it broke and that rule's limit. */
export interface RejectedFile {
  file: File | Blob;
  name: string;
  rule: RejectionRule;
  /** The limit in force: bytes, a count, or the accept list. */
  limit?: number | string;
  /** English sentence; UIs translate from `rule` and `limit`. */
  reason: string;
}

/**
 * Checks one file against the restrictions, given what the list already
 * holds; returns the broken rule, or undefined when the file may be added.
 */
export function checkRestrictions(
  file: File | Blob,
  name: string,
  restrictions: Restrictions,
  current: { count: number; bytes: number },
): Omit<RejectedFile, 'file'> | undefined {
  const accept = restrictions.accept ? parseAccept(restrictions.accept) : [];
  if (accept.length > 0 && !matchesType({ name, type: file.type }, accept)) {
    const limit = accept.join(', ');
    return { name, rule: 'accept', limit, reason: `${name} is not an accepted type (${limit}).` };
  }
  if (restrictions.maxFileSize !== undefined && file.size > restrictions.maxFileSize) {
    return {
      name,
      rule: 'maxFileSize',
      limit: restrictions.maxFileSize,
      reason: `${name} is larger than ${restrictions.maxFileSize} bytes.`,
    };
  }
  if (restrictions.minFileSize !== undefined && file.size < restrictions.minFileSize) {
    return {
      name,
      rule: 'minFileSize',
      limit: restrictions.minFileSize,
      reason: `${name} is smaller than ${restrictions.minFileSize} bytes.`,
    };
  }
  if (restrictions.maxFiles !== undefined && current.count >= restrictions.maxFiles) {
    return { name, rule: 'maxFiles', limit: restrictions.maxFiles, reason: `No more than ${restrictions.maxFiles} files can be added.` };
  }
  if (restrictions.maxTotalSize !== undefined && current.bytes + file.size > restrictions.maxTotalSize) {
    return {
      name,
      rule: 'maxTotalSize',
      limit: restrictions.maxTotalSize,
      reason: `${name} would take the total over ${restrictions.maxTotalSize} bytes.`,
    };
  }
  return undefined;
}

import type { FileContext } from '../protocol/types.js';
import { signedContentType } from './content-type.js';
import { contentDisposition } from './download.js';
import type { ResolvedOptions } from './options.js';

/**
 * The headers an uploaded object gets, pinned by the server: signed into its
 * PUT URL (so a client cannot send other values), written as conditions of
 * its form POST, or set when the server creates its multipart upload — and
 * checked again on the stored object at completion.
 */
export interface ObjectHeaders {
  /** A type the rules allow for the file's name (content-type.ts). */
  contentType: string;
  /** `attachment` with the stored name: a browser opening the object downloads it rather than render it. */
  contentDisposition: string;
  /**
   * `private`: no shared cache keeps a user's file. Signed rather than left
   * out because a browser's fetch adds `Cache-Control: no-cache` to a request
   * with `If-None-Match` unless the request has its own (Fetch standard,
   * HTTP-network-or-cache fetch), and the store would keep that.
   */
  cacheControl: 'private';
  /** The canned ACL signed in where the store has one (`private`; on AWS `bucket-owner-full-control`). */
  acl?: 'private' | 'bucket-owner-full-control';
  /** `*` where the store makes a conditional PUT create-only and the handler is write-once. */
  ifNoneMatch?: '*';
}

export function objectHeaders(file: FileContext, key: string, resolved: ResolvedOptions, field: string): ObjectHeaders {
  const { store } = resolved;
  return {
    contentType: signedContentType(file, resolved.limits.allowedTypes, field),
    contentDisposition: contentDisposition('attachment', key.split('/').pop() ?? 'file'),
    cacheControl: 'private',
    ...(store.cannedAcl ? { acl: store.cannedAcl } : {}),
    ...(resolved.writeOnce && store.conditionalPut ? { ifNoneMatch: '*' as const } : {}),
  };
}

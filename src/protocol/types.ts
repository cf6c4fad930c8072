/**
 * Wire types of the signing protocol, version 1 (docs/protocol.md).
 *
 * The browser POSTs one JSON object to the app's signing endpoint (`signUrl`);
 * the endpoint answers with JSON. Every request names its `operation` and
 * carries the file's context so the server can decide the key and enforce limits.
 */

/** Protocol version spoken by this client and server. */
export const PROTOCOL_VERSION = 1;

/** What the server learns about a file; it decides the object key from this. */
export interface FileContext {
  /** The file's name as the user's system gave it (not trusted as a key). */
  name: string;
  /** Size in bytes. */
  size: number;
  /** MIME type as the browser reported it; may be empty. */
  type: string;
  /** Last-modified time in ms since the epoch, when known. */
  lastModified?: number;
  /** Application metadata for this file (string values only). */
  metadata?: Record<string, string>;
  /**
   * Base64 digest of the whole file, for a single PUT when the server requires
   * integrity (algorithm per `ChecksumAlgorithm`); signed into the URL.
   */
  checksum?: string;
}

/** Integrity header a server can require on every PUT: Content-MD5, or a flexible checksum (AWS verifies both). */
export type ChecksumAlgorithm = 'md5' | 'sha256' | 'crc32';

/**
 * A multipart upload as the server created it. The client treats it as
 * opaque and sends it back unchanged with every later multipart operation.
 */
export interface MultipartHandle {
  key: string;
  uploadId: string;
  /** Part size in bytes the server accepted; every part but the last has this size. */
  partSize: number;
  /** Server-issued proof that it created this upload for this key, size and part size. */
  token: string;
  /** Set when the server requires a digest of each part (sent with `sign-parts`). */
  checksumAlgorithm?: ChecksumAlgorithm;
}

/**
 * A URL to send one request to, with the headers that were signed into it.
 * `POST` (only for a `presign-put` that asked for it) is an S3 POST Object
 * form: send `fields` in order, then the file as the form's last field, `file`.
 */
export interface SignedRequest {
  url: string;
  method: 'PUT' | 'POST';
  /** Headers the client must send exactly as given (they are part of the signature). */
  headers: Record<string, string>;
  /** Form fields of a `POST`, in order (they are part of its signed policy). */
  fields?: Record<string, string>;
  /** When the URL stops working, ISO 8601. */
  expiresAt: string;
  /** What the signer knows of how the store's host talks HTTP; absent: nothing (treated as HTTP/1.1). */
  transport?: StorageTransport;
}

/**
 * How the storage host of a signed URL speaks HTTP, as the signer's store
 * table knows it (docs/providers.md). The client sizes its requests in flight
 * from it: HTTP/1.1 gets the browser's 6 connections per host; HTTP/2 and
 * HTTP/3 carry many requests on one connection. What the browser itself sees
 * (Resource Timing's `nextHopProtocol`, when the store sends
 * `Timing-Allow-Origin`) overrides it.
 */
export interface StorageTransport {
  /** The best protocol the store's endpoint speaks to browsers (its ALPN id). */
  protocol: 'http/1.1' | 'h2' | 'h3';
  /** Requests the store accepts in flight at once (its own documented cap, e.g. per object), when it has one. */
  maxInFlight?: number;
}

interface BaseRequest {
  /** Protocol version; always 1 here. */
  v: typeof PROTOCOL_VERSION;
  /** Lifetime the client asks for its URLs, seconds; the server may refuse (never above 604800, 7 days). */
  expiresIn?: number;
}

/** Presign single PUTs for one or more files (batched to save round trips). */
export interface PresignPutRequest extends BaseRequest {
  operation: 'presign-put';
  files: FileContext[];
  /**
   * The client can send these files as form POSTs, which browsers send
   * without a CORS preflight. The server may still answer PUTs.
   */
  post?: boolean;
}
export interface CreateMultipartRequest extends BaseRequest {
  operation: 'create-multipart';
  file: FileContext;
  /** Part size the client would like; the server may choose another. */
  partSize: number;
}
export interface SignPartsRequest extends BaseRequest {
  operation: 'sign-parts';
  file: FileContext;
  upload: MultipartHandle;
  /** 1-based part numbers, at most 100 per request. */
  partNumbers: number[];
  /** Base64 digest of each part, by part number, when the upload has a `checksumAlgorithm`. */
  checksums?: Record<string, string>;
}
export interface ListPartsRequest extends BaseRequest {
  operation: 'list-parts';
  file: FileContext;
  upload: MultipartHandle;
}
/** Completes from the parts the store holds (the server lists them: no part list travels, so 10,000 parts fit). */
export interface CompleteMultipartRequest extends BaseRequest {
  operation: 'complete-multipart';
  file: FileContext;
  upload: MultipartHandle;
}
export interface AbortMultipartRequest extends BaseRequest {
  operation: 'abort-multipart';
  file: FileContext;
  upload: MultipartHandle;
}
/** Tells the server a single PUT finished, when its presign answer asked for it (`confirm`). */
export interface CompletePutRequest extends BaseRequest {
  operation: 'complete-put';
  file: FileContext;
  key: string;
  token: string;
}

export type SignRequest =
  | PresignPutRequest
  | CreateMultipartRequest
  | SignPartsRequest
  | ListPartsRequest
  | CompleteMultipartRequest
  | AbortMultipartRequest
  | CompletePutRequest;

export type Operation = SignRequest['operation'];

export interface CompletedPart {
  partNumber: number;
  etag: string;
}

/** Result for one file of a `presign-put` batch: a signed PUT, or why the server refused it. */
export type PresignPutResult =
  | ({
      ok: true;
      key: string;
      /** Proof for `complete-put`. */
      token: string;
      /** The server wants a `complete-put` after the PUT (it verifies the object and may record it). */
      confirm?: boolean;
    } & SignedRequest)
  | { ok: false; error: ProtocolError };

export interface PresignPutResponse {
  /** One result per requested file, in request order. */
  results: PresignPutResult[];
}
export interface CreateMultipartResponse {
  upload: MultipartHandle;
}
export interface SignPartsResponse {
  parts: Array<SignedRequest & { partNumber: number }>;
}
export interface ListPartsResponse {
  /** Every part already stored, all pages merged, in part-number order. */
  parts: Array<CompletedPart & { size: number }>;
}
export interface CompleteMultipartResponse {
  key: string;
  /** ETag of the assembled object when the store reported one. */
  etag?: string;
}
export interface AbortMultipartResponse {
  aborted: true;
}
export interface CompletePutResponse {
  key: string;
  etag?: string;
}

/** Maps each operation to the response it gets. */
export interface ResponseFor {
  'presign-put': PresignPutResponse;
  'create-multipart': CreateMultipartResponse;
  'sign-parts': SignPartsResponse;
  'list-parts': ListPartsResponse;
  'complete-multipart': CompleteMultipartResponse;
  'abort-multipart': AbortMultipartResponse;
  'complete-put': CompletePutResponse;
}

/** Stable error codes; clients branch on these, never on messages. */
export type ErrorCode =
  | 'invalid_request'
  | 'invalid_file'
  | 'file_too_large'
  | 'file_too_small'
  | 'type_not_allowed'
  | 'invalid_part'
  | 'invalid_upload'
  | 'checksum_required'
  | 'invalid_checksum'
  | 'size_mismatch'
  | 'object_mismatch'
  | 'expiry_too_long'
  | 'unsupported_version'
  | 'unknown_operation'
  | 'method_not_allowed'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'unauthorized'
  | 'forbidden'
  | 'storage_error'
  | 'internal_error';

/** Error body: `{ "error": { "code", "message", "field"? } }` with a 4xx or 5xx status. */
export interface ProtocolError {
  code: ErrorCode;
  /** For people: what happened and what to do. */
  message: string;
  /** JSON path of the offending input, e.g. `file.size`, when there is one. */
  field?: string;
}
export interface ErrorResponse {
  error: ProtocolError;
}

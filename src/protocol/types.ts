/**
 * Wire types of the signing protocol, version 1 (docs/protocol.md).
 *
 * The browser POSTs one JSON object to the app's signing endpoint (`signUrl`);
 * the endpoint answers with JSON. Every request names its `operation` and
 * carries the file's context so the server can decide the key and enforce limits.
 *
 * Each message is declared once, as a schema (schema-requests.ts,
 * schema-responses.ts); the types here are derived from it, and the same
 * schema checks requests on the server and answers in the browser.
 */
import type { ObjectOf } from './schema.js';
import type { FileContextType, REQUESTS, RequestFields } from './schema-requests.js';
import type {
  CHECKSUM_ALGORITHMS,
  completedPartFields,
  MultipartHandleType,
  ProtocolErrorType,
  ResponseType,
  SignedRequestFields,
} from './schema-responses.js';

/** Protocol version spoken by this client and server. */
export const PROTOCOL_VERSION = 1;

/** What the server learns about a file; it decides the object key from this (fields: schema-requests.ts). */
export type FileContext = FileContextType;

/** Integrity header a server can require on every PUT: Content-MD5, or a flexible checksum (AWS verifies both). */
export type ChecksumAlgorithm = (typeof CHECKSUM_ALGORITHMS)[number];

/**
 * A multipart upload as the server created it. The client treats it as
 * opaque and sends it back unchanged with every later multipart operation.
 */
export type MultipartHandle = MultipartHandleType;

/**
 * A URL to send one request to, with the headers that were signed into it.
 * `POST` (only for a `presign-put` that asked for it) is an S3 POST Object
 * form: send `fields` in order, then the file as the form's last field, `file`.
 */
export type SignedRequest = ObjectOf<SignedRequestFields>;

/**
 * How the storage host of a signed URL speaks HTTP, as the signer's store
 * table knows it (docs/providers.md). HTTP/1.1 gets the browser's 6
 * connections per host; HTTP/2 and HTTP/3 carry many requests on one
 * connection. What the browser itself sees (Resource Timing's
 * `nextHopProtocol`, when the store sends `Timing-Allow-Origin`) overrides it.
 */
export type StorageTransport = NonNullable<SignedRequest['transport']>;

/** The envelope of every request: the protocol version, and the operation that names the fields. */
type Request<O extends keyof typeof REQUESTS> = {
  /** Protocol version; always 1 here. */
  v: typeof PROTOCOL_VERSION;
  operation: O;
} & RequestFields<O>;

/** `presign-put`: single PUTs (or form POSTs) for up to 100 files, batched to save round trips. */
export type PresignPutRequest = Request<'presign-put'>;
/** `create-multipart`: starts a multipart upload and answers its handle. */
export type CreateMultipartRequest = Request<'create-multipart'>;
/** `sign-parts`: 1 to 100 part URLs, each with its part's exact length signed in. */
export type SignPartsRequest = Request<'sign-parts'>;
/** `list-parts`: every part already stored, all pages merged, to resume. */
export type ListPartsRequest = Request<'list-parts'>;
/** `complete-multipart`: completes from the parts the store holds (the server lists them: no part list travels, so 10,000 parts fit). */
export type CompleteMultipartRequest = Request<'complete-multipart'>;
/** `abort-multipart`: idempotent; aborting an upload that is gone succeeds. */
export type AbortMultipartRequest = Request<'abort-multipart'>;
/** `complete-put`: tells the server a single PUT finished, when its presign answer asked for it (`confirm`). */
export type CompletePutRequest = Request<'complete-put'>;

export type SignRequest = { [O in Operation]: Request<O> }[Operation];

/** The protocol's operations, named by every request. */
export type Operation = keyof typeof REQUESTS;

/** Maps each operation to the response it gets (each declared once, in schema-responses.ts). */
export type ResponseFor = { [O in Operation]: ResponseType<O> };

export type PresignPutResponse = ResponseFor['presign-put'];
/** Result for one file of a `presign-put` batch: a signed PUT, or why the server refused it. */
export type PresignPutResult = PresignPutResponse['results'][number];
export type CreateMultipartResponse = ResponseFor['create-multipart'];
export type SignPartsResponse = ResponseFor['sign-parts'];
export type ListPartsResponse = ResponseFor['list-parts'];
export type CompletedPart = ObjectOf<typeof completedPartFields>;
export type CompleteMultipartResponse = ResponseFor['complete-multipart'];
export type AbortMultipartResponse = ResponseFor['abort-multipart'];
export type CompletePutResponse = ResponseFor['complete-put'];

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
export type ProtocolError = ProtocolErrorType;
export interface ErrorResponse {
  error: ProtocolError;
}

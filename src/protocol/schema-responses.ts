/**
 * The endpoint's answers, per operation (docs/protocol.md), and the pieces
 * both directions share (a multipart handle). The browser checks every
 * answer against these before using it; types.ts derives the answer types
 * from them.
 */
import type { Infer, ObjectOf, Optional, Schema } from './schema.js';
import {
  always,
  array,
  fallback,
  integer,
  isolated,
  isRecord,
  lenient,
  object,
  oneOf,
  optional,
  record,
  refine,
  string,
} from './schema.js';
import type { ErrorCode } from './types.js';

export const CHECKSUM_ALGORITHMS = ['md5', 'sha256', 'crc32'] as const;

/** The handle of a multipart upload: created by the server, sent back unchanged with every later multipart operation. */
const multipartHandleFields = {
  key: string({ max: 1024 }),
  uploadId: string({ max: 1024 }),
  /** Part size in bytes the server accepted; every part but the last has this size. */
  partSize: integer(1),
  /** Server-issued proof that it created this upload for this key, size and part size. */
  token: fallback(string({ empty: true, max: 4096 }), ''),
  /** Set when the server requires a digest of each part (sent with `sign-parts`). */
  checksumAlgorithm: optional(oneOf(CHECKSUM_ALGORITHMS)),
};
export const multipartHandle = object(multipartHandleFields);

/** Sent as a header or a form field: an HTTP token for a name; no CR, LF, NUL or other control character in a value. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const HEADER_VALUE = /^[^\u0000-\u0008\u000a-\u001f\u007f]*$/;
const headerValue = refine(string({ empty: true }), (text, path, dialect) =>
  HEADER_VALUE.test(text) ? text : dialect.fail(path, 'a header value without control characters'),
);
const stringMap = record(headerValue, (name, path, dialect) => {
  if (!HEADER_NAME.test(name)) dialect.fail(`${path}.${name}`, 'a header or field name (an HTTP token)');
});
/** A form's fields: as headers, and never `file` (the file is the form's last part, after every field). */
const formFields = record(headerValue, (name, path, dialect) => {
  if (!HEADER_NAME.test(name) || name.toLowerCase() === 'file') dialect.fail(`${path}.${name}`, 'a form field name other than `file`');
});

const httpUrl = refine(string(), (text, path, dialect) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return dialect.fail(path, 'an absolute URL');
  }
  return url.protocol === 'https:' || url.protocol === 'http:' ? text : dialect.fail(path, 'an http(s) URL');
});

/** The fields of a signed request; `methods` are those the operation may answer. */
function signedRequestFields(methods: readonly ('PUT' | 'POST')[]) {
  return {
    method: fallback(oneOf(methods) as Schema<'PUT' | 'POST'>, 'PUT'),
    /** Form fields of a `POST`, in order (they are part of its signed policy). */
    fields: ((value, path, dialect, parent) => {
      if (parent.method !== 'POST') return undefined;
      if (value === undefined) return dialect.fail(path, 'the form fields of a POST');
      return formFields(value, path, dialect, parent);
    }) as Optional<Record<string, string>>,
    url: httpUrl,
    /** Headers the client must send exactly as given (they are part of the signature). */
    headers: ((value, path, dialect, parent) => (value === undefined ? {} : stringMap(value, path, dialect, parent))) as Schema<
      Record<string, string>
    >,
    /** When the URL stops working, ISO 8601. */
    expiresAt: refine(string(), (text, path, dialect) => (Number.isNaN(Date.parse(text)) ? dialect.fail(path, 'an ISO 8601 date') : text)),
    /**
     * How the storage host speaks HTTP, as the signer's store table knows it (docs/providers.md): the client sizes its
     * requests in flight from it; what the browser sees (Resource Timing) overrides it. A hint the client does not
     * understand is dropped, not an error.
     */
    transport: lenient(object({ protocol: oneOf(['http/1.1', 'h2', 'h3'] as const), maxInFlight: lenient(integer(1)) })),
  };
}
export type SignedRequestFields = ReturnType<typeof signedRequestFields>;

const protocolErrorFields = {
  /** JSON path of the offending input, e.g. `file.size`, when there is one. */
  field: optional(string()),
  code: string<ErrorCode>(),
  /** For people: what happened and what to do. */
  message: string(),
};
export const protocolError = object(protocolErrorFields);

export const completedPartFields = { partNumber: integer(1), etag: string() };

/** A completion's answer: the key, and the ETag when the store reported one. */
const storedObject = object({ etag: optional(string(), ''), key: string() });

const presignPutRefusal = object({ ok: always(false), error: protocolError });
const presignPutSigned = object({
  ok: always(true),
  key: string(),
  /** Proof for `complete-put`. */
  token: fallback(string({ empty: true }), ''),
  /** The server wants a `complete-put` after the PUT (it verifies the object and may record it). */
  confirm: optional(oneOf([true, false]) as Schema<boolean>),
  ...signedRequestFields(['PUT', 'POST']),
});
/** One file's result: `ok: false` with the refusal, else a signed request. */
const presignPutResult: Schema<Infer<typeof presignPutRefusal> | Infer<typeof presignPutSigned>> = (value, ...rest) =>
  (isRecord(value) && value.ok === false ? presignPutRefusal : presignPutSigned)(value, ...rest);

/** Each operation's answer. */
export const RESPONSES = {
  /** One result per requested file, in request order. */
  'presign-put': object({ results: array(isolated(presignPutResult)) }),
  'create-multipart': object({ upload: multipartHandle }),
  'sign-parts': object({ parts: array(object({ partNumber: integer(1), ...signedRequestFields(['PUT']) })) }),
  /** Every part already stored, all pages merged, in part-number order. */
  'list-parts': object({ parts: array(object({ ...completedPartFields, size: integer(0) })) }),
  'complete-multipart': storedObject,
  'abort-multipart': always({ aborted: true } as const),
  'complete-put': storedObject,
};

export type MultipartHandleType = ObjectOf<typeof multipartHandleFields>;
export type ProtocolErrorType = ObjectOf<typeof protocolErrorFields>;
export type ResponseType<O extends keyof typeof RESPONSES> = Infer<(typeof RESPONSES)[O]>;

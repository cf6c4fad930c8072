/**
 * The endpoint's answers, per operation (docs/protocol.md), and the pieces
 * both directions share (a multipart handle). The browser checks every
 * answer against these before using it; types.ts derives the answer types
 * from them.
 */
import type { Infer, ObjectOf, Optional, Schema } from './schema.js';
import { always, array, fallback, integer, isRecord, lenient, object, oneOf, optional, record, refine, string } from './schema.js';
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

/** Header and form-field values: strings, possibly empty. */
const stringMap = record(string({ empty: true }));

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
      return stringMap(value, path, dialect, parent);
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
  confirm: lenient(oneOf([true]) as Schema<boolean>),
  ...signedRequestFields(['PUT', 'POST']),
});
/** One file's result: `ok: false` with the refusal, else a signed request. */
const presignPutResult: Schema<Infer<typeof presignPutRefusal> | Infer<typeof presignPutSigned>> = (value, ...rest) =>
  (isRecord(value) && value.ok === false ? presignPutRefusal : presignPutSigned)(value, ...rest);

/** Each operation's answer. */
export const RESPONSES = {
  /** One result per requested file, in request order. */
  'presign-put': object({ results: array(presignPutResult) }),
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

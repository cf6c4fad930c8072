import type {
  ChecksumAlgorithm,
  CompletedPart,
  MultipartHandle,
  Operation,
  PresignPutResult,
  ProtocolError,
  ResponseFor,
  SignedRequest,
  StorageTransport,
} from './types.js';

/**
 * Runtime checks of the endpoint's answers. The endpoint is the app's own code,
 * so a mistake there must surface as a message that says which field is wrong,
 * not as `undefined is not a function` deep inside a transfer.
 */
export class MalformedResponseError extends Error {
  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`\`${path}\` should be ${expected}`);
    this.name = 'MalformedResponseError';
  }
}

type Json = unknown;

function record(value: Json, path: string): Record<string, Json> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new MalformedResponseError(path, 'an object');
  }
  return value as Record<string, Json>;
}

function array(value: Json, path: string): Json[] {
  if (!Array.isArray(value)) throw new MalformedResponseError(path, 'an array');
  return value;
}

function string(value: Json, path: string, { nonEmpty = true } = {}): string {
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    throw new MalformedResponseError(path, nonEmpty ? 'a non-empty string' : 'a string');
  }
  return value;
}

function integer(value: Json, path: string, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new MalformedResponseError(path, `an integer ≥ ${min}`);
  }
  return value;
}

function httpUrl(value: Json, path: string): string {
  const text = string(value, path);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MalformedResponseError(path, 'an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new MalformedResponseError(path, 'an http(s) URL');
  }
  return text;
}

function isoDate(value: Json, path: string): string {
  const text = string(value, path);
  if (Number.isNaN(Date.parse(text))) throw new MalformedResponseError(path, 'an ISO 8601 date');
  return text;
}

function headers(value: Json, path: string): Record<string, string> {
  if (value === undefined) return {};
  const object = record(value, path);
  for (const [name, headerValue] of Object.entries(object)) string(headerValue, `${path}.${name}`, { nonEmpty: false });
  return object as Record<string, string>;
}

function signedRequest(value: Json, path: string, allowPost = false): SignedRequest {
  const object = record(value, path);
  const method = object.method ?? 'PUT';
  if (method !== 'PUT' && !(allowPost && method === 'POST')) {
    throw new MalformedResponseError(`${path}.method`, allowPost ? '"PUT" or "POST"' : '"PUT"');
  }
  if (method === 'POST' && object.fields === undefined) throw new MalformedResponseError(`${path}.fields`, 'the form fields of a POST');
  return {
    url: httpUrl(object.url, `${path}.url`),
    method,
    headers: headers(object.headers, `${path}.headers`),
    ...(method === 'POST' ? { fields: headers(object.fields, `${path}.fields`) } : {}),
    expiresAt: isoDate(object.expiresAt, `${path}.expiresAt`),
    ...storageTransport(object.transport),
  };
}

/**
 * The optional `transport` hint. Only a performance hint: one this client
 * does not understand (a protocol from a newer server) is dropped, not an error.
 */
function storageTransport(value: Json): { transport?: StorageTransport } {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const { protocol, maxInFlight } = value as Record<string, Json>;
  if (protocol !== 'http/1.1' && protocol !== 'h2' && protocol !== 'h3') return {};
  const cap = typeof maxInFlight === 'number' && Number.isInteger(maxInFlight) && maxInFlight >= 1 ? { maxInFlight } : {};
  return { transport: { protocol, ...cap } };
}

export function protocolError(value: Json, path: string): ProtocolError {
  const object = record(value, path);
  const field = object.field === undefined ? undefined : string(object.field, `${path}.field`);
  return {
    code: string(object.code, `${path}.code`) as ProtocolError['code'],
    message: string(object.message, `${path}.message`),
    ...(field === undefined ? {} : { field }),
  };
}

function multipartHandle(value: Json, path: string): MultipartHandle {
  const object = record(value, path);
  return {
    key: string(object.key, `${path}.key`),
    uploadId: string(object.uploadId, `${path}.uploadId`),
    partSize: integer(object.partSize, `${path}.partSize`, 1),
    token: string(object.token ?? '', `${path}.token`, { nonEmpty: false }),
    ...(object.checksumAlgorithm === undefined
      ? {}
      : { checksumAlgorithm: checksumAlgorithm(object.checksumAlgorithm, `${path}.checksumAlgorithm`) }),
  };
}

function checksumAlgorithm(value: Json, path: string): ChecksumAlgorithm {
  if (value !== 'md5' && value !== 'sha256' && value !== 'crc32') throw new MalformedResponseError(path, '"md5", "sha256" or "crc32"');
  return value;
}

function completedPart(value: Json, path: string): CompletedPart {
  const object = record(value, path);
  return {
    partNumber: integer(object.partNumber, `${path}.partNumber`, 1),
    etag: string(object.etag, `${path}.etag`),
  };
}

const validators: { [O in Operation]: (body: Json) => ResponseFor[O] } = {
  'presign-put': (body) => ({
    results: array(record(body, 'response').results, 'results').map((item, index): PresignPutResult => {
      const path = `results[${index}]`;
      const object = record(item, path);
      if (object.ok === false) return { ok: false, error: protocolError(object.error, `${path}.error`) };
      return {
        ok: true,
        key: string(object.key, `${path}.key`),
        token: string(object.token ?? '', `${path}.token`, { nonEmpty: false }),
        ...(object.confirm === true ? { confirm: true } : {}),
        ...signedRequest(object, path, true),
      };
    }),
  }),
  'create-multipart': (body) => ({ upload: multipartHandle(record(body, 'response').upload, 'upload') }),
  'sign-parts': (body) => ({
    parts: array(record(body, 'response').parts, 'parts').map((item, index) => ({
      partNumber: integer(record(item, `parts[${index}]`).partNumber, `parts[${index}].partNumber`, 1),
      ...signedRequest(item, `parts[${index}]`),
    })),
  }),
  'list-parts': (body) => ({
    parts: array(record(body, 'response').parts, 'parts').map((item, index) => ({
      ...completedPart(item, `parts[${index}]`),
      size: integer(record(item, `parts[${index}]`).size, `parts[${index}].size`, 0),
    })),
  }),
  'complete-multipart': storedObject,
  'abort-multipart': () => ({ aborted: true }),
  'complete-put': storedObject,
};

/** The answer to a completion: the key, and the ETag when the store reported one. */
function storedObject(body: Json): { key: string; etag?: string } {
  const object = record(body, 'response');
  const etag = object.etag === undefined || object.etag === '' ? undefined : string(object.etag, 'etag');
  return { key: string(object.key, 'key'), ...(etag === undefined ? {} : { etag }) };
}

/** Checks an endpoint answer against the protocol; throws MalformedResponseError naming the bad field. */
export function validateResponse<O extends Operation>(operation: O, body: Json): ResponseFor[O] {
  return validators[operation](body) as ResponseFor[O];
}

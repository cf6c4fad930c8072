import { type Detail, type Dialect, either, isolating, isRecord } from '../protocol/schema.js';
import { fileContext, REQUESTS } from '../protocol/schema-requests.js';
import { type FileContext, type Operation, PROTOCOL_VERSION, type PresignPutRequest, type SignRequest } from '../protocol/types.js';
import { invalid, SignError } from './errors.js';
import { isWellFormed, quoted } from './text.js';

/**
 * A request as the handler receives it: a `presign-put` batch keeps each
 * file's own verdict, so one malformed file is refused alone and the others are signed.
 */
export type ParsedRequest =
  | Exclude<SignRequest, PresignPutRequest>
  | (Omit<PresignPutRequest, 'files'> & { files: Array<FileContext | SignError> });

const OPERATIONS = Object.keys(REQUESTS) as Operation[];

/** The server's sentence for a problem the schema phrased in the browser's words. */
function sentence(field: string, expected: string, { min, max, noun, values, empty }: Detail = {}): string {
  if (values) return `\`${field}\` must be ${either(values.map(String))}.`;
  if (noun) return `\`${field}\` must be an array of 1 to ${max} ${noun}.`;
  if (min !== undefined) return `\`${field}\` must be a whole number from ${min} to ${max ?? Number.MAX_SAFE_INTEGER}.`;
  if (empty) return `\`${field}\` is empty.`;
  if (expected === 'an object') return `\`${field}\` must be a JSON object.`;
  if (expected.endsWith(' string')) return `\`${field}\` must be a string.`;
  if (expected === 'true or false') return `\`${field}\` must be true or false.`;
  return expected;
}

/** The server's dialect: a 400 naming the field, and the stricter text rules (length, well-formed Unicode). */
const server: Dialect = {
  fail(path, expected, detail) {
    const field = path || 'body';
    throw invalid(field, sentence(field, expected, detail), detail?.code);
  },
  text(value, field, max, code) {
    if (value.length > max) throw invalid(field, `\`${field}\` is longer than ${max} characters.`, code);
    // A lone surrogate is not text: it cannot be encoded into a key, a URL or a header.
    if (!isWellFormed(value)) throw invalid(field, `\`${field}\` is not well-formed Unicode (a lone surrogate).`, code);
  },
  isolate: isolating(SignError),
};

/** Checks a file context as the protocol describes it (docs/protocol.md, "The file context"); throws SignError naming the bad field. */
export function validateFile(value: unknown, field = 'file'): FileContext {
  return fileContext(value, field, server, {});
}

/** Checks a parsed JSON body against protocol v1 (schema-requests.ts); throws SignError naming the bad field. */
export function validateRequest(body: unknown): ParsedRequest {
  if (!isRecord(body)) return server.fail('body', 'an object');
  const object = body;
  if (object.v !== PROTOCOL_VERSION) {
    throw new SignError(
      400,
      'unsupported_version',
      object.v === undefined
        ? `This endpoint speaks protocol version ${PROTOCOL_VERSION}; the request names no version (\`v\`).`
        : `This endpoint speaks protocol version ${PROTOCOL_VERSION}; the request says ${quoted(object.v)}.`,
      'v',
    );
  }
  const operation = object.operation as Operation;
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation)) {
    throw new SignError(
      400,
      'unknown_operation',
      `${operation === undefined ? 'The request names no `operation`' : `Unknown operation ${quoted(operation)}`}; expected one of ${OPERATIONS.join(', ')}.`,
      'operation',
    );
  }
  // Only the upper bound of `expiresIn` is the protocol's; the server's own maximum is checked when signing.
  return { v: PROTOCOL_VERSION, operation, ...REQUESTS[operation](object, '', server, object) } as ParsedRequest;
}

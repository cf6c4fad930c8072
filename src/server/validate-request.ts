import { type Dialect, either, isRecord, type Problem } from '../protocol/schema.js';
import { fileContext, REQUESTS } from '../protocol/schema-requests.js';
import { type FileContext, type Operation, PROTOCOL_VERSION, type PresignPutRequest, type SignRequest } from '../protocol/types.js';
import { invalid, SignError } from './errors.js';
import { isWellFormed } from './text.js';

/**
 * A request as the handler receives it: a `presign-put` batch keeps each
 * file's own verdict, so one malformed file is refused alone and the others are signed.
 */
export type ParsedRequest =
  | Exclude<SignRequest, PresignPutRequest>
  | (Omit<PresignPutRequest, 'files'> & { files: Array<FileContext | SignError> });

const OPERATIONS = Object.keys(REQUESTS) as Operation[];

function sentence(field: string, problem: Problem): string {
  switch (problem.is) {
    case 'an object':
      return `\`${field}\` must be a JSON object.`;
    case 'an array':
      return `\`${field}\` must be an array of 1 to ${problem.max} ${problem.noun}.`;
    case 'a string':
      return problem.min ? `\`${field}\` is empty.` : `\`${field}\` must be a string.`;
    case 'an integer':
      return `\`${field}\` must be a whole number from ${problem.min} to ${problem.max}.`;
    case 'true or false':
      return `\`${field}\` must be true or false.`;
    case 'one of':
      return `\`${field}\` must be ${either((problem.values ?? []).map(String))}.`;
    default:
      return problem.text ?? `\`${field}\` is not valid.`;
  }
}

/** The server's dialect: a 400 naming the field, and the stricter text rules (length, well-formed Unicode). */
const server: Dialect = {
  fail(path, problem) {
    const field = path || 'body';
    throw invalid(field, sentence(field, problem), problem.code);
  },
  text(value, field, max, code) {
    if (value.length > max) throw invalid(field, `\`${field}\` is longer than ${max} characters.`, code);
    // A lone surrogate is not text: it cannot be encoded into a key, a URL or a header.
    if (!isWellFormed(value)) throw invalid(field, `\`${field}\` is not well-formed Unicode (a lone surrogate).`, code);
  },
  isolate(check) {
    try {
      return check();
    } catch (error) {
      if (error instanceof SignError) return error as never;
      throw error;
    }
  },
};

/** Checks a file context as the protocol describes it (docs/protocol.md, "The file context"); throws SignError naming the bad field. */
export function validateFile(value: unknown, field = 'file'): FileContext {
  return fileContext(value, field, server, {});
}

/** Checks a parsed JSON body against protocol v1 (schema-requests.ts); throws SignError naming the bad field. */
export function validateRequest(body: unknown): ParsedRequest {
  if (!isRecord(body)) return server.fail('body', { is: 'an object' });
  const object = body;
  if (object.v !== PROTOCOL_VERSION) {
    throw new SignError(
      400,
      'unsupported_version',
      object.v === undefined
        ? `This endpoint speaks protocol version ${PROTOCOL_VERSION}; the request names no version (\`v\`).`
        : `This endpoint speaks protocol version ${PROTOCOL_VERSION}; the request says ${JSON.stringify(object.v)}.`,
      'v',
    );
  }
  const operation = object.operation as Operation;
  if (typeof operation !== 'string' || !OPERATIONS.includes(operation)) {
    throw new SignError(
      400,
      'unknown_operation',
      `${operation === undefined ? 'The request names no `operation`' : `Unknown operation ${JSON.stringify(operation)}`}; expected one of ${OPERATIONS.join(', ')}.`,
      'operation',
    );
  }
  // Only the upper bound of `expiresIn` is the protocol's; the server's own maximum is checked when signing.
  return { v: PROTOCOL_VERSION, operation, ...REQUESTS[operation](object, '', server, object) } as ParsedRequest;
}

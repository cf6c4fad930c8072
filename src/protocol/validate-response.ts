import { type Dialect, isolating } from './schema.js';
import { protocolError as protocolErrorSchema, RESPONSES } from './schema-responses.js';
import type { Operation, ProtocolError, ResponseFor } from './types.js';

/**
 * Runtime checks of the endpoint's answers, against the protocol's schema
 * (schema-responses.ts). The endpoint is the app's own code, so a mistake
 * there must surface as a message that says which field is wrong, not as
 * `undefined is not a function` deep inside a transfer.
 */
export class MalformedResponseError extends Error {
  constructor(path: string, expected: string) {
    super(`\`${path}\` should be ${expected}`);
    this.name = 'MalformedResponseError';
  }
}

/** The browser's dialect: "`parts[0].url` should be a non-empty string". An isolated part that fails becomes its error. */
const browser: Dialect = {
  fail(path, expected) {
    throw new MalformedResponseError(path || 'response', expected);
  },
  isolate: isolating(MalformedResponseError),
};

export function protocolError(value: unknown, path: string): ProtocolError {
  return protocolErrorSchema(value, path, browser, {});
}

/** Checks an endpoint answer against the protocol; throws MalformedResponseError naming the bad field. */
export function validateResponse<O extends Operation>(operation: O, body: unknown): ResponseFor[O] {
  return RESPONSES[operation](body, '', browser, {}) as ResponseFor[O];
}

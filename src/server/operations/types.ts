import type { Operation, ResponseFor } from '../../protocol/types.js';
import type { SignContext } from '../context.js';
import type { ParsedRequest } from '../validate-request.js';

/** Who is asking: the HTTP request, and the key prefix `authorize` granted. */
export interface Caller {
  request: Request;
  prefix: string;
}

/** One protocol operation on the server. */
export type OperationHandler<O extends Operation> = (
  context: SignContext,
  request: Extract<ParsedRequest, { operation: O }>,
  caller: Caller,
) => Promise<ResponseFor[O]>;

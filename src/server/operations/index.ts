import type { Operation } from '../../protocol/types.js';
import { abortMultipart } from './abort-multipart.js';
import { completeMultipart } from './complete-multipart.js';
import { completePut } from './complete-put.js';
import { createMultipart } from './create-multipart.js';
import { listParts } from './list-parts.js';
import { presignPut } from './presign-put.js';
import { signParts } from './sign-parts.js';
import type { OperationHandler } from './types.js';

/** Each protocol operation's handler: a missing or misnamed one fails to compile. */
export const OPERATIONS: { [O in Operation]: OperationHandler<O> } = {
  'presign-put': presignPut,
  'create-multipart': createMultipart,
  'sign-parts': signParts,
  'list-parts': listParts,
  'complete-multipart': completeMultipart,
  'abort-multipart': abortMultipart,
  'complete-put': completePut,
};

export type { Caller, OperationHandler } from './types.js';

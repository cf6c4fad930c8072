import { uploadReference } from '../context.js';
import type { OperationHandler } from './types.js';

/** Verifies a single upload's stored object against what was signed, then tells the app (`onUploadComplete`). */
export const completePut: OperationHandler<'complete-put'> = async (context, request, caller) => {
  const { file, key } = request;
  await context.checkPut(key, request.token, file, caller.prefix);
  const info = await context.verifyStored(key, file, false, uploadReference(request.token));
  await context.options.onUploadComplete?.(info);
  return { key, ...(info.etag ? { etag: info.etag } : {}) };
};

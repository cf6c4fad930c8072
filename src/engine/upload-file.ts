import { choosePartSize, defaultPartSize } from '../protocol/part-plan.js';
import type { MultipartHandle } from '../protocol/types.js';
import { multipartUpload } from './multipart.js';
import { singlePut } from './single-put.js';
import type { MultipartProgress, TransferContext, TransferResult } from './transfer.js';

export interface UploadFileOptions {
  /** Files larger than this go up as multipart uploads. */
  multipartThreshold: number;
  /** Preferred part size; raised to fit 10,000 parts. Default: `defaultPartSize` of the file's size. */
  partSize?: number;
  /** Part URLs fetched per `sign-parts` call. */
  signBatchSize: number;
  /** Told when a multipart upload was created. */
  onCreated?: (upload: MultipartHandle) => void;
}

/**
 * Uploads one file: a single PUT up to the threshold, a multipart upload above.
 * Shared by the browser plugin and the CLI; `progress` lets a retry resume.
 */
export function uploadFile(
  context: TransferContext,
  options: UploadFileOptions,
  progress: { current?: MultipartProgress },
): Promise<TransferResult> {
  if (context.data.size <= options.multipartThreshold) return singlePut(context);
  const partSize = choosePartSize(context.data.size, options.partSize ?? defaultPartSize(context.data.size));
  return multipartUpload(
    context,
    { partSize, signBatchSize: options.signBatchSize, ...(options.onCreated ? { onCreated: options.onCreated } : {}) },
    progress,
  );
}

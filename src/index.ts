/**
 * s3-direct-upload — framework-free core: the uploader, and the signing
 * protocol's types and client.
 */

export { checkRestrictions, type RejectedFile, type RejectionRule, type Restrictions } from './engine/restrictions.js';
export { IndexedDbResumeStore, MemoryResumeStore, type ResumeRecord, type ResumeStore } from './engine/resume-store.js';
export type { TransferOptions } from './engine/transfer-options.js';
export {
  type AddFilesResult,
  createUploader,
  type FileResult,
  type FileStatus,
  Uploader,
  type UploaderOptions,
  type UploaderSnapshot,
  type UploadFile,
  type UploadTotals,
} from './engine/uploader.js';
export { SignClient, type SignClientOptions, type SignTransport } from './protocol/client.js';
export { UploadError, type UploadErrorCode } from './protocol/errors.js';
export { choosePartSize, S3_LIMITS } from './protocol/part-plan.js';
export type * from './protocol/types.js';
export { PROTOCOL_VERSION } from './protocol/types.js';

/**
 * s3-direct-upload/server — the signing endpoint. Runs where the cloud
 * credentials live; the browser never sees them.
 */

export { matchesType } from '../protocol/file-types.js';
export type * from '../protocol/types.js';
export { contentDisposition, type PresignDownloadOptions, presignDownload } from './download.js';
export { SignError } from './errors.js';
export type { ExpiryOptions } from './expiry.js';
export {
  type ExpressLikeHandler,
  type ExpressLikeNext,
  type ExpressLikeRequest,
  type ExpressLikeResponse,
  toExpressHandler,
} from './express.js';
export {
  type AuthorizeGrant,
  type AuthorizeResult,
  createSignHandler,
  type KeyContext,
  type RequestContext,
  type SignHandler,
  type SignHandlerOptions,
  type UploadCompleteInfo,
} from './handler.js';
export { sanitizeFileName } from './keys.js';
export { toNodeListener } from './node.js';
export type { UploadLimits } from './policy.js';
export { type AlternateEndpoint, createS3Client, type StorageOptions } from './s3-client.js';
export { detectStore, STORES, type StoreCapabilities, type StoreName, type StoreOption } from './stores.js';

/**
 * s3-direct-upload/uppy — the engine as an Uppy uploader plugin: replace
 * `@uppy/aws-s3` with `uppy.use(S3DirectUpload, { signUrl: '/api/upload' })`
 * and keep Uppy's Dashboard, Webcam, ImageEditor and Golden Retriever.
 */

/// <reference lib="esnext.disposable" preserve="true" />
// @uppy/core's types use Symbol.dispose: with this, an app type-checking its libraries (skipLibCheck: false) needs no lib setting of its own.

export type { ResumeStore } from '../engine/resume-store.js';
export type { TransferOptions } from '../engine/transfer-options.js';
export { UploadError, type UploadErrorCode } from '../protocol/errors.js';
export { S3DirectUpload, type S3DirectUploadBody, type S3DirectUploadOptions } from './S3DirectUpload.js';

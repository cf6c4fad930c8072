/** s3-direct-upload/react — the drop-in component, its parts, the headless hook and the locales. */

export type { RejectedFile, RejectionRule, Restrictions } from '../engine/restrictions.js';
export type { FileResult, FileStatus, UploadFile, UploadTotals } from '../engine/uploader.js';
export { UploadError, type UploadErrorCode } from '../protocol/errors.js';
export { formatBytes, formatDuration, formatSpeed } from './format.js';
export { ar } from './locales/ar.js';
export { de } from './locales/de.js';
export { en } from './locales/en.js';
export { type Change, count, plural, type UploaderLocale } from './locales/types.js';
export { FileItem, type FileItemProps, FileList, ProgressBar, RejectedList, StatusBar } from './parts.js';
export { FilePreview } from './preview.js';
export { S3Uploader, type S3UploaderProps } from './S3Uploader.js';
export { type InputRef, type UseS3UploadOptions, type UseS3UploadResult, useS3Upload } from './use-s3-upload.js';

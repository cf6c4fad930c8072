/** s3-direct-upload/react — the drop-in component, its parts, and the headless hook. */

export type { FileResult, FileStatus, UploadFile, UploadTotals } from '../engine/uploader.js';
export { UploadError, type UploadErrorCode } from '../protocol/errors.js';
export { formatBytes } from './format.js';
export { FileItem, type FileItemProps, FileList, ProgressBar, StatusBar } from './parts.js';
export { S3Uploader, type S3UploaderProps } from './S3Uploader.js';
export { type UseS3UploadOptions, type UseS3UploadResult, useS3Upload } from './use-s3-upload.js';

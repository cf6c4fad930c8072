import { useEffect, useRef, useState } from 'react';
import type { UploadFile } from '../engine/uploader.js';
import { FileItem, FileList, StatusBar } from './parts.js';
import { type UseS3UploadOptions, useS3Upload } from './use-s3-upload.js';

export interface S3UploaderProps extends UseS3UploadOptions {
  /** Extra class on the root element. */
  className?: string;
  /** Text of the drop area. */
  label?: string;
}

/**
 * The drop-in uploader: a drop area that also opens the file chooser by click
 * or keyboard, a list of files with progress, cancel and retry, and the total.
 *
 * ```tsx
 * <S3Uploader signUrl="/api/upload" onComplete={(results) => save(results)} />
 * ```
 */
export function S3Uploader({ className, label = 'Drop files here or click to browse', ...options }: S3UploaderProps) {
  const upload = useS3Upload(options);
  const announcement = useAnnouncements(upload.files);
  return (
    <div className={['s3u', className].filter(Boolean).join(' ')}>
      <div {...upload.getRootProps({ className: 's3u-dropzone', 'aria-label': label })} data-drag-active={upload.isDragActive || undefined}>
        <input {...upload.getInputProps({ 'aria-label': 'Choose files to upload' })} />
        <svg className="s3u-dropzone__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5M4 16v2.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V16" />
        </svg>
        <span className="s3u-dropzone__label">{label}</span>
      </div>
      <StatusBar totals={upload.totals} isOffline={upload.isOffline} />
      {upload.files.length > 0 && (
        <FileList>
          {upload.files.map((file) => (
            <FileItem key={file.id} file={file} onCancel={upload.cancel} onRetry={upload.retry} onRemove={upload.remove} />
          ))}
        </FileList>
      )}
      <div className="s3u-visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}

/** One polite sentence when files finish or fail, not one per progress tick. */
function useAnnouncements(files: readonly UploadFile[]): string {
  const previous = useRef(new Map<string, UploadFile['status']>());
  const [message, setMessage] = useState('');
  useEffect(() => {
    const finished: string[] = [];
    const failed: string[] = [];
    for (const file of files) {
      const before = previous.current.get(file.id);
      if (before !== file.status && file.status === 'complete') finished.push(file.name);
      if (before !== file.status && file.status === 'error') failed.push(file.name);
    }
    previous.current = new Map(files.map((file) => [file.id, file.status]));
    const parts: string[] = [];
    if (finished.length === 1) parts.push(`${finished[0]} uploaded.`);
    else if (finished.length > 1) parts.push(`${finished.length} files uploaded.`);
    if (failed.length === 1) parts.push(`${failed[0]} failed.`);
    else if (failed.length > 1) parts.push(`${failed.length} files failed.`);
    if (parts.length > 0) setMessage(parts.join(' '));
  }, [files]);
  return message;
}

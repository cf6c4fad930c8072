import type { ReactNode } from 'react';
import type { UploadFile, UploadTotals } from '../engine/uploader.js';
import { formatBytes, formatDuration, formatPercent, formatSpeed } from './format.js';

/** A labelled progress bar with its value exposed to assistive technology. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="s3u-progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="s3u-progress__bar" style={{ width: `${percent}%` }} />
    </div>
  );
}

const STATUS_TEXT: Record<UploadFile['status'], string> = {
  queued: 'Waiting',
  uploading: 'Uploading',
  paused: 'Paused',
  complete: 'Uploaded',
  error: 'Failed',
  canceled: 'Canceled',
};

export interface FileItemProps {
  file: UploadFile;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
}

/** One file: name, size, progress, status, and the actions that make sense now. */
export function FileItem({ file, onCancel, onRetry, onRemove }: FileItemProps) {
  const active = file.status === 'queued' || file.status === 'uploading' || file.status === 'paused';
  const failed = file.status === 'error' || file.status === 'canceled';
  return (
    <li className="s3u-file" data-status={file.status}>
      <div className="s3u-file__head">
        <span className="s3u-file__name" title={file.name}>
          {file.name}
        </span>
        <span className="s3u-file__size">{formatBytes(file.size)}</span>
      </div>
      <ProgressBar value={file.progress} label={`${file.name}: upload progress`} />
      <div className="s3u-file__foot">
        <span className="s3u-file__status">
          {STATUS_TEXT[file.status]}
          {file.status === 'uploading' ? ` · ${formatPercent(file.progress)}` : ''}
          {file.status === 'uploading' && file.speed ? ` · ${formatSpeed(file.speed)}` : ''}
          {file.status === 'uploading' && file.eta !== undefined ? ` · ${formatDuration(file.eta)} left` : ''}
        </span>
        <span className="s3u-file__actions">
          {active && (
            <button type="button" className="s3u-button" onClick={() => onCancel(file.id)} aria-label={`Cancel ${file.name}`}>
              Cancel
            </button>
          )}
          {failed && (
            <button
              type="button"
              className="s3u-button s3u-button--primary"
              onClick={() => onRetry(file.id)}
              aria-label={`Retry ${file.name}`}
            >
              Retry
            </button>
          )}
          {!active && (
            <button type="button" className="s3u-button" onClick={() => onRemove(file.id)} aria-label={`Remove ${file.name}`}>
              Remove
            </button>
          )}
        </span>
      </div>
      {file.error && file.status === 'error' && (
        <p className="s3u-file__error" role="alert">
          {file.error.message}
        </p>
      )}
    </li>
  );
}

export function FileList({ children }: { children: ReactNode }) {
  return (
    <ul className="s3u-list" aria-label="Files">
      {children}
    </ul>
  );
}

/** Total progress over all files, and how many are done. */
export function StatusBar({ totals, isOffline = false }: { totals: UploadTotals; isOffline?: boolean }) {
  if (totals.files === 0) return null;
  return (
    <div className="s3u-status">
      {isOffline && (
        <p className="s3u-status__offline" role="status">
          You are offline. Uploads are paused and resume by themselves when the connection is back.
        </p>
      )}
      <ProgressBar value={totals.progress} label="Total upload progress" />
      <span className="s3u-status__text">
        {totals.complete} of {totals.files} uploaded · {formatBytes(totals.bytesUploaded)} of {formatBytes(totals.bytesTotal)}
        {totals.failed > 0 ? ` · ${totals.failed} failed` : ''}
        {totals.uploading > 0 && totals.speed > 0 ? ` · ${formatSpeed(totals.speed)}` : ''}
        {totals.uploading > 0 && totals.eta !== undefined ? ` · ${formatDuration(totals.eta)} left` : ''}
      </span>
    </div>
  );
}

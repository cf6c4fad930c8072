import { memo, type ReactNode } from 'react';
import type { RejectedFile } from '../engine/restrictions.js';
import type { UploadFile, UploadTotals } from '../engine/uploader.js';
import { formatBytes, formatDuration, formatPercent, formatSpeed } from './format.js';
import { en } from './locales/en.js';
import type { UploaderLocale } from './locales/types.js';
import { FilePreview } from './preview.js';

/** A labelled progress bar with its value exposed to assistive technology. */
export function ProgressBar({ value, label }: { value: number; label: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="s3u-progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
      <div className="s3u-progress__bar" style={{ width: `${percent}%` }} />
    </div>
  );
}

export interface FileItemProps {
  file: UploadFile;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
  onPause?: (id: string) => void;
  onResume?: (id: string) => void;
  locale?: UploaderLocale;
}

/**
 * One file: preview, name, size, progress, status, and the actions that make
 * sense now. Memoised: a row re-renders only when its own file changes.
 */
export const FileItem = memo(function FileItem({ file, onCancel, onRetry, onRemove, onPause, onResume, locale = en }: FileItemProps) {
  const active = file.status === 'queued' || file.status === 'uploading' || file.status === 'paused';
  const failed = file.status === 'error' || file.status === 'canceled';
  const code = locale.code;
  const details: string[] = [locale.status[file.status]];
  if (file.status === 'uploading') {
    details.push(formatPercent(file.progress, code));
    if (file.speed) details.push(formatSpeed(file.speed, code));
    if (file.eta !== undefined) details.push(locale.timeLeft(formatDuration(file.eta, code)));
  }
  return (
    <li className="s3u-file" data-status={file.status} data-file-id={file.id}>
      <FilePreview data={file.data} type={file.type} name={file.name} />
      <div className="s3u-file__body">
        <div className="s3u-file__head">
          <span className="s3u-file__name" title={file.name}>
            {file.name}
          </span>
          <span className="s3u-file__size">{formatBytes(file.size, code)}</span>
        </div>
        <ProgressBar value={file.progress} label={locale.fileProgress(file.name)} />
        <div className="s3u-file__foot">
          <span className="s3u-file__status">{details.join(' · ')}</span>
          <span className="s3u-file__actions">
            {file.status === 'uploading' && onPause && (
              <button type="button" className="s3u-button" onClick={() => onPause(file.id)} aria-label={locale.pauseFile(file.name)}>
                {locale.pause}
              </button>
            )}
            {file.status === 'paused' && onResume && (
              <button type="button" className="s3u-button" onClick={() => onResume(file.id)} aria-label={locale.resumeFile(file.name)}>
                {locale.resume}
              </button>
            )}
            {active && (
              <button type="button" className="s3u-button" onClick={() => onCancel(file.id)} aria-label={locale.cancelFile(file.name)}>
                {locale.cancel}
              </button>
            )}
            {failed && (
              <button
                type="button"
                className="s3u-button s3u-button--primary"
                onClick={() => onRetry(file.id)}
                aria-label={locale.retryFile(file.name)}
              >
                {locale.retry}
              </button>
            )}
            {!active && (
              <button type="button" className="s3u-button" onClick={() => onRemove(file.id)} aria-label={locale.removeFile(file.name)}>
                {locale.remove}
              </button>
            )}
          </span>
        </div>
        {file.error && file.status === 'error' && <p className="s3u-file__error">{file.error.message}</p>}
      </div>
    </li>
  );
});

export function FileList({ children, locale = en }: { children: ReactNode; locale?: UploaderLocale }) {
  return (
    <ul className="s3u-list" aria-label={locale.filesList}>
      {children}
    </ul>
  );
}

/** Total progress over all files, how many are done, speed and time left; says when the browser is offline. */
export function StatusBar({
  totals,
  isOffline = false,
  locale = en,
}: {
  totals: UploadTotals;
  isOffline?: boolean;
  locale?: UploaderLocale;
}) {
  if (totals.files === 0) return null;
  const code = locale.code;
  const parts = [locale.uploadedCount(totals.complete, totals.files)];
  // Failed and canceled files are not in the byte totals: with only those left, there is nothing to show.
  if (totals.bytesTotal > 0) parts.push(`${formatBytes(totals.bytesUploaded, code)} / ${formatBytes(totals.bytesTotal, code)}`);
  if (totals.failed > 0) parts.push(locale.failedCount(totals.failed));
  if (totals.uploading > 0 && totals.speed > 0) parts.push(formatSpeed(totals.speed, code));
  if (totals.uploading > 0 && totals.eta !== undefined) parts.push(locale.timeLeft(formatDuration(totals.eta, code)));
  return (
    <div className="s3u-status">
      {isOffline && <p className="s3u-status__offline">{locale.offline}</p>}
      <ProgressBar value={totals.progress} label={locale.totalProgress} />
      <span className="s3u-status__text">{parts.join(' · ')}</span>
    </div>
  );
}

/** The files the restrictions refused, each saying which rule and which limit. */
export function RejectedList({
  rejected,
  onDismiss,
  locale = en,
}: {
  rejected: readonly RejectedFile[];
  onDismiss: () => void;
  locale?: UploaderLocale;
}) {
  if (rejected.length === 0) return null;
  return (
    <div className="s3u-rejected">
      <ul>
        {rejected.map((rejection, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: the same file can be refused twice; order is stable until dismissed
          <li key={`${rejection.name}-${index}`}>
            {locale.rejection(rejection.name, rejection.rule, formatLimit(rejection, locale.code))}
          </li>
        ))}
      </ul>
      <button type="button" className="s3u-button" onClick={onDismiss}>
        {locale.dismiss}
      </button>
    </div>
  );
}

function formatLimit(rejection: RejectedFile, code: string): string {
  if (rejection.limit === undefined) return '';
  if (rejection.rule === 'maxFileSize' || rejection.rule === 'minFileSize' || rejection.rule === 'maxTotalSize') {
    return formatBytes(Number(rejection.limit), code);
  }
  return String(rejection.limit);
}

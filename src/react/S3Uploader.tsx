import { useCallback, useEffect, useRef, useState } from 'react';
import type { UploaderSnapshot } from '../engine/uploader.js';
import { en } from './locales/en.js';
import type { UploaderLocale } from './locales/types.js';
import { FileItem, FileList, RejectedList, StatusBar } from './parts.js';
import { type UseS3UploadOptions, useS3Upload } from './use-s3-upload.js';

export interface S3UploaderProps extends UseS3UploadOptions {
  /** Extra class on the root element. */
  className?: string;
  /** Every string the widget shows; `en` by default, `de` and `ar` included. */
  locale?: UploaderLocale;
  /** Text of the drop area, overriding the locale's. */
  label?: string;
  /** `light` or `dark` forces a theme; by default it follows `prefers-color-scheme`. */
  theme?: 'light' | 'dark';
  /** `compact` for tight spaces. */
  size?: 'default' | 'compact';
  /** Render without the default stylesheet's look (keeps structure and classes for your CSS). */
  unstyled?: boolean;
}

/**
 * The drop-in uploader: a drop area that also opens the file chooser by
 * click, keyboard or paste, a list of files with progress, pause, cancel and
 * retry, the total, and a polite live region. A thin composition of the
 * exported parts over `useS3Upload`.
 *
 * ```tsx
 * <S3Uploader signUrl="/api/upload" onComplete={(results) => save(results)} />
 * ```
 */
export function S3Uploader({ className, locale = en, label, theme, size = 'default', unstyled = false, ...options }: S3UploaderProps) {
  const upload = useS3Upload(options);
  const announcement = useAnnouncements(upload, locale);
  const root = useRef<HTMLDivElement>(null);
  const focusAfterRemove = useRef<string | null | undefined>(undefined);

  // Removing a row must not drop focus to <body>: it goes to the next row, or the drop area.
  // The callback reads the files through a ref, so it stays the same and memoised rows do not re-render.
  const files = useRef(upload.files);
  files.current = upload.files;
  const { remove: removeFile } = upload;
  const remove = useCallback(
    (id: string) => {
      const list = files.current;
      const index = list.findIndex((file) => file.id === id);
      const next = list[index + 1] ?? list[index - 1];
      focusAfterRemove.current = next?.id ?? null;
      removeFile(id);
    },
    [removeFile],
  );
  useEffect(() => {
    const target = focusAfterRemove.current;
    if (target === undefined) return;
    focusAfterRemove.current = undefined;
    const row = target
      ? Array.from(root.current?.querySelectorAll<HTMLElement>('[data-file-id]') ?? []).find((item) => item.dataset.fileId === target)
      : undefined;
    const element = row?.querySelector<HTMLElement>('button') ?? root.current?.querySelector<HTMLElement>('.s3u-dropzone');
    element?.focus();
  });

  const classes = [unstyled ? 's3u-unstyled' : 's3u', size === 'compact' ? 's3u--compact' : '', className].filter(Boolean).join(' ');
  const dropLabel = label ?? (upload.isDragActive ? locale.dropLabelActive : locale.dropLabel);
  return (
    <div ref={root} className={classes} dir={locale.dir} lang={locale.code} data-theme={theme}>
      <div
        {...upload.getRootProps({ className: 's3u-dropzone', 'aria-label': dropLabel })}
        data-drag-active={upload.isDragActive || undefined}
      >
        <input {...upload.getInputProps({ 'aria-label': locale.chooseFiles })} />
        <svg className="s3u-dropzone__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M12 16V4m0 0-4.5 4.5M12 4l4.5 4.5M4 16v2.5A1.5 1.5 0 0 0 5.5 20h13a1.5 1.5 0 0 0 1.5-1.5V16" />
        </svg>
        <span className="s3u-dropzone__label">{dropLabel}</span>
      </div>
      <RejectedList rejected={upload.rejected} onDismiss={upload.dismissRejections} locale={locale} />
      <StatusBar totals={upload.totals} isOffline={upload.isOffline} locale={locale} />
      {upload.files.length > 0 && (
        <FileList locale={locale}>
          {upload.files.map((file) => (
            <FileItem
              key={file.id}
              file={file}
              onCancel={upload.cancel}
              onRetry={upload.retry}
              onRemove={remove}
              onPause={upload.pause}
              onResume={upload.resume}
              locale={locale}
            />
          ))}
        </FileList>
      )}
      <div className="s3u-visually-hidden" role="status" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}

/**
 * One polite sentence per change that matters — files added, refused,
 * uploaded or failed — never one per progress tick.
 */
function useAnnouncements(snapshot: UploaderSnapshot, locale: UploaderLocale): string {
  const previous = useRef<{ statuses: Map<string, string>; rejected: unknown } | null>(null);
  const [message, setMessage] = useState('');
  useEffect(() => {
    const before = previous.current;
    previous.current = { statuses: new Map(snapshot.files.map((file) => [file.id, file.status])), rejected: snapshot.rejected[0] };
    if (!before) return;
    const added = snapshot.files.filter((file) => !before.statuses.has(file.id)).length;
    const uploaded = snapshot.files.filter((file) => file.status === 'complete' && before.statuses.get(file.id) !== 'complete');
    const failed = snapshot.files.filter((file) => file.status === 'error' && before.statuses.get(file.id) !== 'error');
    let rejected = 0;
    if (snapshot.rejected[0] !== undefined && snapshot.rejected[0] !== before.rejected) {
      const lastSeen = snapshot.rejected.indexOf(before.rejected as (typeof snapshot.rejected)[number]);
      rejected = lastSeen === -1 ? snapshot.rejected.length : lastSeen;
    }
    const sentences: string[] = [];
    if (added > 0) sentences.push(locale.announceAdded(added));
    if (rejected > 0) sentences.push(locale.announceRejected(rejected));
    if (uploaded.length > 0) sentences.push(locale.announceUploaded(uploaded.map((file) => file.name)));
    if (failed.length > 0) sentences.push(locale.announceFailed(failed.map((file) => file.name)));
    if (sentences.length > 0) setMessage(sentences.join(' '));
  }, [snapshot.files, snapshot.rejected, locale]);
  return message;
}

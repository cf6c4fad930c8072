import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { UploaderSnapshot, UploadFile } from '../engine/uploader.js';
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
export function S3Uploader({ className, locale: chosen, label, theme, size = 'default', unstyled = false, ...options }: S3UploaderProps) {
  const locale = chosen ?? en;
  const upload = useS3Upload(options);
  const announcement = useAnnouncements(upload, locale);
  const root = useRef<HTMLDivElement>(null);
  useFocusKeeper(root, upload.files);

  const classes = [unstyled ? 's3u-unstyled' : 's3u', size === 'compact' ? 's3u--compact' : '', className].filter(Boolean).join(' ');
  const touch = useCoarsePointer();
  const dropLabel = label ?? (upload.isDragActive ? locale.dropLabelActive : touch ? locale.dropLabelTouch : locale.dropLabel);
  return (
    // Direction and theme come from the page unless given: a `locale` sets its direction, `theme` forces one.
    <div ref={root} className={classes} dir={chosen?.dir} lang={locale.code} data-theme={theme}>
      <div {...upload.getRootProps({ className: 's3u-dropzone' })} data-drag-active={upload.isDragActive || undefined}>
        <input {...upload.getInputProps({ 'aria-label': locale.chooseFiles })} />
        <span className="s3u-dropzone__icon" aria-hidden="true" />
        <span className="s3u-dropzone__label">{dropLabel}</span>
      </div>
      <RejectedList rejected={upload.rejected} onDismiss={upload.dismissRejections} locale={locale} />
      <StatusBar totals={upload.totals} isOffline={upload.isOffline} locale={locale} />
      {upload.files.length > 0 && (
        <FileList files={upload.files} locale={locale}>
          {(file) => (
            <FileItem
              key={file.id}
              file={file}
              onCancel={upload.cancel}
              onRetry={upload.retry}
              onRemove={upload.remove}
              onPause={upload.pause}
              onResume={upload.resume}
              locale={locale}
            />
          )}
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
function useAnnouncements({ files, rejected }: UploaderSnapshot, locale: UploaderLocale): string {
  const previous = useRef<{ statuses: Map<string, string>; rejected: unknown }>(undefined);
  const [message, setMessage] = useState('');
  useEffect(() => {
    const before = previous.current;
    previous.current = { statuses: new Map(files.map((file) => [file.id, file.status])), rejected: rejected[0] };
    if (!before) return;
    const added = files.filter((file) => !before.statuses.has(file.id)).length;
    const reached = (status: string) =>
      files.filter((file) => file.status === status && before.statuses.get(file.id) !== status).map((file) => file.name);
    const uploaded = reached('complete');
    const failed = reached('error');
    // Refusals are newest first: the new ones are those before the first one seen last time.
    const lastSeen = rejected.indexOf(before.rejected as (typeof rejected)[number]);
    const refused = lastSeen === -1 ? rejected.length : lastSeen;
    const sentences = [
      added > 0 && locale.announceAdded(added),
      refused > 0 && locale.announceRejected(refused),
      uploaded.length > 0 && locale.announceUploaded(uploaded),
      failed.length > 0 && locale.announceFailed(failed),
    ].filter(Boolean);
    if (sentences.length > 0) setMessage(sentences.join(' '));
  }, [files, rejected, locale]);
  return message;
}

/** useLayoutEffect in the browser; nothing on the server, where there is no focus to keep (and React warns). */
const useBrowserLayoutEffect = typeof document === 'undefined' ? () => {} : useLayoutEffect;

/**
 * Focus never falls to `<body>`: when the element that had focus inside the
 * widget goes away in a render (Pause becomes Resume, Cancel becomes Retry,
 * a row is removed, the refusals are dismissed), focus moves to the first
 * button of the same row, else of the row that took its place (the next,
 * or the previous at the end), else to the drop area.
 */
function useFocusKeeper(root: RefObject<HTMLDivElement | null>, files: readonly UploadFile[]): void {
  // Read while rendering, before React changes the DOM: which row, if any, had focus.
  const focused = typeof document === 'undefined' ? null : document.activeElement;
  const had = focused && focused !== root.current && root.current?.contains(focused) ? focused : null;
  const from = useRef<string | null | undefined>(undefined);
  // undefined: focus was elsewhere; null: inside, not in a row; else the row's file id.
  from.current = had ? (had.closest<HTMLElement>('[data-file-id]')?.dataset.fileId ?? null) : undefined;
  const shown = useRef(files);
  useBrowserLayoutEffect(() => {
    const before = from.current;
    const previous = shown.current;
    shown.current = files;
    const element = root.current;
    if (before === undefined || !element || (document.activeElement && document.activeElement !== document.body)) return;
    // Ids are Uppy's ([a-z0-9/-]); JSON quoting makes them a valid CSS string anyway.
    const row = (id: string | undefined) =>
      id === undefined ? null : element.querySelector<HTMLElement>(`[data-file-id=${JSON.stringify(id)}] button`);
    const still = new Set(files.map((file) => file.id));
    const index = previous.findIndex((file) => file.id === before);
    const next = previous.slice(index + 1).find((file) => still.has(file.id));
    const back = previous.slice(0, index).findLast((file) => still.has(file.id));
    const target =
      (before !== null && (row(before) ?? (index === -1 ? null : (row(next?.id) ?? row(back?.id))))) ||
      element.querySelector<HTMLElement>('.s3u-dropzone');
    target?.focus();
  });
}

/** True on a touch screen (the primary pointer is coarse); false on the server and until mounted, so hydration matches. */
function useCoarsePointer(): boolean {
  const [coarse, setCoarse] = useState(false);
  useEffect(() => {
    if (typeof matchMedia !== 'function') return;
    const query = matchMedia('(pointer: coarse)');
    const update = () => setCoarse(query.matches);
    update();
    query.addEventListener('change', update);
    return () => query.removeEventListener('change', update);
  }, []);
  return coarse;
}

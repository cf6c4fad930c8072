import { type RefObject, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { RejectedFile } from '../engine/restrictions.js';
import type { FileStatus, UploaderSnapshot, UploadFile } from '../engine/uploader.js';
import { en } from './locales/en.js';
import type { Change, UploaderLocale } from './locales/types.js';
import { FileItem, FileList, groupRefusals, isActive, RejectedList, refusalSentence, StatusBar } from './parts.js';
import { type UseS3UploadOptions, type UseS3UploadResult, useS3Upload } from './use-s3-upload.js';

export interface S3UploaderProps extends UseS3UploadOptions {
  /** Extra class on the root element. */
  className?: string;
  /** Every string the widget shows; `en` by default, `de` and `ar` included. */
  locale?: UploaderLocale;
  /** Text of the drop area, overriding the locale's. */
  label?: string;
  /**
   * `light` or `dark` forces a theme; `system` follows the operating system's.
   * By default the page's: its `color-scheme` (or a `data-theme` around the
   * widget), light when the page says nothing.
   */
  theme?: 'light' | 'dark' | 'system';
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
  useFocusKeeper(root);

  const classes = [unstyled ? 's3u-unstyled' : 's3u', size === 'compact' ? 's3u--compact' : '', className].filter(Boolean).join(' ');
  const touch = useCoarsePointer();
  const dropLabel =
    label ??
    (upload.isDragActive
      ? locale.dropLabelActive
      : touch
        ? locale.dropLabelTouch
        : options.pasteFromPage
          ? locale.dropLabelPaste
          : locale.dropLabel);
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
      <BulkActions files={upload.files} upload={upload} locale={locale} />
      {upload.files.length > 0 && (
        <FileList files={upload.files} locale={locale}>
          {(file) => (
            <FileItem
              key={file.id}
              file={file}
              onCancel={upload.cancel}
              onRetry={upload.retry}
              onRemove={upload.remove}
              // Files waiting their turn in a running batch can be held back too; before any upload runs there is nothing to pause.
              onPause={upload.isUploading ? upload.pause : undefined}
              onResume={upload.resume}
              locale={locale}
            />
          )}
        </FileList>
      )}
      <div className="s3u-visually-hidden" role="status" aria-live="polite">
        {/* A new node per message: the same words twice are read twice. */}
        {announcement.text && <span key={announcement.id}>{announcement.text}</span>}
      </div>
    </div>
  );
}

/** A burst of changes is spoken once it has been quiet this long… */
const QUIET_MS = 1000;
/** …or this long after its first change, whichever comes first: 1000 files make a handful of sentences, not hundreds. */
const MOST_MS = 4000;

/**
 * The live region's messages: what a person needs to hear, never a progress
 * tick. Once a burst of changes ends, what changed since the last message is
 * said at once: files added, refused and why, paused, resumed, canceled,
 * uploaded, failed (a retry that fails again too), offline and back; a batch
 * of more than three files ends with one summary instead of its names. Each
 * message is a new one (its `id` changes), so the same words twice are read twice.
 */
function useAnnouncements(snapshot: Pick<UploaderSnapshot, 'files' | 'rejected' | 'isOffline'>, locale: UploaderLocale): Message {
  const { files, rejected, isOffline } = snapshot;
  const latest = useRef({ snapshot, locale });
  latest.current = { snapshot, locale };
  /** What the last message covered; the first render is where counting starts. */
  const spoken = useRef(snapshot);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const since = useRef(0);
  const [message, setMessage] = useState<Message>({ id: 0, text: '' });
  useEffect(() => () => clearTimeout(timer.current), []);
  useEffect(() => {
    if (spoken.current.files === files && spoken.current.rejected === rejected && spoken.current.isOffline === isOffline) return;
    since.current ||= Date.now();
    clearTimeout(timer.current);
    timer.current = setTimeout(
      () => {
        since.current = 0;
        const { snapshot: now, locale: words } = latest.current;
        const before = spoken.current;
        spoken.current = now;
        const text = describeChanges(before, now, words);
        if (text) setMessage((previous) => ({ id: previous.id + 1, text }));
      },
      Math.max(0, Math.min(QUIET_MS, since.current + MOST_MS - Date.now())),
    );
  }, [files, rejected, isOffline]);
  return message;
}

interface Message {
  id: number;
  text: string;
}

/** What changed from one snapshot to the next, in sentences; empty when nothing a person needs to hear. */
function describeChanges(
  before: Pick<UploaderSnapshot, 'files' | 'rejected' | 'isOffline'>,
  now: Pick<UploaderSnapshot, 'files' | 'rejected' | 'isOffline'>,
  locale: UploaderLocale,
): string {
  const was = new Map(before.files.map((file) => [file.id, file]));
  const names: Record<Change, string[]> = { paused: [], resumed: [], canceled: [], uploaded: [], failed: [] };
  const tally: Partial<Record<FileStatus, number>> = {};
  let added = 0;
  for (const file of now.files) {
    const { status, name } = file;
    const then = was.get(file.id);
    tally[status] = (tally[status] ?? 0) + 1;
    if (!then) added++;
    // A failure is new when its error is: a retry that fails again is said again.
    if (status === 'error' ? then?.error === file.error : status === then?.status) continue;
    if (then?.status === 'paused' && status !== 'canceled' && status !== 'error' && !before.isOffline) names.resumed.push(name);
    // Paused by going offline is said once, as going offline.
    if (status !== 'queued' && status !== 'uploading' && !(status === 'paused' && now.isOffline))
      names[status === 'complete' ? 'uploaded' : status === 'error' ? 'failed' : status].push(name);
  }
  // Refusals are newest first: the new ones are those before the first one said last time.
  const lastSaid = now.rejected.indexOf(before.rejected[0] as RejectedFile);
  // A batch ends when nothing is left to upload (a paused file keeps it open); one of many ends with a summary.
  const summary = now.files.length > 3 && !now.files.some((file) => isActive(file.status));
  return [
    now.isOffline !== before.isOffline && (now.isOffline ? locale.offline : locale.online),
    added > 0 && locale.announceAdded(added),
    ...groupRefusals(now.rejected.slice(0, lastSaid === -1 ? undefined : lastSaid), locale).map((group) => refusalSentence(group, locale)),
    ...(Object.keys(names) as Change[]).map(
      (change) =>
        names[change].length > 0 && !(summary && (change === 'uploaded' || change === 'failed')) && locale.announce(names[change], change),
    ),
    summary &&
      (names.uploaded.length > 0 || names.failed.length > 0) &&
      locale.announceSummary(
        [locale.uploadedCount(tally.complete ?? 0, now.files.length), tally.error && locale.failedCount(tally.error)]
          .filter(Boolean)
          .join(', '),
      ),
  ]
    .filter(Boolean)
    .join(' ');
}

/** useLayoutEffect in the browser; nothing on the server, where there is no focus to keep (and React warns). */
const useBrowserLayoutEffect = typeof document === 'undefined' ? () => {} : useLayoutEffect;

/**
 * Focus never falls to `<body>`: when the element that had focus inside the
 * widget goes away in a render (Pause becomes Resume, Cancel becomes Retry,
 * a row is removed, the refusals are dismissed, Cancel all becomes Retry
 * all), focus moves to the first button of the same row, else of the row
 * after it or before it, else of the list's toolbar, else to the drop area.
 */
function useFocusKeeper(root: RefObject<HTMLDivElement | null>): void {
  // Read while rendering, before React changes the DOM: where focus could go if its element goes.
  const focused = typeof document === 'undefined' ? null : document.activeElement;
  const row = focused?.closest('[data-file-id]');
  const places = useRef<Array<Element | null | undefined>>([]);
  places.current =
    focused !== root.current && root.current?.contains(focused)
      ? [row, row?.nextElementSibling, row?.previousElementSibling, focused?.closest('.s3u-toolbar'), root.current.firstElementChild]
      : [];
  useBrowserLayoutEffect(() => {
    const now = document.activeElement;
    if (now && now !== document.body) return;
    for (const place of places.current) {
      // The drop area is a button itself; the others hold buttons.
      const target = place?.isConnected && (place.matches('[role=button]') ? place : place.querySelector('button'));
      if (target) return (target as HTMLElement).focus();
    }
  });
}

/** True on a touch screen (the primary pointer is coarse); false on the server and until mounted, so hydration matches. */
function useCoarsePointer(): boolean {
  const [coarse, setCoarse] = useState(false);
  useEffect(() => setCoarse(typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches), []);
  return coarse;
}

/** Buttons for the whole list: cancel what runs, retry what failed or was canceled, empty the list once nothing runs. */
function BulkActions({
  files,
  upload,
  locale,
}: {
  files: readonly UploadFile[];
  upload: Pick<UseS3UploadResult, 'cancelAll' | 'retryAll' | 'removeAll'>;
  locale: UploaderLocale;
}) {
  // One file has its own buttons.
  if (files.length < 2) return null;
  const active = files.some((file) => isActive(file.status));
  const actions = {
    cancelAll: active,
    retryAll: files.some((file) => file.status === 'error' || file.status === 'canceled'),
    removeAll: !active,
  };
  return (
    <div className="s3u-toolbar">
      {(Object.keys(actions) as Array<keyof typeof actions>).map(
        (action) =>
          actions[action] && (
            <button key={action} type="button" className="s3u-button" onClick={upload[action]}>
              {locale[action]}
            </button>
          ),
      )}
    </div>
  );
}

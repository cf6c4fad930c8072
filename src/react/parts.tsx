import { cloneElement, Fragment, memo, type ReactElement, useEffect, useRef, useState } from 'react';
import type { RejectedFile } from '../engine/restrictions.js';
import type { FileStatus, UploadFile, UploadTotals } from '../engine/uploader.js';
import { formatBytes, formatDuration, formatPercent, formatSpeed } from './format.js';
import { en } from './locales/en.js';
import type { UploaderLocale } from './locales/types.js';
import { FilePreview } from './preview.js';

/** Not finished yet: waiting its turn, uploading or paused. */
export const isActive = (status: FileStatus): boolean => status === 'queued' || status === 'uploading' || status === 'paused';

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
  /** Offered for an uploading file, and for a queued one: pass it only while a batch runs (as `<S3Uploader>` does) to hold back files waiting their turn. */
  onPause?: (id: string) => void;
  onResume?: (id: string) => void;
  locale?: UploaderLocale;
  /** The row's place and the list's length, for lists that render only the rows in view (FileList sets them). */
  'aria-posinset'?: number;
  'aria-setsize'?: number;
}

/**
 * One file: preview, name, size, progress, status, and the actions that make
 * sense now. Memoised: a row re-renders only when its own file changes.
 */
export const FileItem = /* @__PURE__ */ memo(function FileItem({
  file,
  onCancel,
  onRetry,
  onRemove,
  onPause,
  onResume,
  locale = en,
  'aria-posinset': position,
  'aria-setsize': setSize,
}: FileItemProps) {
  const { status, name, id } = file;
  const active = isActive(status);
  const code = locale.code;
  const details: string[] = [locale.status[status]];
  if (status === 'uploading') {
    details.push(formatPercent(file.progress, code));
    pushRate(details, file, locale);
  }
  // The actions that make sense now, in this order; each button's name says which file it acts on.
  const actions = {
    pause: (status === 'uploading' || status === 'queued') && onPause,
    resume: status === 'paused' && onResume,
    cancel: active && onCancel,
    retry: (status === 'error' || status === 'canceled') && onRetry,
    remove: !active && onRemove,
  };
  return (
    <li className="s3u-file" data-status={status} data-file-id={id} aria-posinset={position} aria-setsize={setSize}>
      <FilePreview data={file.data} type={file.type} name={name} />
      <div className="s3u-file__body">
        <div className="s3u-file__head">
          <FileName name={name} />
          <span className="s3u-file__size">{formatBytes(file.size, code)}</span>
        </div>
        <ProgressBar value={file.progress} label={locale.fileProgress(name)} />
        <div className="s3u-file__foot">
          <span className="s3u-file__status">
            <Segments parts={details} />
          </span>
          <span className="s3u-file__actions">
            {(Object.keys(actions) as Array<keyof typeof actions>).map((action) => {
              const run = actions[action];
              return (
                run && (
                  <button
                    key={action}
                    type="button"
                    className={action === 'retry' ? 's3u-button s3u-button--primary' : 's3u-button'}
                    onClick={() => run(id)}
                    aria-label={locale[`${action}File`](name)}
                  >
                    {locale[action]}
                  </button>
                )
              );
            })}
          </span>
        </div>
        {file.error && status === 'error' && (
          <div className="s3u-file__error">
            <p>{locale.failure(file.error)}</p>
            {/* The technical detail, for whoever helps: in the words the code wrote it in. */}
            <details className="s3u-file__details">
              <summary>{locale.details}</summary>
              <p lang="en" dir="auto">
                {file.error.message}
              </p>
            </details>
          </div>
        )}
      </div>
    </li>
  );
});

/** A row's or the totals' rate: "waiting for the connection" when no byte moved for a while, else speed and time left as known. */
function pushRate(
  parts: string[],
  { waiting, speed, eta }: Pick<UploadFile, 'speed' | 'eta'> & { waiting?: boolean | undefined },
  locale: UploaderLocale,
) {
  if (waiting) parts.push(locale.waiting);
  else {
    if (speed) parts.push(formatSpeed(speed, locale.code));
    if (eta !== undefined) parts.push(locale.timeLeft(formatDuration(eta, locale.code)));
  }
}

/** Rows rendered beyond each edge of the visible part: Tab and Shift+Tab find the next row's buttons in the DOM. */
const OVERSCAN = 4;
/** Lists this long are rendered whole; longer ones render this many rows until the row height is known (never under SSR or jsdom). */
const ALL_ROWS = 24;

/**
 * The files, in a scroll container that renders only the rows in view and a
 * few beyond (1000 files cost what 20 do): padding stands in for the others.
 * Each row says where it stands (aria-posinset of aria-setsize), so a screen
 * reader still hears "512 of 1000"; rows that Tab or scrolling bring into
 * view are rendered as they come. Without a height limit on `.s3u-files`
 * (unstyled, or your CSS) every row is rendered.
 *
 * ```tsx
 * <FileList files={files}>{(file) => <FileItem key={file.id} file={file} … />}</FileList>
 * ```
 */
export function FileList({
  files,
  children,
  locale = en,
}: {
  files: readonly UploadFile[];
  /** Renders one row (a FileItem, or your own `<li>` that takes the aria props). Only rows in view are rendered. */
  children: (file: UploadFile) => ReactElement<FileItemProps>;
  locale?: UploaderLocale;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  // What the DOM says: how far the list is scrolled, how much of it shows, and the distance from
  // one row to the next (row and gap), 0 until two rows were laid out (never under SSR or jsdom).
  const [top, setTop] = useState(0);
  const [height, setHeight] = useState(0);
  const [pitch, setPitch] = useState(0);
  // The pitch the observer last saw, and where to put the scroll once rows of a new pitch are laid out (the row
  // that was at the top, or the end): zoom, forced colours or a font change must not move the list's place.
  const seen = useRef({ pitch: 0, anchor: -1 });
  const measure = () => {
    const element = scroller.current as HTMLDivElement;
    const rows = (element.firstElementChild as HTMLElement).children as HTMLCollectionOf<HTMLElement>;
    // The smallest step between rendered rows: taller rows (an error message) then cover more than estimated, never less.
    let step = 0;
    for (let index = 1; index < rows.length; index++) {
      const distance = (rows[index] as HTMLElement).offsetTop - (rows[index - 1] as HTMLElement).offsetTop;
      if (index === 1 || distance < step) step = distance;
    }
    const last = seen.current;
    if (step && last.pitch && step !== last.pitch && element.scrollTop > 0) {
      last.anchor = element.scrollTop + element.clientHeight >= element.scrollHeight - 1 ? Infinity : element.scrollTop / last.pitch;
    }
    if (step) last.pitch = step;
    setTop(element.scrollTop);
    setHeight(element.clientHeight);
    if (step) setPitch(step);
  };
  useEffect(() => {
    const { anchor } = seen.current;
    if (anchor < 0) return;
    seen.current.anchor = -1;
    const element = scroller.current as HTMLDivElement;
    element.scrollTop = anchor === Infinity ? element.scrollHeight : anchor * pitch;
  }, [pitch]);
  // Layout is read when a size changed (the scroller's, or the list's: rows added, removed or grown) and on
  // scroll, never after a render that changed no size: a row whose status text changes costs no forced layout.
  // biome-ignore lint/correctness/useExhaustiveDependencies: measure reads only the ref and sets state
  useEffect(() => {
    if (typeof ResizeObserver === 'undefined') return;
    const element = scroller.current as HTMLDivElement;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    observer.observe(element.firstElementChild as HTMLElement);
    return () => observer.disconnect();
  }, []);
  const count = files.length;
  const windowed = pitch && count > ALL_ROWS;
  const first = windowed ? Math.max(0, Math.floor(top / pitch) - OVERSCAN) : 0;
  const end = windowed ? Math.min(count, Math.ceil((top + height) / pitch) + OVERSCAN) : Math.min(count, ALL_ROWS);
  // The padding sits inside the scroller, whose height is capped: on the scroller it would grow it instead.
  return (
    <div ref={scroller} className="s3u-files" onScroll={measure}>
      <ul className="s3u-list" aria-label={locale.filesList} style={{ paddingBlock: `${first * pitch}px ${(count - end) * pitch}px` }}>
        {files
          .slice(first, end)
          .map((file, index) => cloneElement(children(file), { 'aria-posinset': first + index + 1, 'aria-setsize': count }))}
      </ul>
    </div>
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
  if (totals.bytesTotal > 0) parts.push(`${formatBytes(totals.bytesUploaded, code)}\u00a0/ ${formatBytes(totals.bytesTotal, code)}`);
  if (totals.failed > 0) parts.push(locale.failedCount(totals.failed));
  if (totals.uploading > 0) pushRate(parts, totals, locale);
  return (
    <div className="s3u-status" data-done={(totals.files > 0 && totals.complete === totals.files) || undefined}>
      {isOffline && <p className="s3u-status__offline">{locale.offline}</p>}
      <ProgressBar value={totals.progress} label={locale.totalProgress} />
      <span className="s3u-status__text">
        <Segments parts={parts} />
      </span>
    </div>
  );
}

/** Refusals grouped by reason (rule and limit), in the order each reason first occurs. */
export function groupRefusals(
  refused: readonly RejectedFile[],
  locale: UploaderLocale,
): Array<{ reason: string; rejections: RejectedFile[] }> {
  const groups = new Map<string, RejectedFile[]>();
  for (const rejection of refused) {
    const reason = locale.refusal(rejection.rule, limitOf(rejection, locale.code));
    groups.set(reason, [...(groups.get(reason) ?? []), rejection]);
  }
  return Array.from(groups, ([reason, rejections]) => ({ reason, rejections }));
}

/** A group of refusals in one sentence: the file's name when it is alone, else how many ("30 files were not added: …"). */
export function refusalSentence({ reason, rejections }: { reason: string; rejections: RejectedFile[] }, locale: UploaderLocale): string {
  const [first] = rejections as [RejectedFile];
  return rejections.length === 1
    ? locale.rejection(isolate(first.name), first.rule, limitOf(first, locale.code))
    : locale.announceRejected(rejections.length, reason);
}

/**
 * The files the restrictions refused, grouped by reason: a file alone says
 * its name, the rule and the limit; a group says how many and why, and its
 * names are one click away (a disclosure with a scrolling list), however many.
 */
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
        {groupRefusals(rejected, locale).map(({ reason, rejections }) => {
          const sentence = refusalSentence({ reason, rejections }, locale);
          return (
            <li key={reason}>
              {sentence}
              {rejections.length > 1 && (
                <details className="s3u-rejected__names">
                  <summary>{locale.showNames}</summary>
                  {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a list that scrolls must be reachable by keyboard to scroll */}
                  <ul tabIndex={0} aria-label={sentence}>
                    {rejections.map((rejection, index) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: the same name can be refused twice; order is stable until dismissed
                      <li key={index}>{rejection.name}</li>
                    ))}
                  </ul>
                </details>
              )}
            </li>
          );
        })}
      </ul>
      <button type="button" className="s3u-button" onClick={onDismiss}>
        {locale.dismiss}
      </button>
    </div>
  );
}

/**
 * A name inside a sentence, isolated (FSI … PDI, what `<bdi>` does for an
 * element): a Latin file name in an Arabic sentence keeps its punctuation
 * where it belongs, and the sentence's own punctuation stays at its end.
 */
export const isolate = (text: string): string => `\u2068${text}\u2069`;

/** A refusal's limit as people read it: sizes in units, counts and type lists as they are. */
export function limitOf(rejection: RejectedFile, code: string): string {
  if (rejection.limit === undefined) return '';
  if (rejection.rule === 'maxFileSize' || rejection.rule === 'minFileSize' || rejection.rule === 'maxTotalSize') {
    // The number the app configured, rounded towards what is allowed.
    return formatBytes(Number(rejection.limit), code, rejection.rule === 'minFileSize' ? 'ceil' : 'floor');
  }
  return String(rejection.limit);
}

/**
 * The segments of a status line ("Uploading · 42% · 2.3 MB/s"), each
 * isolated in a `<bdi>`: in right-to-left text a percentage or a speed keeps
 * its place instead of trading it with a neighbour's unit. The separator
 * stays with the segment before it when the line wraps.
 */
function Segments({ parts }: { parts: readonly string[] }) {
  return parts.map((part, index) => (
    // biome-ignore lint/suspicious/noArrayIndexKey: a segment's place is its identity; the same text may repeat
    <Fragment key={index}>
      {index > 0 && '\u00a0· '}
      <bdi>{part}</bdi>
    </Fragment>
  ));
}

/**
 * A file name cut in the middle when it does not fit, so its end and
 * extension stay in sight ("IMG_2026…_final.jpg"). The whole name is the
 * text a screen reader reads, the tooltip on hover, and a tap or click on
 * the name shows it whole (touch has no hover).
 */
function FileName({ name }: { name: string }) {
  // Kept in sight: the extension (up to 10 characters) and the 6 characters before it.
  const cut = Math.max(0, name.length - 6 - Math.min(10, name.length - name.lastIndexOf('.')));
  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a pointer convenience; keyboards and screen readers get the whole name as text
    // biome-ignore lint/a11y/useKeyWithClickEvents: as above
    <span className="s3u-file__name" title={name} dir="auto" onClick={(event) => event.currentTarget.toggleAttribute('data-whole')}>
      {cut === 0 ? (
        name
      ) : (
        <>
          <span className="s3u-file__name-start" aria-hidden="true">
            {name.slice(0, cut)}
          </span>
          <span className="s3u-file__name-end" aria-hidden="true">
            {name.slice(cut)}
          </span>
          <span className="s3u-visually-hidden">{name}</span>
        </>
      )}
    </span>
  );
}

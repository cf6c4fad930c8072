/**
 * The widget's parts in the states people meet (uploading, paused, done,
 * failed, refused, the drop area, the totals), rendered with React's server
 * renderer into one page with the default stylesheet, and opened in Debian's
 * Chromium through playwright-core. For checks only a real layout engine can
 * make: forced colours, reflow at 320 px, text spacing, bidirectional text.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { RejectedFile } from '../../src/engine/restrictions.js';
import type { UploadFile, UploadTotals } from '../../src/engine/uploader.js';
import { UploadError } from '../../src/protocol/errors.js';
import { FileItem, RejectedList, StatusBar, type UploaderLocale } from '../../src/react/index.js';
import { chromiumLaunchOptions } from './chromium.js';

const css = readFileSync(resolve(import.meta.dirname, '../../src/styles/style.css'), 'utf8');
const noop = () => {};
const MB = 1_000_000;

/** One file as the engine describes it; `data` is a Blob of the right type (no bytes needed). */
export function fileOf(name: string, type: string, size: number, state: Partial<UploadFile> = {}): UploadFile {
  return {
    id: `id-${name}`,
    name,
    size,
    type,
    data: new Blob([], { type }),
    status: 'queued',
    bytesUploaded: 0,
    progress: 0,
    ...state,
  };
}

/** The rows of the gallery: one per state that shows something different. */
export const galleryFiles: UploadFile[] = [
  fileOf('IMG_20261202_143512_HDR_panorama_final_version.jpg', 'image/jpeg', 12 * MB, {
    status: 'uploading',
    bytesUploaded: 5 * MB,
    progress: 5 / 12,
    speed: 2.3 * MB,
    eta: 3,
  }),
  fileOf('interview.mp4', 'video/mp4', 4 * MB, { status: 'paused', bytesUploaded: MB, progress: 0.25 }),
  fileOf('site-backup.tar', 'application/x-tar', 6 * MB, { status: 'complete', bytesUploaded: 6 * MB, progress: 1 }),
  fileOf('invoice-0042.pdf', 'application/pdf', 90_000, {
    status: 'error',
    error: new UploadError({
      code: 'endpoint_refused',
      status: 500,
      message: 'The signing endpoint /api/upload answered "presign-put" with HTTP 500: Internal Server Error.',
      retryable: true,
    }),
  }),
];

const totals: UploadTotals = {
  files: 4,
  bytesTotal: 22 * MB,
  bytesUploaded: 12 * MB,
  progress: 12 / 22,
  uploading: 1,
  waiting: false,
  complete: 1,
  failed: 1,
  speed: 2.3 * MB,
  eta: 4,
};

const rejected: RejectedFile[] = [
  { file: new Blob([]), name: 'too-big.log', rule: 'maxFileSize', limit: 10 * MB, reason: '' },
  { file: new Blob([]), name: 'photo.heic', rule: 'accept', limit: 'image/jpeg, image/png', reason: '' },
];

export interface GalleryOptions {
  locale?: UploaderLocale;
  /** `dir` on the page (the widget inherits it). */
  dir?: 'ltr' | 'rtl';
  size?: 'default' | 'compact';
  theme?: 'light' | 'dark' | 'system';
  /** Extra CSS for the page (e.g. WCAG text spacing). */
  pageCss?: string;
}

/** The whole page: the widget's markup in each state, with the default stylesheet. */
export function galleryHtml({ locale, dir, size = 'default', theme, pageCss = '' }: GalleryOptions = {}): string {
  const common = { locale, onCancel: noop, onRetry: noop, onRemove: noop, onPause: noop, onResume: noop };
  const widget = h(
    'div',
    {
      className: size === 'compact' ? 's3u s3u--compact' : 's3u',
      lang: locale?.code ?? 'en',
      dir: locale?.dir,
      'data-theme': theme,
    },
    h(
      'div',
      { className: 's3u-dropzone', role: 'button', tabIndex: 0 },
      h('span', { className: 's3u-dropzone__icon', 'aria-hidden': true }),
      h('span', { className: 's3u-dropzone__label' }, locale?.dropLabel ?? 'Drop files here or click to browse'),
    ),
    h(RejectedList, { rejected, onDismiss: noop, locale }),
    h(StatusBar, { totals, locale }),
    h(
      'div',
      { className: 's3u-files' },
      h('ul', { className: 's3u-list' }, ...galleryFiles.map((file) => h(FileItem, { key: file.id, file, ...common }))),
    ),
  );
  return `<!doctype html><html lang="${locale?.code ?? 'en'}"${dir ? ` dir="${dir}"` : ''}><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><style>${css}</style><style>body{margin:8px;font-family:sans-serif}${pageCss}</style></head><body>${renderToStaticMarkup(widget)}</body></html>`;
}

/** One Chromium for a test file; close it in afterAll. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch(chromiumLaunchOptions);
}

/** A page of `width` CSS pixels showing the gallery. */
export async function openGallery(browser: Browser, options: GalleryOptions & { width?: number } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: options.width ?? 560, height: 900 } });
  await page.setContent(galleryHtml(options));
  return page;
}

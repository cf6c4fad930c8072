import type { Meta, StoryContext, StoryObj } from '@storybook/react-vite';
import { expect, fn, type Mock, userEvent, waitFor, within } from 'storybook/test';
import type { FileResult } from '../src/index.js';
import { ar, de, S3Uploader } from '../src/react/index.js';
import { seen } from '../test/support/seen.js';
import { type BackendOptions, backend, KiB, MiB, makeFile, makeImage, SIGN_URL } from './support/backend.js';
import { inside } from './support/frame.js';
import { chooseFiles, dragOver, dropFiles, pickFiles } from './support/play.js';
import { RequestLog } from './support/RequestLog.js';

/**
 * The drop-in `<S3Uploader>` in each state a person meets. The signing
 * endpoint and the bucket are mocked with MSW (stories/support/backend.ts):
 * nothing here needs a server. Each play function does what a person would
 * and checks what they would see.
 */
const meta = {
  title: 'S3Uploader',
  component: S3Uploader,
  args: {
    signUrl: SIGN_URL,
    // Stories must not find each other's multipart uploads in IndexedDB.
    persist: false,
    // A held PUT must stay held while someone looks at the story, not be retried as stalled.
    stallTimeoutMs: 10 * 60_000,
  },
  decorators: [inside({ className: 'story-frame' })],
} satisfies Meta<typeof S3Uploader>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Installs the mocked backend for one story. */
const mockBackend =
  (options: BackendOptions = {}) =>
  ({ msw }: StoryContext) =>
    backend.install(msw, options);

/** Uploads take a moment under MSW (bodies travel to the service worker and back): wait up to 10 s, not 1 s. */
const patiently = { timeout: 10_000 };

/** Retry once, quickly: failures show at once instead of after the default backoff. */
const noRetries = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

const progressOf = (element: HTMLElement) => Number(element.getAttribute('aria-valuenow'));

/** A row's status line ("Uploading · 42% · …"): segments in <bdi>s, so read as one text. */
const statusOf = (row: ReturnType<typeof within>) =>
  row.getByText((_: string, element: Element | null) => element?.classList.contains('s3u-file__status') ?? false);
/** The totals line under the total bar. */
const totalsOf = (root: HTMLElement) => root.querySelector('.s3u-status__text') as HTMLElement;

export const Empty: Story = {
  beforeEach: mockBackend(),
  play: async ({ canvas }) => {
    const dropArea = canvas.getByRole('button', { name: 'Drop files here or click to browse' });
    await expect(dropArea).toBeVisible();
    await expect(canvas.getByText('Drop files here or click to browse')).toBeVisible();
    await expect(canvas.queryByRole('list', { name: 'Files' })).toBeNull();
    await expect(canvas.queryByRole('progressbar')).toBeNull();
    // Reachable by keyboard: the first Tab stop.
    await userEvent.tab();
    await expect(dropArea).toHaveFocus();
    dropArea.blur();
  },
};

export const DragOver: Story = {
  beforeEach: mockBackend(),
  play: async ({ canvas }) => {
    const dropArea = canvas.getByRole('button', { name: 'Drop files here or click to browse' });
    dragOver(dropArea, [makeFile('holiday.jpg', 120 * KiB, 'image/jpeg')]);
    await expect(await canvas.findByText('Drop to add the files', {}, patiently)).toBeVisible();
    await expect(dropArea).toHaveAttribute('data-drag-active');
    // The accessible name follows the visible text (WCAG 2.5.3, axe's label-content-name-mismatch).
    await expect(dropArea).toHaveAccessibleName('Drop to add the files');
  },
};

/**
 * Mid-way progress comes from finished parts: under a service worker (MSW)
 * Chromium fires no XHR upload progress events, so a held single PUT sits at
 * 0 % until it is answered. A 12 MiB file in 5 MiB parts, part 1 through
 * and parts 2 and 3 held by the bucket, stays at 42 %.
 */
const midway = { multipartThreshold: 5 * MiB, partSize: 5 * MiB };
const holdAfterFirstPart = (put: { partNumber: number | null }) => put.partNumber !== 1;

export const UploadingOne: Story = {
  args: midway,
  beforeEach: mockBackend({ hold: holdAfterFirstPart }),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [makeFile('quarterly-report.pdf', 12 * MiB, 'application/pdf')]);
    const row = within((await canvas.findByText('quarterly-report.pdf', {}, patiently)).closest('li') as HTMLElement);
    // Decimal units, as their symbols say: 12 MiB is 12.6 MB.
    await expect(row.getByText('12.6 MB')).toBeVisible();
    await waitFor(() => expect(statusOf(row)).toHaveTextContent(/^Uploading · 42%/), patiently);
    const bar = row.getByRole('progressbar', { name: 'quarterly-report.pdf: upload progress' });
    await expect(bar).toHaveAttribute('aria-valuenow', '42');
    await expect(row.getByRole('button', { name: 'Pause quarterly-report.pdf' })).toBeVisible();
    await expect(row.getByRole('button', { name: 'Cancel quarterly-report.pdf' })).toBeVisible();
    await expect(totalsOf(canvasElement)).toHaveTextContent(/^0 of 1 file uploaded · 5.2 MB \/ 12.6 MB/);
    // Cancel by keyboard: focus stays in the row, on Retry.
    row.getByRole('button', { name: 'Cancel quarterly-report.pdf' }).focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(row.getByRole('button', { name: 'Retry quarterly-report.pdf' })).toHaveFocus(), patiently);
  },
};

const tenPhotos = () =>
  Promise.all(
    Array.from({ length: 10 }, (_, index) =>
      makeImage(`photo-${String(index + 1).padStart(2, '0')}.jpg`, (index + 1) * 150 * KiB, index * 36),
    ),
  );

export const UploadingMany: Story = {
  name: 'Uploading many (10 files, dropped)',
  // The first four go through; the others wait on the bucket.
  beforeEach: mockBackend({ hold: (put) => !/photo-0[1-4]/.test(put.key) }),
  play: async ({ canvas }) => {
    dropFiles(canvas.getByRole('button', { name: /Drop files here/ }), await tenPhotos());
    const list = await canvas.findByRole('list', { name: 'Files' });
    await waitFor(() => expect(within(list).getAllByRole('listitem')).toHaveLength(10), patiently);
    await waitFor(() => expect(within(list).getAllByText('Uploaded')).toHaveLength(4), patiently);
    await waitFor(() => expect(within(list).getAllByText(/^Uploading/).length).toBeGreaterThan(0), patiently);
    await expect(canvas.getByText(/^4 of 10 files uploaded/)).toBeVisible();
    const total = canvas.getByRole('progressbar', { name: 'Total upload progress' });
    await expect(progressOf(total)).toBeGreaterThan(0);
    await expect(progressOf(total)).toBeLessThan(100);
  },
};

export const Multipart: Story = {
  name: 'Multipart (6 MiB file, 5 MiB threshold)',
  args: { multipartThreshold: 5 * MiB, partSize: 5 * MiB },
  beforeEach: mockBackend(),
  render: (args) => (
    <>
      <S3Uploader {...args} />
      <RequestLog />
    </>
  ),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [makeFile('site-backup.tar', 6 * MiB, 'application/x-tar')]);
    await expect(await canvas.findByText('Uploaded', {}, patiently)).toBeVisible();
    const log = within(canvas.getByRole('region', { name: 'Requests (mocked network)' }));
    await expect(log.getByText(/create-multipart/)).toBeVisible();
    await expect(log.getByText(/PUT uploads\/site-backup\.tar part 1, 5.2 MB → 200/)).toBeVisible();
    await expect(log.getByText(/PUT uploads\/site-backup\.tar part 2, 1 MB → 200/)).toBeVisible();
    await expect(log.getByText(/complete-multipart \(site-backup\.tar, completed\)/)).toBeVisible();
    // Parts go up in parallel: sort before comparing.
    await expect(backend.puts.map((put) => [put.partNumber, put.bytes]).sort()).toEqual([
      [1, 5 * MiB],
      [2, 1 * MiB],
    ]);
  },
};

export const Paused: Story = {
  beforeEach: mockBackend({ hold: true }),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [makeFile('interview.mp4', 4 * MiB, 'video/mp4')]);
    await userEvent.click(await canvas.findByRole('button', { name: 'Pause interview.mp4' }));
    await expect(await canvas.findByText('Paused', {}, patiently)).toBeVisible();
    // The pressed button is gone; focus is on the one that took its place, not on <body>.
    await waitFor(() => expect(canvas.getByRole('button', { name: 'Resume interview.mp4' })).toHaveFocus());
    await expect(canvas.queryByRole('button', { name: 'Pause interview.mp4' })).toBeNull();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(canvas.getByRole('button', { name: 'Pause interview.mp4' })).toHaveFocus(), patiently);
    await userEvent.click(canvas.getByRole('button', { name: 'Pause interview.mp4' }));
    await waitFor(() => expect(canvas.getByRole('button', { name: 'Resume interview.mp4' })).toHaveFocus(), patiently);
  },
};

export const Offline: Story = {
  beforeEach: (context) => {
    mockBackend({ hold: true })(context);
    // Leave the next story online.
    return () => {
      window.dispatchEvent(new Event('online'));
    };
  },
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [makeFile('field-notes.docx', 800 * KiB)]);
    await canvas.findByText(/^Uploading/, {}, patiently);
    window.dispatchEvent(new Event('offline'));
    await expect(await canvas.findByText(/^You are offline\./, {}, patiently)).toBeVisible();
    await expect(await canvas.findByText('Paused', {}, patiently)).toBeVisible();
  },
};

export const Failed: Story = {
  args: { retry: noRetries },
  beforeEach: mockBackend({ failSigning: { status: 500, times: Number.POSITIVE_INFINITY } }),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [makeFile('invoice-0042.pdf', 90 * KiB, 'application/pdf')]);
    await expect(await canvas.findByText('Failed', {}, patiently)).toBeVisible();
    // A sentence for people; the technical detail one click away.
    await expect(canvas.getByText('The site could not take the file. Retry in a moment.')).toBeVisible();
    await expect(canvas.getByText(/answered "presign-put" with HTTP 500/)).not.toBeVisible();
    await userEvent.click(canvas.getByText('Details'));
    await expect(canvas.getByText(/answered "presign-put" with HTTP 500/)).toBeVisible();
    await expect(canvas.getByRole('button', { name: 'Retry invoice-0042.pdf' })).toBeVisible();
    await expect(canvas.getByText(/1 failed/)).toBeVisible();
    // Retry fails again: focus stays in the row, never on <body>.
    await userEvent.click(canvas.getByRole('button', { name: 'Retry invoice-0042.pdf' }));
    await expect(await canvas.findByText('Failed', {}, patiently)).toBeVisible();
    await waitFor(() => expect(document.activeElement?.closest('li')).toHaveTextContent('invoice-0042.pdf'), patiently);
  },
};

export const ErrorThenRetry: Story = {
  name: 'Error, then Retry',
  args: { retry: noRetries },
  beforeEach: mockBackend({ failSigning: { status: 500, times: 1 } }),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [makeFile('invoice-0042.pdf', 90 * KiB, 'application/pdf')]);
    await expect(await canvas.findByText('Failed', {}, patiently)).toBeVisible();
    await userEvent.click(canvas.getByRole('button', { name: 'Retry invoice-0042.pdf' }));
    await expect(await canvas.findByText('Uploaded', {}, patiently)).toBeVisible();
    await expect(canvas.queryByText(/HTTP 500/)).toBeNull();
    await expect(canvas.getByText(/^1 of 1 file uploaded/)).toBeVisible();
  },
};

export const Done: Story = {
  beforeEach: mockBackend(),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [
      makeFile('contract-signed.pdf', 240 * KiB, 'application/pdf'),
      await makeImage('floor-plan.png', 1.2 * MiB, 200, 'image/png'),
      makeFile('notes.txt', 2 * KiB, 'text/plain'),
    ]);
    await waitFor(() => expect(canvas.getAllByText('Uploaded')).toHaveLength(3), patiently);
    await expect(canvas.getByText(/^3 of 3 files uploaded/)).toBeVisible();
    await expect(canvas.getByRole('progressbar', { name: 'Total upload progress' })).toHaveAttribute('aria-valuenow', '100');
    // The polite live region announced the last of them (one sentence per change, not per file).
    await waitFor(() => expect(canvas.getByRole('status')).toHaveTextContent(/uploaded\.$/), patiently);
    await expect(canvas.getByRole('button', { name: 'Remove notes.txt' })).toBeVisible();
  },
};

/** Three files: two through (one with a thumbnail), one mid-way: the states most worth seeing in another look. */
async function uploadThree(canvasElement: HTMLElement) {
  await chooseFiles(canvasElement, [
    makeFile('summary.pdf', 300 * KiB, 'application/pdf'),
    await makeImage('cover.jpg', 640 * KiB, 150),
    makeFile('dataset.csv', 12 * MiB, 'text/csv'),
  ]);
}
/** Waits until the spreadsheet's first part is stored: its bar (in any language) stands at 42 %. */
async function untilCsvMidway(canvasElement: HTMLElement) {
  await waitFor(() => {
    const row = Array.from(canvasElement.querySelectorAll('li')).find((item) => item.textContent?.includes('dataset.csv'));
    expect(row?.querySelector('[role="progressbar"]')).toHaveAttribute('aria-valuenow', '42');
  }, patiently);
}
const holdTheCsv = mockBackend({ hold: (put) => put.key.endsWith('.csv') && holdAfterFirstPart(put) });

export const Dark: Story = {
  args: { ...midway, theme: 'dark' },
  // The page around it is dark too (Storybook's backgrounds, set in preview.tsx).
  globals: { backgrounds: { value: 'dark' } },
  beforeEach: holdTheCsv,
  play: async ({ canvas, canvasElement }) => {
    await uploadThree(canvasElement);
    await waitFor(() => expect(canvas.getAllByText('Uploaded')).toHaveLength(2), patiently);
    await untilCsvMidway(canvasElement);
    const root = canvasElement.querySelector('.s3u') as HTMLElement;
    await expect(root).toHaveAttribute('data-theme', 'dark');
    await expect(getComputedStyle(root).backgroundColor).toBe('rgb(13, 17, 23)');
    await expect(getComputedStyle(root).color).toBe('rgb(230, 237, 243)');
  },
};

export const DarkPage: Story = {
  name: 'Dark from the page (data-theme on a container)',
  args: midway,
  globals: { backgrounds: { value: 'dark' } },
  decorators: [inside({ 'data-theme': 'dark' })],
  beforeEach: holdTheCsv,
  play: async ({ canvas, canvasElement }) => {
    await uploadThree(canvasElement);
    await waitFor(() => expect(canvas.getAllByText('Uploaded')).toHaveLength(2), patiently);
    await untilCsvMidway(canvasElement);
    const root = canvasElement.querySelector('.s3u') as HTMLElement;
    // No theme prop: the widget takes the page's.
    await expect(root).not.toHaveAttribute('data-theme');
    await expect(getComputedStyle(root).backgroundColor).toBe('rgb(13, 17, 23)');
  },
};

// ---- Stories for the restriction, locale, direction and size props ------------------------------

export const RejectedBySize: Story = {
  name: 'Rejected by a restriction (maxFileSize 1 kB)',
  args: { maxFileSize: 1000 },
  beforeEach: mockBackend(),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [makeFile('too-big.log', 2 * KiB, 'text/plain'), makeFile('small.log', 200, 'text/plain')]);
    await expect(await canvas.findByText('too-big.log was not added: files can be at most 1 kB.', seen, patiently)).toBeVisible();
    await expect(await canvas.findByText('Uploaded', {}, patiently)).toBeVisible();
    await expect(canvas.queryByText('too-big.log', { selector: '.s3u-file__name' })).toBeNull();
    await userEvent.click(canvas.getByRole('button', { name: 'Dismiss' }));
    // The refusals are gone with the pressed button: focus goes to the drop area.
    await waitFor(() => expect(canvas.getByRole('button', { name: /Drop files here/ })).toHaveFocus());
  },
};

export const German: Story = {
  name: 'Locale: German',
  args: { ...midway, locale: de },
  beforeEach: holdTheCsv,
  play: async ({ canvas, canvasElement }) => {
    await expect(canvas.getByRole('button', { name: 'Dateien hierher ziehen oder klicken, um auszuwählen' })).toBeVisible();
    await uploadThree(canvasElement);
    await waitFor(() => expect(canvas.getAllByText('Hochgeladen')).toHaveLength(2), patiently);
    await expect(totalsOf(canvasElement)).toHaveTextContent(/^2 von 3 Dateien hochgeladen · 963 kB \/ 13,5 MB/);
    await untilCsvMidway(canvasElement);
    const status = statusOf(within((await canvas.findByText('dataset.csv')).closest('li') as HTMLElement));
    await expect(status).toHaveTextContent(/^Wird hochgeladen · 42 %/);
    await expect(status).toBeVisible();
    // The longer German line wraps rather than being cut off (the story is 560 px wide).
    await expect(status.scrollWidth).toBeLessThanOrEqual(status.clientWidth);
    await expect(canvas.getByRole('button', { name: 'dataset.csv anhalten' })).toBeVisible();
  },
};

export const RightToLeft: Story = {
  name: 'Right to left (Arabic)',
  args: { ...midway, locale: ar },
  decorators: [inside({ dir: 'rtl', lang: 'ar' })],
  beforeEach: holdTheCsv,
  play: async ({ canvas, canvasElement }) => {
    await uploadThree(canvasElement);
    await waitFor(() => expect(canvas.getAllByText('تم الرفع')).toHaveLength(2), patiently);
    await untilCsvMidway(canvasElement);
    const root = canvasElement.querySelector('.s3u') as HTMLElement;
    await expect(root).toHaveAttribute('dir', 'rtl');
    // Mirrored: a row's name starts at the right, its buttons sit at the left.
    const row = (await canvas.findByText('summary.pdf', {}, patiently)).closest('li') as HTMLElement;
    const name = row.querySelector('.s3u-file__name') as HTMLElement;
    const actions = row.querySelector('.s3u-file__actions') as HTMLElement;
    await expect(actions.getBoundingClientRect().right).toBeLessThan(name.getBoundingClientRect().left);
  },
};

export const Compact: Story = {
  args: { ...midway, size: 'compact' },
  beforeEach: holdTheCsv,
  play: async ({ canvas, canvasElement }) => {
    await uploadThree(canvasElement);
    await waitFor(() => expect(canvas.getAllByText('Uploaded')).toHaveLength(2), patiently);
    await untilCsvMidway(canvasElement);
    const root = canvasElement.querySelector('.s3u') as HTMLElement;
    await expect(root).toHaveClass('s3u--compact');
    await expect(getComputedStyle(root).fontSize).toBe('13px');
    const dropArea = canvas.getByRole('button', { name: /Drop files here/ });
    await expect(getComputedStyle(dropArea).paddingTop).toBe('8px');
    // Noticeably smaller than the default: the drop area is one line, a row about 62 px high (default: 86),
    // its buttons 24 px high (WCAG 2.5.8's minimum target, not its spacing exception).
    await expect(dropArea.getBoundingClientRect().height).toBeLessThan(45);
    const row = (await canvas.findByText('summary.pdf')).closest('li') as HTMLElement;
    await expect(row.getBoundingClientRect().height).toBeLessThan(66);
    for (const button of within(row).getAllByRole('button')) await expect(button.getBoundingClientRect().height).toBeGreaterThanOrEqual(24);
  },
};

/** Lets the browser fire scroll events and React render what they asked for before the next key press. */
const nextFrames = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

export const ThousandFiles: Story = {
  name: '1000 files',
  // The perf story: while 1000 files upload through MSW, the longest main-thread task is measured, logged and reported.
  tags: ['perf'],
  args: { onComplete: fn(), onFileAdded: fn() },
  beforeEach: mockBackend(),
  play: async ({ args, canvas, canvasElement, reporting }) => {
    const files = Array.from({ length: 1000 }, (_, index) =>
      makeFile(`row-${String(index + 1).padStart(4, '0')}.json`, 64, 'application/json'),
    );
    // Resolved by the batch's onComplete: waiting on it costs nothing, where a waitFor would re-run its check on every DOM change.
    const finished = new Promise<FileResult[]>((resolve) => {
      (args.onComplete as Mock<(results: FileResult[]) => void>).mockImplementation(resolve);
    });
    // Long tasks from the moment the files are chosen; the test's own setup (1000 File objects in the input) ends before.
    const choose = pickFiles(canvasElement, files);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const started = performance.now();
    const tasks: Array<{ start: number; duration: number }> = [];
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        if (entry.startTime >= started) tasks.push({ start: entry.startTime, duration: entry.duration });
    });
    // The moment the last of the 1000 files is in the list.
    let allAdded = Number.POSITIVE_INFINITY;
    let addedCount = 0;
    (args.onFileAdded as Mock<() => void>).mockImplementation(() => {
      if (++addedCount === 1000) allAdded = performance.now();
    });
    observer.observe({ type: 'longtask' });
    choose();
    const status = () => canvasElement.querySelector('.s3u-status__text')?.textContent ?? '';
    const results = await Promise.race([
      finished,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not done after 80 s: ${status()}`)), 80_000)),
    ]);
    const elapsed = Math.round(performance.now() - started);
    // Let the last long task be reported.
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const entry of observer.takeRecords())
      if (entry.startTime >= started) tasks.push({ start: entry.startTime, duration: entry.duration });
    observer.disconnect();
    const longestOf = (list: typeof tasks) => Math.round(Math.max(0, ...list.map((task) => task.duration)));
    const adding = tasks.filter((task) => task.start <= allAdded);
    // On a quiet machine nothing reaches the 50 ms long-task line while files are added (measured: no long task at
    // all). Under the whole suite's load on 2 cores one task of 65–70 ms showed up in some runs; adding the files in one
    // task cost 240–880 ms. The line the story holds: 150 ms, which any return to one task crosses.
    const addingLimit = 150;
    const longest = longestOf(tasks);
    const addMs = Math.round(allAdded - started);
    console.log(
      `[1000 files] added in ${addMs} ms with ${adding.length} long tasks (longest ${longestOf(adding)} ms; limit ${addingLimit} ms); all uploaded in ${elapsed} ms; longest task overall ${longest} ms; ${tasks.length} tasks over 50 ms`,
    );
    reporting.addReport({
      type: 'longest-task',
      version: 1,
      result: { longestTaskMs: longest, longestAddingTaskMs: longestOf(adding), longTasks: tasks.length, addMs, uploadMs: elapsed },
      status: 'passed',
    });

    await expect(results.filter((result) => result.status === 'complete')).toHaveLength(1000);
    await expect(backend.puts).toHaveLength(1000);
    await waitFor(() => expect(canvas.getByText(/^1,000 of 1,000 files uploaded/)).toBeVisible());
    // Responsive while the files are added: they join the list in time slices (see addingLimit above).
    await expect(adding.filter((task) => task.duration >= addingLimit).map((task) => Math.round(task.duration))).toEqual([]);
    // And while they upload, no task near a second (renders of a changing list, completion of 1000 files).
    await expect(longest).toBeLessThan(800);

    // Only the rows in view (and a few beyond) are in the DOM, each saying where it stands.
    const list = canvas.getByRole('list', { name: 'Files' });
    const rows = within(list).getAllByRole('listitem');
    await expect(rows.length).toBeLessThan(40);
    await expect(rows[0]).toHaveAttribute('aria-posinset', '1');
    await expect(rows[0]).toHaveAttribute('aria-setsize', '1000');
    await expect(within(rows[0] as HTMLElement).getByText('Uploaded')).toBeVisible();

    // Tab walks past the rendered rows: each focused row scrolls into view and brings the next ones.
    (within(rows[0] as HTMLElement).getByRole('button', { name: 'Remove row-0001.json' }) as HTMLElement).focus();
    for (let step = 0; step < 40; step++) {
      await userEvent.tab();
      await nextFrames();
    }
    await expect(document.activeElement).toHaveAccessibleName('Remove row-0041.json');
    await expect(document.activeElement?.closest('li')).toHaveAttribute('aria-posinset', '41');
    // Removing that row moves focus to the next one, not to <body>.
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toHaveAccessibleName('Remove row-0042.json'));
    await expect(document.activeElement?.closest('li')).toHaveAttribute('aria-setsize', '999');

    // The end of the list is there too. Scrolled until it stays at the end: the padding that stands in for the rows
    // not rendered is settled as rows are measured, so one jump to the old scrollHeight may stop short.
    const scroller = list.parentElement as HTMLElement;
    const atEnd = () => scroller.scrollTop + scroller.clientHeight >= scroller.scrollHeight - 1;
    for (let jump = 0; jump < 20 && !(atEnd() && jump > 0); jump++) {
      scroller.scrollTop = scroller.scrollHeight;
      await nextFrames();
    }
    await expect(atEnd()).toBe(true);
    const last = await within(list).findByText('row-1000.json');
    await expect(last.closest('li')).toHaveAttribute('aria-posinset', '999');
    await expect(within(last.closest('li') as HTMLElement).getByText('Uploaded')).toBeVisible();
  },
};

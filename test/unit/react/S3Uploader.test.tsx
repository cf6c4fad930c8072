import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { HttpResponse, http } from 'msw';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { FileResult } from '../../../src/index.js';
import { ar, de, S3Uploader } from '../../../src/react/index.js';
import { seen } from '../../support/seen.js';
import { fakeEndpoint, SIGN_URL, STORAGE } from '../fake-endpoint.js';
import { server } from '../msw-server.js';

const file = (name: string, size: number) => new File([new Uint8Array(size)], name, { type: 'text/plain' });
const fastRetry = { attempts: 1, baseDelayMs: 1, maxDelayMs: 1 };

function input(container: HTMLElement): HTMLInputElement {
  return container.querySelector('input[type="file"]') as HTMLInputElement;
}

describe('<S3Uploader>', () => {
  it('offers a labelled drop area that opens the file chooser by click, Enter and Space', async () => {
    const { container } = render(<S3Uploader signUrl={SIGN_URL} />);
    const dropArea = screen.getByRole('button', { name: 'Drop files here or click to browse' });
    const click = vi.spyOn(input(container), 'click');
    await userEvent.click(dropArea);
    dropArea.focus();
    await userEvent.keyboard('{Enter}');
    await userEvent.keyboard(' ');
    expect(click).toHaveBeenCalledTimes(3);
    expect(input(container).multiple).toBe(true);
  });

  it('shows each file’s name, size and progress, then Uploaded, and calls onComplete once per batch', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const onComplete = vi.fn<(results: FileResult[]) => void>();
    const onFileComplete = vi.fn();
    const { container } = render(<S3Uploader signUrl={SIGN_URL} onComplete={onComplete} onFileComplete={onFileComplete} />);
    await userEvent.upload(input(container), [file('notes.txt', 2048), file('b.txt', 10)]);
    const item = (await screen.findByText('notes.txt')).closest('li') as HTMLElement;
    expect(within(item).getByText('2 kB')).toBeTruthy();
    expect(within(item).getByRole('progressbar', { name: 'notes.txt: upload progress' })).toBeTruthy();
    await waitFor(() => expect(onComplete).toHaveBeenCalledTimes(1));
    expect(onComplete.mock.calls[0]?.[0].map((result) => [result.name, result.status, result.key])).toEqual([
      ['notes.txt', 'complete', 'uploads/notes.txt'],
      ['b.txt', 'complete', 'uploads/b.txt'],
    ]);
    expect(onFileComplete).toHaveBeenCalledTimes(2);
    expect(within(item).getByText('Uploaded')).toBeTruthy();
    expect(within(item).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByRole('progressbar', { name: 'Total upload progress' }).getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getByText(/2 of 2 files uploaded/)).toBeTruthy();
    // One message for the burst, once it is over: what was added and what was uploaded.
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('2 files added. notes.txt and b.txt uploaded.'), {
      timeout: 3000,
    });
  });

  it('accepts dropped files and marks the area while dragging', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    render(<S3Uploader signUrl={SIGN_URL} />);
    const dropArea = screen.getByRole('button', { name: /Drop files here/ });
    fireEvent.dragEnter(dropArea, { dataTransfer: { files: [], types: ['Files'] } });
    expect(dropArea.hasAttribute('data-drag-active')).toBe(true);
    fireEvent.drop(dropArea, { dataTransfer: { files: [file('dropped.txt', 3)], types: ['Files'] } });
    expect(dropArea.hasAttribute('data-drag-active')).toBe(false);
    expect(await screen.findByText('Uploaded')).toBeTruthy();
    expect(screen.getByText('dropped.txt')).toBeTruthy();
  });

  it('shows a failure with its message and a Retry button that uploads the file', async () => {
    let failing = true;
    const { handlers } = fakeEndpoint(() => (failing ? new HttpResponse('Service Unavailable', { status: 503 }) : undefined));
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} retry={fastRetry} />);
    await userEvent.upload(input(container), file('a.txt', 5));
    expect(await screen.findByText('Failed')).toBeTruthy();
    // A sentence for people in the row; the technical detail behind "Details".
    expect(screen.getByText('The site could not take the file. Retry in a moment.')).toBeTruthy();
    const detail = screen.getByText(`The signing endpoint ${SIGN_URL} answered "presign-put" with HTTP 503: Service Unavailable.`);
    expect(detail.closest('details')?.querySelector('summary')?.textContent).toBe('Details');
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('1 file added. a.txt failed.'), { timeout: 3000 });
    failing = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry a.txt' }));
    expect(await screen.findByText('Uploaded')).toBeTruthy();
    expect(screen.queryByText(/answered "presign-put"/)).toBeNull();
  });

  it('cancels an upload in progress and can remove it', async () => {
    const { handlers } = fakeEndpoint(() => new Promise<never>(() => {}) as unknown as Response);
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} />);
    await userEvent.upload(input(container), file('slow.txt', 5));
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel slow.txt' }));
    expect(await screen.findByText('Canceled')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Remove slow.txt' }));
    await waitFor(() => expect(screen.queryByText('slow.txt')).toBeNull());
  });

  it('uploads once under StrictMode', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const { container } = render(
      <StrictMode>
        <S3Uploader signUrl={SIGN_URL} />
      </StrictMode>,
    );
    await userEvent.upload(input(container), file('once.txt', 5));
    expect(await screen.findByText('Uploaded')).toBeTruthy();
    await act(() => new Promise((resolve) => setTimeout(resolve, 20)));
    expect(log.puts).toHaveLength(1);
  });

  it('renders on the server without touching window', () => {
    const html = renderToString(<S3Uploader signUrl={SIGN_URL} />);
    expect(html).toContain('Drop files here or click to browse');
  });

  it('refuses files that break a restriction, naming the rule and the limit, and announces it', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const onFileRejected = vi.fn();
    const { container } = render(
      <S3Uploader
        signUrl={SIGN_URL}
        autoUpload={false}
        maxFileSize={1000}
        accept="text/*,.csv"
        maxFiles={2}
        onFileRejected={onFileRejected}
      />,
    );
    await userEvent.upload(input(container), [file('big.txt', 2048), file('ok.txt', 10)], { applyAccept: false });
    await userEvent.upload(input(container), [new File(['x'], 'photo.png', { type: 'image/png' })], { applyAccept: false });
    expect(await screen.findByText('big.txt was not added: files can be at most 1 kB.', seen)).toBeTruthy();
    expect(await screen.findByText('photo.png was not added: only text/*, .csv are accepted.', seen)).toBeTruthy();
    expect(onFileRejected).toHaveBeenCalledWith(expect.objectContaining({ name: 'big.txt', rule: 'maxFileSize', limit: 1000 }));
    await userEvent.upload(input(container), [file('two.txt', 1), file('three.txt', 1)], { applyAccept: false });
    expect(await screen.findByText('three.txt was not added: at most 2 files.', { ...seen, exact: false })).toBeTruthy();
    // Refusals are announced with their reason.
    await waitFor(
      () => expect(seen.normalizer(screen.getByRole('status').textContent ?? '')).toContain('three.txt was not added: at most 2 files.'),
      {
        timeout: 3000,
      },
    );
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }));
    await waitFor(() => expect(container.querySelector('.s3u-rejected')).toBeNull());
  });

  it('notices the same file added twice', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} autoUpload={false} />);
    const same = new File(['abc'], 'same.txt', { type: 'text/plain', lastModified: 1 });
    await userEvent.upload(input(container), same);
    await userEvent.upload(input(container), same);
    expect(await screen.findByText('same.txt is already in the list.', seen)).toBeTruthy();
    expect(screen.getAllByText('same.txt')).toHaveLength(1);
  });

  it('adds files pasted into the drop area', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    render(<S3Uploader signUrl={SIGN_URL} />);
    const dropArea = screen.getByRole('button', { name: /Drop files here/ });
    fireEvent.paste(dropArea, { clipboardData: { files: [file('pasted.png', 3)] } });
    expect(await screen.findByText('pasted.png')).toBeTruthy();
  });

  it('speaks German with German plurals, and lays out right to left in Arabic', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const { container, unmount } = render(<S3Uploader signUrl={SIGN_URL} locale={de} />);
    expect(screen.getByRole('button', { name: 'Dateien hierher ziehen oder klicken, um auszuwählen' })).toBeTruthy();
    await userEvent.upload(input(container), [file('a.txt', 1)]);
    expect(await screen.findByText('Hochgeladen')).toBeTruthy();
    expect(screen.getByText(/1 von 1 Datei hochgeladen/)).toBeTruthy();
    unmount();
    const arabic = render(<S3Uploader signUrl={SIGN_URL} locale={ar} />);
    const root = arabic.container.firstElementChild as HTMLElement;
    expect(root.getAttribute('dir')).toBe('rtl');
    expect(root.getAttribute('lang')).toBe('ar');
  });

  it('themes: forced dark, compact, and unstyled without the default look', () => {
    const { container } = render(
      <>
        <S3Uploader signUrl={SIGN_URL} theme="dark" size="compact" />
        <S3Uploader signUrl={SIGN_URL} unstyled />
      </>,
    );
    const [dark, plain] = Array.from(container.children) as HTMLElement[];
    expect(dark?.getAttribute('data-theme')).toBe('dark');
    expect(dark?.className).toBe('s3u s3u--compact');
    expect(plain?.className).toBe('s3u-unstyled');
  });

  it('keyboard only: add with Enter, cancel, retry, remove — focus never lost', async () => {
    let hold = true;
    const { handlers } = fakeEndpoint((request) =>
      hold && request.operation === 'presign-put' ? (new Promise(() => {}) as never) : undefined,
    );
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} />);
    const chooser = input(container);
    chooser.addEventListener('click', (event) => {
      // What the system dialog would do: pick a file.
      event.preventDefault();
      Object.defineProperty(chooser, 'files', { value: [file('keyboard.txt', 4)], configurable: true });
      fireEvent.change(chooser);
    });
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /Drop files here/ }));
    await userEvent.keyboard('{Enter}');
    const pause = await screen.findByRole('button', { name: 'Pause keyboard.txt' });
    await userEvent.tab();
    expect(document.activeElement).toBe(pause);
    await userEvent.tab();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel keyboard.txt' }));
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByText('Canceled')).toBeTruthy();
    hold = false;
    (screen.getByRole('button', { name: 'Retry keyboard.txt' }) as HTMLElement).focus();
    await userEvent.keyboard(' ');
    expect(await screen.findByText('Uploaded')).toBeTruthy();
    (screen.getByRole('button', { name: 'Remove keyboard.txt' }) as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(screen.queryByText('keyboard.txt')).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /Drop files here/ }));
  });

  it('a file waiting its turn in a running batch can be paused, stays held while the others finish, and resumes', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { handlers } = fakeEndpoint();
    server.use(
      http.put(`${STORAGE}/uploads/first.txt`, async () => {
        await held;
        return new HttpResponse(null, { status: 200, headers: { ETag: '"first"', 'Access-Control-Expose-Headers': 'ETag' } });
      }),
      ...handlers,
    );
    const onComplete = vi.fn();
    const { container } = render(<S3Uploader signUrl={SIGN_URL} maxConcurrentRequests={1} onComplete={onComplete} />);
    await userEvent.upload(input(container), [file('first.txt', 10), file('second.txt', 10), file('third.txt', 10)]);
    const row = (name: string) => screen.getByText(name).closest('li') as HTMLElement;
    // Queued behind the held file, not started: it is still the user's to hold back.
    const pause = await screen.findByRole('button', { name: 'Pause third.txt' });
    expect(row('third.txt').dataset.status).toBe('queued');
    await userEvent.click(pause);
    await waitFor(() => expect(row('third.txt').dataset.status).toBe('paused'));
    expect(screen.getByRole('button', { name: 'Resume third.txt' })).toBeTruthy();
    release();
    await waitFor(() => expect(row('second.txt').dataset.status).toBe('complete'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(row('third.txt').dataset.status).toBe('paused');
    await userEvent.click(screen.getByRole('button', { name: 'Resume third.txt' }));
    await waitFor(() => expect(row('third.txt').dataset.status).toBe('complete'));
    await waitFor(() => expect(onComplete).toHaveBeenCalled());
  });

  it('a queued file offers no Pause before any upload runs (autoUpload off): there is nothing to hold back yet', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} autoUpload={false} />);
    await userEvent.upload(input(container), [file('later.txt', 10)]);
    await screen.findByText('later.txt');
    expect(screen.queryByRole('button', { name: 'Pause later.txt' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Cancel later.txt' })).toBeTruthy();
  });

  it('keeps focus in the row when its actions change: Pause, Resume, Cancel, Retry, and Dismiss goes to the drop area', async () => {
    let hold = true;
    const { handlers } = fakeEndpoint((request) =>
      hold && request.operation === 'presign-put' ? (new Promise(() => {}) as never) : undefined,
    );
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} maxFileSize={100} />);
    await userEvent.upload(input(container), [file('held.txt', 4), file('huge.txt', 400)]);
    const focusedName = () => document.activeElement?.getAttribute('aria-label') ?? document.activeElement?.textContent;
    await userEvent.click(await screen.findByRole('button', { name: 'Pause held.txt' }));
    await waitFor(() => expect(focusedName()).toBe('Resume held.txt'));
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(focusedName()).toBe('Pause held.txt'));
    (screen.getByRole('button', { name: 'Cancel held.txt' }) as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(focusedName()).toBe('Retry held.txt'));
    hold = false;
    await userEvent.keyboard('{Enter}');
    expect(await screen.findByText('Uploaded')).toBeTruthy();
    await waitFor(() => expect(focusedName()).toBe('Remove held.txt'));
    (screen.getByRole('button', { name: 'Dismiss' }) as HTMLElement).focus();
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: /Drop files here/ })));
  });

  it('moves focus to the next row when a row is removed', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} />);
    await userEvent.upload(input(container), [file('one.txt', 1), file('two.txt', 1)]);
    await waitFor(() => expect(screen.getAllByText('Uploaded')).toHaveLength(2));
    await userEvent.click(screen.getByRole('button', { name: 'Remove one.txt' }));
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove two.txt' })));
  });

  it('says the upload is waiting, with no speed or time left, when no bytes move for a few seconds', async () => {
    const { handlers } = fakeEndpoint();
    server.use(
      http.put(`${STORAGE}/*`, () => new Promise<Response>(() => {})),
      ...handlers,
    );
    const { container } = render(<S3Uploader signUrl={SIGN_URL} formPostMaxSize={0} />);
    await userEvent.upload(input(container), [file('held.txt', 4)]);
    const row = () => within(screen.getByText('held.txt').closest('li') as HTMLElement);
    await waitFor(() => expect(row().getByText('Uploading')).toBeTruthy());
    // Nothing arrives from the held request: within a few seconds, without any progress event, it says so.
    await waitFor(() => expect(row().getByText('waiting for the connection')).toBeTruthy(), { timeout: 6000 });
    const status = container.querySelector('.s3u-status__text') as HTMLElement;
    expect(status.textContent).toContain('waiting for the connection');
    expect(status.textContent).not.toMatch(/left|\/s/);
    expect(container.querySelector('.s3u-file__status')?.textContent).not.toMatch(/left|\/s/);
  }, 10_000);

  it('a file waiting its turn behind a held one says Waiting, not that it waits for the connection', async () => {
    const { handlers } = fakeEndpoint();
    server.use(
      http.put(`${STORAGE}/*`, () => new Promise<Response>(() => {})),
      ...handlers,
    );
    const { container } = render(<S3Uploader signUrl={SIGN_URL} formPostMaxSize={0} maxConcurrentRequests={1} />);
    await userEvent.upload(input(container), [file('held.txt', 4), file('next.txt', 4)]);
    const row = (name: string) => within(screen.getByText(name).closest('li') as HTMLElement);
    await waitFor(() => expect(row('held.txt').getByText('waiting for the connection')).toBeTruthy(), { timeout: 6000 });
    expect(row('next.txt').getByText('Waiting')).toBeTruthy();
    expect(row('next.txt').queryByText('waiting for the connection')).toBeNull();
    expect(row('next.txt').queryByText('Uploading')).toBeNull();
  }, 10_000);

  it('says "tap" on a touch screen, not "click"', async () => {
    const coarse = (query: string) => ({
      matches: query === '(pointer: coarse)',
      addEventListener: () => {},
      removeEventListener: () => {},
    });
    vi.stubGlobal('matchMedia', coarse);
    try {
      render(<S3Uploader signUrl={SIGN_URL} locale={de} />);
      expect(await screen.findByRole('button', { name: 'Tippen, um Dateien auszuwählen' })).toBeTruthy();
    } finally {
      vi.unstubAllGlobals();
    }
  });

  /** Every message the polite live region gets, in order (each is a new node). */
  function recordAnnouncements(): string[] {
    const said: string[] = [];
    const region = screen.getByRole('status');
    const observer = new MutationObserver(() => {
      const text = region.textContent ?? '';
      if (text) said.push(seen.normalizer(text));
    });
    observer.observe(region, { childList: true, subtree: true, characterData: true });
    return said;
  }

  it('announces a 20-file upload with one failure and one pause in a few sentences, ending with a summary', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    server.use(
      http.put(`${STORAGE}/uploads/broken.txt`, () => new HttpResponse('<Error><Code>AccessDenied</Code></Error>', { status: 403 })),
      http.put(`${STORAGE}/uploads/held.txt`, async () => {
        await held;
        return new HttpResponse(null, { status: 200, headers: { ETag: '"held"', 'Access-Control-Expose-Headers': 'ETag' } });
      }),
    );
    const onComplete = vi.fn();
    const { container } = render(<S3Uploader signUrl={SIGN_URL} retry={fastRetry} onComplete={onComplete} />);
    const said = recordAnnouncements();
    const files = Array.from({ length: 18 }, (_, index) => file(`file-${String(index + 1).padStart(2, '0')}.txt`, 10));
    await userEvent.upload(input(container), [...files, file('broken.txt', 10), file('held.txt', 10)]);
    await userEvent.click(await screen.findByRole('button', { name: 'Pause held.txt' }));
    await waitFor(() => expect(said.at(-1)).toContain('held.txt paused.'), { timeout: 6000 });
    release();
    await userEvent.click(screen.getByRole('button', { name: 'Resume held.txt' }));
    await waitFor(() => expect(onComplete).toHaveBeenCalled(), { timeout: 6000 });
    await waitFor(() => expect(said.at(-1)).toMatch(/Finished:/), { timeout: 6000 });
    console.log(`[20 files] announcements:\n${said.map((text) => `  "${text}"`).join('\n')}`);
    expect(said.length).toBeLessThanOrEqual(6);
    expect(said.join(' ')).toContain('20 files added.');
    expect(said.join(' ')).toContain('held.txt resumed.');
    // The batch ends with one summary.
    expect(said.at(-1)).toMatch(/Finished: 19 of 20 files uploaded, 1 failed\.$/);
  }, 20_000);

  it('says a failure again when a retry fails again', async () => {
    const { handlers } = fakeEndpoint(() => new HttpResponse('Service Unavailable', { status: 503 }));
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} retry={fastRetry} />);
    const said = recordAnnouncements();
    await userEvent.upload(input(container), file('again.txt', 5));
    // However the messages fall (one, or "added" and "failed" apart), the failure is said once, then again.
    const failures = () => said.join(' ').split('again.txt failed.').length - 1;
    await waitFor(() => expect(failures()).toBe(1), { timeout: 3000 });
    await userEvent.click(screen.getByRole('button', { name: 'Retry again.txt' }));
    await waitFor(() => expect(failures()).toBe(2), { timeout: 3000 });
  });

  it('counts 30 refusals, groups them by reason and keeps every name reachable', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} autoUpload={false} maxFileSize={1000} />);
    const said = recordAnnouncements();
    const big = Array.from({ length: 30 }, (_, index) => file(`big-${index + 1}.txt`, 2000));
    await userEvent.upload(input(container), [...big, new File([], 'empty.txt')]);
    await waitFor(() => expect(said).toEqual(['1 file added. 30 files were not added: files can be at most 1 kB.']), { timeout: 3000 });
    const box = container.querySelector('.s3u-rejected') as HTMLElement;
    // One line for the group, not 30 (nor 20).
    expect(within(box).getByText('30 files were not added: files can be at most 1 kB.', { ...seen, exact: false })).toBeTruthy();
    const names = within(box).getByRole('list', { name: /^30 files were not added/ });
    expect(
      within(names)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual(big.map((each) => each.name).reverse());
  });

  it('announces going offline and coming back', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    render(<S3Uploader signUrl={SIGN_URL} />);
    const said = recordAnnouncements();
    act(() => {
      window.dispatchEvent(new Event('offline'));
    });
    await waitFor(() => expect(said.at(-1)).toMatch(/^You are offline\./), { timeout: 3000 });
    act(() => {
      window.dispatchEvent(new Event('online'));
    });
    await waitFor(() => expect(said.at(-1)).toBe('You are back online. Uploads continue.'), { timeout: 3000 });
  });

  it('offers Cancel all, Retry all and Clear list, keeping focus in the widget', async () => {
    let hold = true;
    const { handlers } = fakeEndpoint((request) =>
      hold && request.operation === 'presign-put' ? (new Promise(() => {}) as never) : undefined,
    );
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} />);
    await userEvent.upload(input(container), [file('one.txt', 1), file('two.txt', 1), file('three.txt', 1)]);
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel all' }));
    await waitFor(() => expect(screen.getAllByText('Canceled')).toHaveLength(3));
    // Cancel all gave way to Retry all: focus is there.
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Retry all' })));
    hold = false;
    await userEvent.keyboard('{Enter}');
    await waitFor(() => expect(screen.getAllByText('Uploaded')).toHaveLength(3));
    await userEvent.click(screen.getByRole('button', { name: 'Clear list' }));
    await waitFor(() => expect(screen.queryByRole('list', { name: 'Files' })).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /Drop files here/ }));
  });

  it('inherits direction and theme from the page unless given', () => {
    const { container } = render(
      <div dir="rtl" data-theme="dark">
        <S3Uploader signUrl={SIGN_URL} />
        <S3Uploader signUrl={SIGN_URL} locale={ar} theme="light" />
      </div>,
    );
    const [inherited, given] = Array.from(container.querySelectorAll('.s3u')) as HTMLElement[];
    expect(inherited?.hasAttribute('dir')).toBe(false);
    expect(inherited?.hasAttribute('data-theme')).toBe(false);
    expect(inherited?.getAttribute('lang')).toBe('en');
    expect(given?.getAttribute('dir')).toBe('rtl');
    expect(given?.getAttribute('data-theme')).toBe('light');
  });

  it('renders a long list in part, each row saying where it stands', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} autoUpload={false} />);
    await userEvent.upload(
      input(container),
      Array.from({ length: 100 }, (_, index) => file(`file-${index + 1}.txt`, 1)),
    );
    const list = await screen.findByRole('list', { name: 'Files' });
    // jsdom lays nothing out, so the list never learns its row height: it keeps the first rows it renders.
    const rows = within(list).getAllByRole('listitem');
    expect(rows.length).toBeLessThan(100);
    expect(rows[0]?.getAttribute('aria-posinset')).toBe('1');
    expect(rows[0]?.getAttribute('aria-setsize')).toBe('100');
    expect(screen.getByText(/^0 of 100 files uploaded/)).toBeTruthy();
  });
});

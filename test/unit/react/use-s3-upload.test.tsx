/**
 * The hook follows its props after mount (TanStack Query's `setOptions`
 * shape), and a StrictMode mount leaks nothing: each case failed before
 * `Uploader.setOptions` and subscribe-time side effects.
 */
import { act, render, renderHook, screen, waitFor } from '@testing-library/react';
import { HttpResponse, http } from 'msw';
import { StrictMode } from 'react';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { S3Uploader, type UseS3UploadOptions, useS3Upload } from '../../../src/react/index.js';
import { fakeEndpoint, SIGN_URL } from '../fake-endpoint.js';
import { server } from '../msw-server.js';

const file = (name: string, size: number) => new File([new Uint8Array(size)], name, { type: 'text/plain' });
const OTHER_SIGN_URL = 'http://app.test/api/other-upload';

describe('useS3Upload follows its props', () => {
  // Uppy looks at navigator.onLine 3 s after it is created, on a timer destroy() leaves running.
  afterAll(() => new Promise((resolve) => setTimeout(resolve, 3000)));

  it('signUrl changed after mount: the next file is signed by the new endpoint', async () => {
    const { log, handlers } = fakeEndpoint();
    const other: string[] = [];
    server.use(
      http.post(OTHER_SIGN_URL, async ({ request }) => {
        other.push(((await request.json()) as { operation: string }).operation);
        return HttpResponse.json({ error: { code: 'forbidden', message: 'No.' } }, { status: 403 });
      }),
      ...handlers,
    );
    const { result, rerender } = renderHook((props: UseS3UploadOptions) => useS3Upload(props), {
      initialProps: { signUrl: SIGN_URL },
    });
    rerender({ signUrl: OTHER_SIGN_URL });
    act(() => void result.current.addFiles([file('a.txt', 10)]));
    await waitFor(() => expect(other).toContain('presign-put'));
    expect(log.calls).toHaveLength(0);
  });

  it('restrictions changed after mount: files are checked against the new ones', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const { result, rerender } = renderHook((props: UseS3UploadOptions) => useS3Upload(props), {
      initialProps: { signUrl: SIGN_URL, maxFileSize: 5, autoUpload: false },
    });
    act(() => void result.current.addFiles([file('first.txt', 10)]));
    expect(result.current.rejected.map((rejection) => rejection.name)).toEqual(['first.txt']);
    rerender({ signUrl: SIGN_URL, maxFileSize: 100, autoUpload: false });
    let added: unknown;
    await act(async () => {
      added = await result.current.addFiles([file('second.txt', 10)]);
    });
    expect(added).toMatchObject({ rejected: [] });
    await waitFor(() => expect(result.current.files.map((entry) => entry.name)).toEqual(['second.txt']));
  });

  it('callbacks changed after mount: the new onFileAdded and onFileRejected are called, the old ones never', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const [oldAdded, newAdded, oldRejected, newRejected] = [vi.fn(), vi.fn(), vi.fn(), vi.fn()];
    const { result, rerender } = renderHook((props: UseS3UploadOptions) => useS3Upload(props), {
      initialProps: { signUrl: SIGN_URL, autoUpload: false, maxFileSize: 50, onFileAdded: oldAdded, onFileRejected: oldRejected },
    });
    rerender({ signUrl: SIGN_URL, autoUpload: false, maxFileSize: 50, onFileAdded: newAdded, onFileRejected: newRejected });
    act(() => void result.current.addFiles([file('ok.txt', 10), file('big.txt', 100)]));
    expect(newAdded).toHaveBeenCalledTimes(1);
    expect(newRejected).toHaveBeenCalledTimes(1);
    expect(oldAdded).not.toHaveBeenCalled();
    expect(oldRejected).not.toHaveBeenCalled();
  });

  it('a StrictMode mount leaves the listeners one mount leaves, and none after unmount', async () => {
    // Uploaders of earlier tests are destroyed a task after their unmount: let them go first.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const added = vi.spyOn(window, 'addEventListener');
    const removed = vi.spyOn(window, 'removeEventListener');
    const active = () =>
      ['online', 'offline', 'pagehide'].map(
        (type) => added.mock.calls.filter(([name]) => name === type).length - removed.mock.calls.filter(([name]) => name === type).length,
      );
    try {
      const plain = renderHook(() => useS3Upload({ signUrl: SIGN_URL }));
      const once = active();
      expect(once.every((count) => count > 0)).toBe(true);
      plain.unmount();
      // The hook destroys its uploader a task after unmount (a StrictMode remount may follow).
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(active()).toEqual([0, 0, 0]);
      const strict = renderHook(() => useS3Upload({ signUrl: SIGN_URL }), { wrapper: StrictMode });
      expect(active()).toEqual(once);
      strict.unmount();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(active()).toEqual([0, 0, 0]);
    } finally {
      added.mockRestore();
      removed.mockRestore();
    }
  });

  it('making an uploader calls nothing: the endpoint is not asked before files are added', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const { unmount } = renderHook(() => useS3Upload({ signUrl: SIGN_URL }), { wrapper: StrictMode });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.calls).toHaveLength(0);
    unmount();
  });
});

describe('paste from anywhere on the page (pasteFromPage)', () => {
  const paste = (target: EventTarget, files: File[]) => {
    const event = new Event('paste', { bubbles: true, cancelable: true });
    Object.defineProperty(event, 'clipboardData', { value: { files } });
    target.dispatchEvent(event);
    return event;
  };

  it('adds files pasted on the page, not those pasted into a text field, and none without the option', async () => {
    const { handlers } = fakeEndpoint();
    server.use(...handlers);
    const field = document.body.appendChild(document.createElement('textarea'));
    try {
      const off = renderHook(() => useS3Upload({ signUrl: SIGN_URL, autoUpload: false }));
      act(() => void paste(document.body, [file('ignored.txt', 1)]));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(off.result.current.files).toHaveLength(0);
      off.unmount();

      const on = renderHook(() => useS3Upload({ signUrl: SIGN_URL, autoUpload: false, pasteFromPage: true }));
      act(() => void paste(field, [file('into-the-field.txt', 1)]));
      let event: Event | undefined;
      act(() => {
        event = paste(document.body, [file('pasted.png', 1)]);
      });
      expect(event?.defaultPrevented).toBe(true);
      await waitFor(() => expect(on.result.current.files.map((entry) => entry.name)).toEqual(['pasted.png']));
      on.unmount();
    } finally {
      field.remove();
    }
  });

  it('the drop area says so where it works', () => {
    render(<S3Uploader signUrl={SIGN_URL} pasteFromPage />);
    expect(screen.getByRole('button', { name: 'Drop files here, click to browse, or paste' })).toBeTruthy();
  });
});

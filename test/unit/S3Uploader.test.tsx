import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { HttpResponse } from 'msw';
import { StrictMode } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it, vi } from 'vitest';
import type { FileResult } from '../../src/index.js';
import { S3Uploader } from '../../src/react/index.js';
import { fakeEndpoint, SIGN_URL } from './fake-endpoint.js';
import { server } from './msw-server.js';

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
    expect(screen.getByText(/2 of 2 uploaded/)).toBeTruthy();
    expect(screen.getByRole('status').textContent).toBe('2 files uploaded.');
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
    expect(screen.getByRole('alert').textContent).toBe(
      `The signing endpoint ${SIGN_URL} answered "presign-put" with HTTP 503: Service Unavailable.`,
    );
    await waitFor(() => expect(screen.getByRole('status').textContent).toBe('a.txt failed.'));
    failing = false;
    await userEvent.click(screen.getByRole('button', { name: 'Retry a.txt' }));
    expect(await screen.findByText('Uploaded')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('cancels an upload in progress and can remove it', async () => {
    const { handlers } = fakeEndpoint(() => new Promise<never>(() => {}) as unknown as Response);
    server.use(...handlers);
    const { container } = render(<S3Uploader signUrl={SIGN_URL} />);
    await userEvent.upload(input(container), file('slow.txt', 5));
    await userEvent.click(await screen.findByRole('button', { name: 'Cancel slow.txt' }));
    expect(await screen.findByText('Canceled')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Remove slow.txt' }));
    expect(screen.queryByText('slow.txt')).toBeNull();
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
});

import { render, screen } from '@testing-library/react';
import { expect } from 'vitest';
import { commands } from 'vitest/browser';
import type { FileResult } from '../../src/index.js';
import { S3Uploader, type S3UploaderProps } from '../../src/react/index.js';
import type { SeenRequest } from './commands.js';
import { E2E_SIGN_PATH } from './environment.js';

/** Helpers the browser e2e tests share. */

export const MiB = 1024 * 1024;

export function randomFile(name: string, size: number, type = 'application/octet-stream'): File {
  const bytes = new Uint8Array(size);
  // getRandomValues fills at most 64 KiB per call.
  for (let offset = 0; offset < size; offset += 65_536) crypto.getRandomValues(bytes.subarray(offset, Math.min(offset + 65_536, size)));
  return new File([bytes], name, { type });
}

export async function sha256(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Drops files on the drop area the way Chromium does: a real DataTransfer.
 * (userEvent.upload goes through Playwright, which refuses files over 50 MB.)
 */
export function dropFiles(files: File[]) {
  const dataTransfer = new DataTransfer();
  for (const file of files) dataTransfer.items.add(file);
  const dropArea = screen.getByRole('button', { name: /Drop files here/ });
  dropArea.dispatchEvent(new DragEvent('dragenter', { dataTransfer, bubbles: true, cancelable: true }));
  dropArea.dispatchEvent(new DragEvent('drop', { dataTransfer, bubbles: true, cancelable: true }));
}

/** Renders the uploader and resolves with the first batch's results. */
export function renderUploader(props: Partial<S3UploaderProps> = {}) {
  let resolveBatch: (results: FileResult[]) => void = () => {};
  const batch = new Promise<FileResult[]>((resolve) => {
    resolveBatch = resolve;
  });
  const view = render(<S3Uploader signUrl={E2E_SIGN_PATH} onComplete={(results) => resolveBatch(results)} {...props} />);
  const input = view.container.querySelector('input[type="file"]') as HTMLInputElement;
  return { ...view, input, batch };
}

/** The file completed, and RGW holds exactly its bytes under a key the signer chose. */
export async function expectStoredIdentically(result: FileResult, file: File) {
  expect(result.status, result.error?.message).toBe('complete');
  expect(result.key).toMatch(/^e2e\/[0-9a-f-]{36}\/[^/]+$/);
  const stored = await commands.s3ObjectDigest(result.key as string);
  expect(stored.size).toBe(file.size);
  expect(stored.sha256).toBe(await sha256(file));
}

/** The most requests of `records` in flight at one instant. */
export function maxConcurrent(records: SeenRequest[]): number {
  const events = records.flatMap((record) => [
    { at: record.startedAt, delta: 1 },
    { at: record.endedAt ?? Number.POSITIVE_INFINITY, delta: -1 },
  ]);
  events.sort((a, b) => a.at - b.at || a.delta - b.delta);
  let current = 0;
  let max = 0;
  for (const event of events) {
    current += event.delta;
    max = Math.max(max, current);
  }
  return max;
}

/**
 * Helpers the Uppy e2e tests share (uppy-dashboard, uppy-ecosystem): an app
 * on Uppy with its inline Dashboard and this library's uploader plugin where
 * @uppy/aws-s3 was, driven through the Dashboard's own controls, and the
 * checks against what RGW stored.
 */
import Uppy, { type Meta, type UploadResult } from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import { expect } from 'vitest';
import { commands, userEvent } from 'vitest/browser';
import { S3DirectUpload, type S3DirectUploadBody, type S3DirectUploadOptions } from '../../src/uppy/index.js';
import { sha256 } from './browser-support.js';
import type { SeenRequest } from './commands.js';
import { E2E_SIGN_PATH } from './environment.js';

export type AppUppy = Uppy<Meta, S3DirectUploadBody>;

/** Waits with room for a busy 2-core machine. */
export const patiently = { timeout: 60_000, interval: 100 };

/**
 * The app: Uppy, its inline Dashboard in a new element of the page, the
 * plugins `extend` adds (Webcam, ImageEditor, Golden Retriever…), and this
 * library's uploader plugin in place of @uppy/aws-s3.
 */
export function mountDashboard(
  options: Partial<S3DirectUploadOptions> = {},
  { id, extend }: { id?: string; extend?: (uppy: AppUppy) => void } = {},
) {
  const root = document.createElement('div');
  document.body.append(root);
  const uppy: AppUppy = new Uppy<Meta, S3DirectUploadBody>({ autoProceed: false, ...(id ? { id } : {}) }).use(Dashboard, {
    inline: true,
    target: root,
    height: 560,
    proudlyDisplayPoweredByUppy: false,
  });
  extend?.(uppy);
  uppy.use(S3DirectUpload, { signUrl: E2E_SIGN_PATH, persist: false, ...options });
  const completed: Array<UploadResult<Meta, S3DirectUploadBody>> = [];
  uppy.on('complete', (result) => completed.push(result));
  return { uppy, root, completed };
}

/** The Dashboard's hidden file input (files, not folders): what the system's chooser fills. */
function dashboardInput(container: HTMLElement): HTMLInputElement | undefined {
  return Array.from(container.querySelectorAll<HTMLInputElement>('input.uppy-Dashboard-input[name="files[]"]')).find(
    (candidate) => !candidate.webkitdirectory,
  );
}

/**
 * Picks files in the Dashboard's chooser: the input gets them and fires
 * `change`, as after the system's dialog. (userEvent.upload would send every
 * byte through the test runner's socket as base64: seconds per 10 MiB.)
 */
export async function choose(uppy: AppUppy, container: HTMLElement, files: File[]) {
  // With files in the list, the Dashboard shows its chooser behind "Add more".
  if (!dashboardInput(container)) await userEvent.click(button(container, /^Add more/));
  // The Dashboard (Preact) renders the chooser's panel after the click, not within it.
  await expect
    .poll(() => dashboardInput(container), { timeout: 15_000, interval: 50, message: 'The Dashboard has no file input' })
    .toBeDefined();
  const input = dashboardInput(container) as HTMLInputElement;
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await expect.poll(() => uppy.getFiles().length, { timeout: 15_000, interval: 50 }).toBeGreaterThanOrEqual(files.length);
}

/** A file's row in the Dashboard. */
export function item(container: HTMLElement, name: string): HTMLElement {
  const found = Array.from(container.querySelectorAll<HTMLElement>('.uppy-Dashboard-Item')).find((element) =>
    element.querySelector('.uppy-Dashboard-Item-name')?.textContent?.includes(name),
  );
  if (!found) throw new Error(`No Dashboard row for ${name}`);
  return found;
}

const findButton = (container: HTMLElement, name: RegExp) =>
  Array.from(container.querySelectorAll<HTMLButtonElement>('button')).find((candidate) =>
    name.test(candidate.getAttribute('aria-label') ?? candidate.textContent ?? ''),
  );

/** A button of the Dashboard by its accessible name (`aria-label`, else its text). */
export function button(container: HTMLElement, name: RegExp): HTMLButtonElement {
  const found = findButton(container, name);
  if (!found) throw new Error(`No button ${name}`);
  return found;
}

/** Presses the status bar's Upload button ("Upload 3 files") once the Dashboard shows it. */
export async function pressUpload(container: HTMLElement) {
  const label = /^Upload \d+ files?$/;
  await expect.poll(() => Boolean(findButton(container, label)), patiently).toBe(true);
  await userEvent.click(button(container, label));
}

export const uppyFile = (uppy: AppUppy, name: string) => uppy.getFiles().find((file) => file.name === name);

/**
 * RGW holds exactly `data`'s bytes under the key the plugin reported on the
 * Uppy file named `name`; returns what RGW said of the object.
 */
export async function expectStored(uppy: AppUppy, name: string, data: Blob) {
  const key = uppyFile(uppy, name)?.response?.body?.key;
  expect(key, `${name} has no key`).toMatch(/^e2e\/[0-9a-f-]{36}\/[^/]+$/);
  const stored = await commands.s3ObjectDigest(key as string);
  expect(stored.size).toBe(data.size);
  expect(stored.sha256).toBe(await sha256(data));
  return stored;
}

export const partPuts = (requests: SeenRequest[]) => requests.filter((request) => request.method === 'PUT' && request.partNumber);
export const storedParts = async () => partPuts(await commands.s3Requests()).filter((request) => request.status === 200);

import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';
import './support/uppy-dashboard.css';
import type { Meta, StoryContext, StoryObj } from '@storybook/react-vite';
import Uppy, { type Meta as UppyMeta } from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import { useEffect, useRef } from 'react';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { S3DirectUpload, type S3DirectUploadBody, type S3DirectUploadOptions } from '../src/uppy/index.js';
import { backend, KiB, MiB, makeFile, makeImage, SIGN_URL } from './support/backend.js';
import { inside } from './support/frame.js';

/**
 * An app already on Uppy: Uppy's own Dashboard (inline), with this library's
 * uploader plugin where `@uppy/aws-s3` was. Nothing else changes for the app:
 *
 * ```ts
 * new Uppy().use(Dashboard, { inline: true, target }).use(S3DirectUpload, { signUrl: '/api/upload' });
 * ```
 */
function UppyDashboard(options: S3DirectUploadOptions) {
  const target = useRef<HTMLDivElement>(null);
  // Read once, as a plugin's options are: a new Uppy per mount, destroyed on unmount (StrictMode mounts twice).
  const initial = useRef(options);
  useEffect(() => {
    if (!target.current) return;
    const uppy = new Uppy<UppyMeta, S3DirectUploadBody>({ autoProceed: false })
      .use(Dashboard, {
        inline: true,
        target: target.current,
        height: 420,
        width: '100%',
        proudlyDisplayPoweredByUppy: false,
        // Speed and time left change by the second: left out so the story looks the same each time.
        hideProgressDetails: true,
      })
      .use(S3DirectUpload, initial.current);
    return () => uppy.destroy();
  }, []);
  return <div ref={target} />;
}

const meta = {
  title: 'Uppy Dashboard + S3DirectUpload',
  component: UppyDashboard,
  args: {
    signUrl: SIGN_URL,
    // Stories must not find each other's multipart uploads in IndexedDB.
    persist: false,
    // A held PUT must stay held while someone looks at the story, not be retried as stalled.
    stallTimeoutMs: 10 * 60_000,
  },
  decorators: [inside({ className: 'story-frame' })],
} satisfies Meta<typeof UppyDashboard>;

export default meta;
type Story = StoryObj<typeof meta>;

/** Uploads take a moment under MSW (bodies travel to the service worker and back). */
const patiently = { timeout: 10_000 };

/** The Dashboard's hidden file input for files (not the folder one): what its "browse files" opens. */
function dashboardInput(root: HTMLElement): HTMLInputElement {
  const input = Array.from(root.querySelectorAll<HTMLInputElement>('input.uppy-Dashboard-input[name="files[]"]')).find(
    (candidate) => !candidate.webkitdirectory,
  );
  if (!input) throw new Error('The Dashboard has no file input');
  return input;
}

export const UploadingUnderTheDashboard: Story = {
  name: 'Under Uppy’s Dashboard (one uploaded, one paused)',
  // A 12 MiB film in 5 MiB parts: part 1 goes through, the bucket holds the others, so the film
  // stays running at 42 % (the Dashboard shows a file's Pause button once it has progress).
  args: { multipartThreshold: 5 * MiB, partSize: 5 * MiB },
  beforeEach: ({ msw }: StoryContext) => backend.install(msw, { hold: (put) => put.key.endsWith('.mov') && put.partNumber !== 1 }),
  play: async ({ canvas, canvasElement }) => {
    await canvas.findByText(/Drop files here/, {}, patiently);
    const photo = await makeImage('harbour.jpg', 180 * KiB, 200);
    const film = makeFile('interview.mov', 12 * MiB, 'video/quicktime');
    await userEvent.upload(dashboardInput(canvasElement), [photo, film], { applyAccept: false });
    // Uppy's own Upload button starts the batch; the plugin moves the bytes through the signing endpoint.
    await userEvent.click(await canvas.findByRole('button', { name: /^Upload 2 files$/ }));
    await waitFor(() => expect(backend.calls.some((call) => call.operation === 'presign-put')).toBe(true), patiently);
    await waitFor(() => expect(backend.events.some((event) => event.kind === 'put' && event.status === 'stored')).toBe(true), patiently);
    const rowOf = (name: string) => {
      const element = canvas.getByText(name).closest<HTMLElement>('.uppy-Dashboard-Item');
      if (!element) throw new Error(`No row for ${name}`);
      return element;
    };
    const row = (name: string) => within(rowOf(name));
    // The Dashboard's green tick: Uppy marked the file uploaded on the plugin's upload-success.
    await waitFor(() => expect(rowOf('harbour.jpg')).toHaveClass('is-complete'), patiently);
    // Pause from the running file's row: Uppy's pauseResume, honoured by the plugin.
    await userEvent.click(await row('interview.mov').findByRole('button', { name: 'Pause upload' }, patiently));
    await expect(await row('interview.mov').findByRole('button', { name: 'Resume upload' })).toBeVisible();
    await expect(rowOf('interview.mov')).not.toHaveClass('is-complete');
  },
};

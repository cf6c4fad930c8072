import type { Meta, StoryContext, StoryObj } from '@storybook/react-vite';
import { expect, userEvent, waitFor, within } from 'storybook/test';
import { formatBytes, type UploadFile, type UseS3UploadOptions, type UseS3UploadResult, useS3Upload } from '../src/react/index.js';
import { backend, KiB, makeFile, SIGN_URL } from './support/backend.js';
import { chooseFiles } from './support/play.js';
import './support/attachment-picker.css';
import { inside } from './support/frame.js';

/**
 * A row's buttons in two stable places — the main action (Pause, Resume or
 * Retry) and the way out (Cancel, then Remove) — so the button a person
 * pressed stays where it was, with focus on it, when its label changes; when
 * Remove takes the row away, focus goes to a neighbour's button or back to
 * the drop area, never to the page's body. Copy this, not a button per status.
 */
function RowActions({
  file,
  actions,
}: {
  file: UploadFile;
  actions: Pick<UseS3UploadResult, 'pause' | 'resume' | 'cancel' | 'retry' | 'remove'>;
}) {
  const main =
    file.status === 'uploading'
      ? { label: 'Pause', run: () => actions.pause(file.id) }
      : file.status === 'paused'
        ? { label: 'Resume', run: () => actions.resume(file.id) }
        : file.status === 'error'
          ? { label: 'Retry', run: () => actions.retry(file.id) }
          : undefined;
  const running = file.status === 'uploading' || file.status === 'queued' || file.status === 'paused';
  const removeKeepingFocus = (button: HTMLButtonElement) => {
    const row = button.closest('li');
    const next =
      (row?.nextElementSibling ?? row?.previousElementSibling)?.querySelector<HTMLElement>('button') ??
      button.closest('.attach')?.querySelector<HTMLElement>('.attach__drop');
    actions.remove(file.id);
    next?.focus();
  };
  return (
    <>
      {main && (
        <button key="main" type="button" onClick={main.run} aria-label={`${main.label} ${file.name}`}>
          {main.label}
        </button>
      )}
      <button
        key="out"
        type="button"
        onClick={(event) => (running ? actions.cancel(file.id) : removeKeepingFocus(event.currentTarget))}
        aria-label={`${running ? 'Cancel' : 'Remove'} ${file.name}`}
      >
        {running ? 'Cancel' : 'Remove'}
      </button>
    </>
  );
}

/**
 * A custom UI on the headless hook: `useS3Upload` with its prop getters and
 * the app's own markup (a compact attachment picker), none of the default
 * parts or stylesheet.
 */
function AttachmentPicker(options: UseS3UploadOptions) {
  const { getRootProps, getInputProps, isDragActive, files, totals, pause, resume, cancel, retry, remove } = useS3Upload(options);
  return (
    <div className="attach">
      <div
        {...getRootProps({ className: isDragActive ? 'attach__drop attach__drop--active' : 'attach__drop', 'aria-label': 'Attach files' })}
      >
        <input {...getInputProps({ 'aria-label': 'Attach files' })} />
        <svg className="attach__icon" viewBox="0 0 24 24" aria-hidden="true" focusable="false">
          <path d="M16.5 6.5 8.6 14.4a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.7-5.7l-8 8a6 6 0 0 0 8.5 8.5l6.3-6.3" />
        </svg>
        {isDragActive ? 'Let go to attach' : 'Attach files'}
      </div>
      {files.length > 0 && (
        <>
          <p className="attach__total">
            {Math.round(totals.progress * 100)} % of {formatBytes(totals.bytesTotal)}, {totals.complete}/{totals.files} attached
          </p>
          <ul className="attach__list" aria-label="Attachments">
            {files.map((file) => (
              <li key={file.id} className="attach__item" data-status={file.status}>
                <span className="attach__name">{file.name}</span>
                <meter className="attach__meter" min={0} max={1} value={file.progress} aria-label={`${file.name} progress`} />
                <span className="attach__state">{file.status}</span>
                <span className="attach__actions">
                  <RowActions file={file} actions={{ pause, resume, cancel, retry, remove }} />
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

const meta = {
  title: 'useS3Upload (headless)',
  component: AttachmentPicker,
  args: { signUrl: SIGN_URL, persist: false, stallTimeoutMs: 10 * 60_000 },
  decorators: [inside({ className: 'story-frame' })],
} satisfies Meta<typeof AttachmentPicker>;

export default meta;
type Story = StoryObj<typeof meta>;

export const CustomUI: Story = {
  name: 'Custom UI on the hook',
  // The spreadsheet waits on the bucket, so the picture shows both states.
  beforeEach: ({ msw }: StoryContext) => backend.install(msw, { hold: (put) => put.key.endsWith('.xlsx') }),
  play: async ({ canvas, canvasElement }) => {
    const drop = canvas.getByRole('button', { name: 'Attach files' });
    await expect(drop).toHaveTextContent('Attach files');
    await chooseFiles(canvasElement, [
      makeFile('signature.png', 48 * KiB, 'image/png'),
      makeFile('budget.xlsx', 310 * KiB, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    ]);
    const list = within(await canvas.findByRole('list', { name: 'Attachments' }));
    await waitFor(() => expect(list.getByText('complete')).toBeVisible(), { timeout: 10_000 });
    await expect(list.getByText('uploading')).toBeVisible();
    await expect(canvas.getByText(/1\/2 attached/)).toBeVisible();
    // Pause through the hook's action, from the custom button.
    // Each button names the file it acts on ("Pause budget.xlsx"), its visible word first.
    await userEvent.click(list.getByRole('button', { name: 'Pause budget.xlsx' }));
    await expect(await list.findByText('paused')).toBeVisible();
    await expect(list.getByRole('button', { name: 'Resume budget.xlsx' })).toBeVisible();
  },
};

export const CustomUIOnAPhone: Story = {
  name: 'Custom UI on a phone (375 px)',
  decorators: [inside({ style: { inlineSize: 375 } })],
  beforeEach: ({ msw }: StoryContext) => backend.install(msw, { hold: (put) => put.key.endsWith('.xlsx') }),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [
      makeFile('signature-of-the-director-2026.png', 48 * KiB, 'image/png'),
      makeFile('budget.xlsx', 310 * KiB, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
    ]);
    const list = await canvas.findByRole('list', { name: 'Attachments' });
    await waitFor(() => expect(within(list).getByText('complete')).toBeVisible(), { timeout: 10_000 });
    // The example people copy does not collapse: every row, name and button stays inside the 375 px column.
    const edge = list.getBoundingClientRect();
    for (const element of list.querySelectorAll('li, button, .attach__name')) {
      const box = element.getBoundingClientRect();
      await expect(box.right).toBeLessThanOrEqual(edge.right + 0.5);
      await expect(box.width).toBeGreaterThan(0);
    }
    await expect((list.querySelector('.attach__name') as HTMLElement).getBoundingClientRect().width).toBeGreaterThan(150);
  },
};

export const PausedViaHook: Story = {
  name: 'Paused (hook: uploader.pause)',
  beforeEach: ({ msw }: StoryContext) => backend.install(msw, { hold: true }),
  play: async ({ canvas, canvasElement }) => {
    await chooseFiles(canvasElement, [makeFile('recording.wav', 900 * KiB, 'audio/wav')]);
    const list = within(await canvas.findByRole('list', { name: 'Attachments' }));
    await list.findByText('uploading');
    await userEvent.click(list.getByRole('button', { name: 'Pause recording.wav' }));
    await expect(await list.findByText('paused')).toBeVisible();
    await expect(canvas.getByText(/0\/1 attached/)).toBeVisible();
  },
};

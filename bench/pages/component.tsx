/**
 * The benchmark page for the drop-in: `<S3Uploader>` rendered with its
 * stylesheet, fed through its own `<input type=file>` as a user's pick would
 * (a `change` event with the files), done when its `onComplete` has reported
 * every file. The same signer and defaults as the headless page (ours.ts).
 */
import { createRoot } from 'react-dom/client';
import type { FileResult } from '../../src/engine/uploader.js';
import { S3Uploader } from '../../src/react/index.js';
import '../../src/styles/style.css';
import { deferred, install, measureUpload } from './shared.js';

const root = createRoot(document.getElementById('root') as HTMLElement);

install(async (options) => {
  const counters = { progressEvents: 0, stateUpdates: 0 };
  let results: FileResult[] = [];
  let expected = Number.POSITIVE_INFINITY;
  const done = deferred<void>();
  const onComplete = (batch: FileResult[]) => {
    results = results.concat(batch);
    if (results.length >= expected) done.resolve();
  };
  root.render(
    <S3Uploader
      signUrl="/api/upload"
      persist={false}
      {...(options as Record<string, unknown>)}
      onProgress={() => {
        counters.progressEvents++;
      }}
      onComplete={onComplete}
    />,
  );
  await waitFor(() => document.querySelector<HTMLInputElement>('#root input[type=file]'));
  try {
    return await measureUpload(counters, async (files) => {
      expected = files.length;
      const input = document.querySelector<HTMLInputElement>('#root input[type=file]') as HTMLInputElement;
      const transfer = new DataTransfer();
      for (const file of files) transfer.items.add(file);
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      await done.promise;
      const failed = results.filter((result) => result.status !== 'complete');
      return {
        completed: results.length - failed.length,
        failed: failed.length,
        errors: failed.map((f) => `${f.name}: ${f.error?.message ?? f.status}`),
      };
    });
  } finally {
    root.render(null);
  }
});

async function waitFor<T>(find: () => T | null): Promise<T> {
  for (let tries = 0; tries < 500; tries++) {
    const found = find();
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('bench: <S3Uploader> did not render its file input');
}

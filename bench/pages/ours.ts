/** The benchmark page for this library: `createUploader` with its defaults (persist off), headless. */
import { createUploader, type FileResult, type UploaderOptions } from '../../src/index.js';
import { deferred, install, measureUpload } from './shared.js';

install(async (options) => {
  const done = deferred<FileResult[]>();
  const counters = { progressEvents: 0, stateUpdates: 0 };
  const uploader = createUploader({
    signUrl: '/api/upload',
    persist: false,
    ...(options as Partial<UploaderOptions>),
    onProgress: () => {
      counters.progressEvents++;
    },
    onComplete: (results) => done.resolve(results),
  });
  const unsubscribe = uploader.subscribe(() => {
    counters.stateUpdates++;
  });
  try {
    return await measureUpload(counters, async (files) => {
      const { rejected } = await uploader.addFiles(files);
      if (rejected.length > 0) done.resolve([]);
      const results = await done.promise;
      const failed = results.filter((result) => result.status !== 'complete');
      return {
        completed: results.length - failed.length,
        failed: failed.length + rejected.length,
        errors: [
          ...rejected.map((r) => `${r.file instanceof File ? r.file.name : 'blob'}: rejected (${r.rule})`),
          ...failed.map((f) => `${f.name}: ${f.error?.message ?? f.status}`),
        ],
      };
    });
  } finally {
    unsubscribe();
    uploader.destroy();
  }
});

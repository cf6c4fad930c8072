/**
 * The benchmark page for plain Uppy 6: @uppy/core + @uppy/aws-s3 at their
 * defaults, in `signRequest` mode. Each request Uppy wants signed is one POST
 * to the bench's tiny AWS-SDK signer (bench/lib/uppy-signer.ts).
 */
import AwsS3 from '@uppy/aws-s3';
import Uppy from '@uppy/core';
import { install, measureUpload } from './shared.js';

install(async (options) => {
  const uppy = new Uppy({ autoProceed: false });
  uppy.use(AwsS3, {
    ...(options as Record<string, never>),
    signRequest: async (request) => {
      const response = await fetch('/uppy-sign', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(request),
      });
      if (!response.ok) throw new Error(`signer answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { url: string; key?: string };
    },
  });
  const counters = { progressEvents: 0, stateUpdates: 0 };
  uppy.on('upload-progress', () => {
    counters.progressEvents++;
  });
  uppy.on('state-update', () => {
    counters.stateUpdates++;
  });
  const errors: string[] = [];
  uppy.on('upload-error', (file, error) => {
    errors.push(`${file?.name}: ${error.message}`);
  });
  try {
    return await measureUpload(counters, async (files) => {
      uppy.addFiles(files.map((file) => ({ name: file.name, type: file.type, data: file, source: 'bench' })));
      const outcome = await uppy.upload();
      const completed = outcome?.successful?.length ?? 0;
      return { completed, failed: outcome?.failed?.length ?? files.length - completed, errors };
    });
  } finally {
    uppy.destroy();
  }
});

/**
 * The page each browser engine loads in test/integration/engines.test.ts: the
 * headless core with its defaults (options from the query string), files
 * chosen through a real <input type=file>, and a small window API the
 * drivers read. Nothing engine-specific here: the engines differ, the page does not.
 */
import { createUploader, type FileResult } from '../../../src/index.js';

const params = new URLSearchParams(location.search);
const numeric = (name: string) => (params.has(name) ? { [name]: Number(params.get(name)) } : {});

interface Finished {
  name: string;
  status: FileResult['status'];
  key?: string;
  error?: string;
}

const finished: Finished[] = [];
const uploader = createUploader({
  signUrl: params.get('sign') ?? '/api/upload',
  ...numeric('multipartThreshold'),
  ...numeric('partSize'),
  ...numeric('formPostMaxSize'),
  // Digest single PUTs as the md5 signer requires (parts follow the server's answer).
  ...(params.get('checksum') === 'md5' ? { checksum: 'md5' as const } : {}),
  onComplete: (results) => {
    for (const result of results) {
      finished.push({
        name: result.name,
        status: result.status,
        ...(result.key ? { key: result.key } : {}),
        ...(result.error ? { error: `${result.error.code}: ${result.error.message}` } : {}),
      });
    }
  },
});

const input = document.getElementById('files') as HTMLInputElement;
input.addEventListener('change', () => {
  if (input.files) uploader.addFiles(input.files);
});

declare global {
  interface Window {
    e2e: {
      finished: Finished[];
      files: () => Array<{ name: string; status: string; bytesUploaded: number }>;
      cancelAll: () => void;
    };
  }
}

window.e2e = {
  finished,
  files: () => uploader.getSnapshot().files.map(({ name, status, bytesUploaded }) => ({ name, status, bytesUploaded })),
  cancelAll: () => uploader.cancelAll(),
};

import { canceledError } from '../protocol/errors.js';
import type { SignedRequest } from '../protocol/types.js';
import { storageError, unreachableError } from './storage-errors.js';
import type { PutResult } from './transfer.js';

/**
 * Sends a small file as an S3 POST Object form with fetch. A form POST with
 * no custom headers and no upload listener is a CORS "simple request": the
 * browser sends it without the OPTIONS preflight every presigned PUT pays,
 * which halves the round trips per small file. There is no upload progress
 * (asking for it would bring the preflight back), so `onProgress` hears only
 * the end — which is why only small files go this way.
 */
export async function formPost(
  request: SignedRequest,
  body: Blob,
  signal: AbortSignal,
  onProgress: (loaded: number) => void,
): Promise<PutResult> {
  if (signal.aborted) throw canceledError();
  const form = new FormData();
  for (const [name, value] of Object.entries(request.fields ?? {})) form.append(name, value);
  form.append('file', body);
  let response: Response;
  try {
    response = await fetch(request.url, { method: 'POST', body: form, signal, credentials: 'omit' });
  } catch (error) {
    if (signal.aborted) throw canceledError();
    throw unreachableError(request.url, error);
  }
  if (!response.ok) throw storageError(response.status, await response.text().catch(() => ''));
  onProgress(body.size);
  return { etag: response.headers.get('ETag') };
}

import { HttpResponse, http } from 'msw';
import type { SignRequest } from '../../src/protocol/types.js';

export const SIGN_URL = 'http://app.test/api/upload';
export const STORAGE = 'http://s3.test/bucket';

export interface FakeEndpointLog {
  /** Every protocol request the endpoint received, in order. */
  calls: SignRequest[];
  /** Every PUT the storage received: path and partNumber. */
  puts: Array<{ path: string; partNumber: string | null; bytes: number }>;
}

/**
 * A signing endpoint and a storage that speak the protocol correctly, for
 * tests about the browser side. `override` answers chosen calls differently.
 */
export function fakeEndpoint(override?: (request: SignRequest, index: number) => Response | undefined) {
  const log: FakeEndpointLog = { calls: [], puts: [] };
  const expiresAt = () => new Date(Date.now() + 600_000).toISOString();
  let uploads = 0;
  const handlers = [
    http.post(SIGN_URL, async ({ request }) => {
      const body = (await request.json()) as SignRequest;
      log.calls.push(body);
      const overridden = override?.(body, log.calls.length - 1);
      if (overridden) return overridden;
      switch (body.operation) {
        case 'presign-put':
          return HttpResponse.json({
            results: body.files.map((file) => ({
              ok: true,
              key: `uploads/${file.name}`,
              url: `${STORAGE}/uploads/${encodeURIComponent(file.name)}?X-Amz-Signature=abc`,
              method: 'PUT',
              headers: { 'Content-Type': file.type || 'application/octet-stream' },
              expiresAt: expiresAt(),
            })),
          });
        case 'create-multipart':
          uploads++;
          return HttpResponse.json({
            upload: { key: `uploads/${body.file.name}`, uploadId: `upload-${uploads}`, partSize: body.partSize, token: '' },
          });
        case 'sign-parts':
          return HttpResponse.json({
            parts: body.partNumbers.map((partNumber) => ({
              partNumber,
              url: `${STORAGE}/${body.upload.key}?partNumber=${partNumber}&uploadId=${body.upload.uploadId}`,
              method: 'PUT',
              headers: {},
              expiresAt: expiresAt(),
            })),
          });
        case 'complete-multipart':
          return HttpResponse.json({ key: body.upload.key, etag: '"final"' });
        case 'abort-multipart':
          return HttpResponse.json({ aborted: true });
        case 'list-parts':
          return HttpResponse.json({ parts: [] });
      }
    }),
    http.put(`${STORAGE}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const bytes = (await request.arrayBuffer()).byteLength;
      log.puts.push({ path: decodeURIComponent(url.pathname), partNumber: url.searchParams.get('partNumber'), bytes });
      return new HttpResponse(null, {
        status: 200,
        headers: { ETag: `"etag-${log.puts.length}"`, 'Access-Control-Expose-Headers': 'ETag' },
      });
    }),
  ];
  return { log, handlers };
}

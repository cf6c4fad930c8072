import { delay, HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { SignClient } from '../../../src/protocol/client.js';
import { UploadError } from '../../../src/protocol/errors.js';
import { fakeEndpoint, SIGN_URL } from '../fake-endpoint.js';
import { server } from '../msw-server.js';

const file = { name: 'a.txt', size: 3, type: 'text/plain' };
const upload = { key: 'uploads/a', uploadId: 'u1', partSize: 5 * 1024 * 1024, token: '' };

async function failure(promise: Promise<unknown>): Promise<UploadError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UploadError);
  return error as UploadError;
}

describe('SignClient', () => {
  it('sends protocol v1 JSON with the app’s headers and returns the validated answer', async () => {
    let seen: { body: unknown; auth: string | null; type: string | null } | undefined;
    server.use(
      http.post(SIGN_URL, async ({ request }) => {
        seen = { body: await request.json(), auth: request.headers.get('authorization'), type: request.headers.get('content-type') };
        return HttpResponse.json({ upload: { ...upload, partSize: 8 * 1024 * 1024 } });
      }),
    );
    const client = new SignClient({ signUrl: SIGN_URL, headers: () => ({ Authorization: 'Bearer t0k3n' }) });
    const answer = await client.send({ operation: 'create-multipart', file, partSize: 8 * 1024 * 1024 });
    expect(answer.upload.uploadId).toBe('u1');
    expect(seen).toEqual({
      body: { v: 1, operation: 'create-multipart', file, partSize: 8 * 1024 * 1024 },
      auth: 'Bearer t0k3n',
      type: 'application/json',
    });
  });

  it('batches presign-put calls made in the same tick into one request', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const client = new SignClient({ signUrl: SIGN_URL });
    const signal = new AbortController().signal;
    const results = await Promise.all(['a', 'b', 'c'].map((name) => client.presignPut({ ...file, name }, signal)));
    expect(log.calls).toHaveLength(1);
    expect(results.map((result) => result.ok && result.key)).toEqual(['uploads/a', 'uploads/b', 'uploads/c']);
  });

  it('asks for form POSTs only for the files that may use them, in a batch of their own', async () => {
    const { log, handlers } = fakeEndpoint();
    server.use(...handlers);
    const client = new SignClient({ signUrl: SIGN_URL });
    const signal = new AbortController().signal;
    await Promise.all([
      client.presignPut({ ...file, name: 'small' }, signal, true),
      client.presignPut({ ...file, name: 'large' }, signal, false),
    ]);
    const bodies = log.calls as Array<{ post?: boolean; files: Array<{ name: string }> }>;
    expect(bodies.map((body) => [body.post, body.files.map((entry) => entry.name)])).toEqual([
      [true, ['small']],
      [undefined, ['large']],
    ]);
  });

  it('asks for the lifetime set in `expiresIn` on the operations that sign URLs, and refuses one the client would re-sign at once', async () => {
    const seen: Array<Record<string, unknown>> = [];
    const client = new SignClient({
      expiresIn: 120,
      signUrl: async (request) => {
        seen.push(request as unknown as Record<string, unknown>);
        return request.operation === 'presign-put'
          ? { results: [{ ok: true, key: 'k', url: 'https://b.test/k', expiresAt: new Date().toISOString() }] }
          : { parts: [] };
      },
    });
    await client.presignPut(file, new AbortController().signal);
    await client.send({ operation: 'sign-parts', file, upload, partNumbers: [1] });
    await client.send({ operation: 'list-parts', file, upload });
    expect(seen.map((request) => [request.operation, request.expiresIn])).toEqual([
      ['presign-put', 120],
      ['sign-parts', 120],
      ['list-parts', undefined],
    ]);
    for (const expiresIn of [0, 30, 59.5, Number.NaN]) {
      expect(() => new SignClient({ signUrl: SIGN_URL, expiresIn })).toThrow(/expiresIn/);
    }
  });

  it('names the field of an answer that breaks the schema, for each operation', async () => {
    const answers: Array<[unknown, string]> = [
      [{ upload: { key: '', uploadId: 'u', partSize: 1 } }, '`upload.key` should be a non-empty string'],
      [
        { upload: { key: 'k', uploadId: 'u', partSize: 1, checksumAlgorithm: 'sha1' } },
        '`upload.checksumAlgorithm` should be "md5", "sha256" or "crc32"',
      ],
      [{ upload: { key: 'k', uploadId: 'u', partSize: 0 } }, '`upload.partSize` should be an integer ≥ 1'],
      ['nope', '`response` should be an object'],
    ];
    for (const [answer, message] of answers) {
      const error = await failure(
        new SignClient({ signUrl: async () => answer }).send({ operation: 'create-multipart', file, partSize: 1 }),
      );
      expect(error.message).toContain(message);
    }
    const post = await failure(
      new SignClient({
        signUrl: async () => ({
          results: [{ ok: true, key: 'k', url: 'https://b.test/', method: 'POST', expiresAt: new Date().toISOString() }],
        }),
      }).presignPut(file, new AbortController().signal),
    );
    expect(post.message).toContain('`results[0].fields` should be the form fields of a POST');
    const parts = await failure(
      new SignClient({
        signUrl: async () => ({ parts: [{ partNumber: 1, url: 'https://b.test/', method: 'POST', expiresAt: new Date().toISOString() }] }),
      }).send({ operation: 'sign-parts', file, upload, partNumbers: [1] }),
    );
    expect(parts.message).toContain('`parts[0].method` should be "PUT"');
  });

  it('reports a 500 with the endpoint’s URL and status, as retryable', async () => {
    server.use(http.post(SIGN_URL, () => new HttpResponse('upstream exploded', { status: 500 })));
    const error = await failure(new SignClient({ signUrl: SIGN_URL }).send({ operation: 'list-parts', file, upload }));
    expect(error.code).toBe('endpoint_refused');
    expect(error.status).toBe(500);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(SIGN_URL);
    expect(error.message).toContain('HTTP 500');
  });

  it('passes the server’s protocol error code and message through, not retryable for 4xx', async () => {
    server.use(
      http.post(SIGN_URL, () => HttpResponse.json({ error: { code: 'file_too_large', message: 'Over 10 MB.' } }, { status: 413 })),
    );
    const error = await failure(new SignClient({ signUrl: SIGN_URL }).send({ operation: 'list-parts', file, upload }));
    expect(error.serverCode).toBe('file_too_large');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('Over 10 MB.');
  });

  it('rejects non-JSON answers, naming the endpoint and what came back', async () => {
    server.use(http.post(SIGN_URL, () => new HttpResponse('<html>Login</html>', { status: 200 })));
    const error = await failure(new SignClient({ signUrl: SIGN_URL }).send({ operation: 'list-parts', file, upload }));
    expect(error.code).toBe('endpoint_malformed');
    expect(error.message).toMatch(/non-JSON content: <html>Login<\/html>/);
  });

  it('rejects JSON without a URL, naming the missing field', async () => {
    server.use(http.post(SIGN_URL, () => HttpResponse.json({ parts: [{ partNumber: 1, expiresAt: new Date().toISOString() }] })));
    const error = await failure(new SignClient({ signUrl: SIGN_URL }).send({ operation: 'sign-parts', file, upload, partNumbers: [1] }));
    expect(error.code).toBe('endpoint_malformed');
    expect(error.message).toContain('`parts[0].url` should be a non-empty string');
  });

  it('rejects URLs that are not http(s) and dates that are not dates', async () => {
    server.use(
      http.post(SIGN_URL, () =>
        HttpResponse.json({ results: [{ ok: true, key: 'k', url: 'javascript:alert(1)', expiresAt: new Date().toISOString() }] }),
      ),
    );
    const client = new SignClient({ signUrl: SIGN_URL });
    const error = await failure(client.presignPut(file, new AbortController().signal));
    expect(error.message).toContain('`results[0].url` should be an http(s) URL');
  });

  it('times out a silent endpoint with a retryable error', async () => {
    server.use(
      http.post(SIGN_URL, async () => {
        await delay('infinite');
        return HttpResponse.json({});
      }),
    );
    const error = await failure(new SignClient({ signUrl: SIGN_URL, timeoutMs: 50 }).send({ operation: 'list-parts', file, upload }));
    expect(error.code).toBe('endpoint_timeout');
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('within 0.05 s');
  });

  it('reports an unreachable endpoint', async () => {
    server.use(http.post(SIGN_URL, () => HttpResponse.error()));
    const error = await failure(new SignClient({ signUrl: SIGN_URL }).send({ operation: 'list-parts', file, upload }));
    expect(error.code).toBe('endpoint_unreachable');
  });

  it('accepts a function as signUrl and validates its answers the same way', async () => {
    const seen: unknown[] = [];
    const client = new SignClient({
      signUrl: async (request) => {
        seen.push(request);
        return { parts: [] };
      },
    });
    expect(await client.send({ operation: 'list-parts', file, upload })).toEqual({ parts: [] });
    expect(seen).toEqual([{ v: 1, operation: 'list-parts', file, upload }]);
    const broken = new SignClient({ signUrl: async () => ({ nope: true }) });
    const error = await failure(broken.send({ operation: 'list-parts', file, upload }));
    expect(error.message).toMatch(/^The signUrl function answered "list-parts" with an invalid response/);
  });

  it('measures the server’s clock from the Date header, so a skewed browser judges expiry by server time', async () => {
    const serverTime = Date.now() + 10 * 60_000;
    server.use(http.post(SIGN_URL, () => HttpResponse.json({ parts: [] }, { headers: { Date: new Date(serverTime).toUTCString() } })));
    const client = new SignClient({ signUrl: SIGN_URL });
    expect(client.clockOffsetMs).toBe(0);
    await client.send({ operation: 'list-parts', file, upload });
    expect(Math.abs(client.clockOffsetMs - 10 * 60_000)).toBeLessThan(2000);
    expect(Math.abs(client.now() - serverTime)).toBeLessThan(2000);
  });

  it('ignores differences below the Date header’s one-second resolution', async () => {
    server.use(http.post(SIGN_URL, () => HttpResponse.json({ parts: [] }, { headers: { Date: new Date().toUTCString() } })));
    const client = new SignClient({ signUrl: SIGN_URL });
    await client.send({ operation: 'list-parts', file, upload });
    expect(client.clockOffsetMs).toBe(0);
  });
});

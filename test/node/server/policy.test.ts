import { describe, expect, it, vi } from 'vitest';
import { createSignHandler, SignError, type SignHandlerOptions } from '../../../src/server/index.js';
import { type Handler, offlineStore, postJson as post } from '../../support/sign-handler.js';

const MiB = 1024 * 1024;
const base: SignHandlerOptions = {
  ...offlineStore,
  secret: 'shared-secret-shared-secret-shared-0',
  onError: false,
};
const photo = { name: 'cat.jpg', size: 1000, type: 'image/jpeg' };
const md5 = 'XUFAKrxLKna5cZ2REBfFkg=='; // md5("hello")
const sha256 = 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=';

const presign = (handler: Handler, files: unknown[], headers?: Record<string, string>) =>
  post(handler, { v: 1, operation: 'presign-put', files }, headers);

describe('limits', () => {
  const handler = createSignHandler({
    ...base,
    allowedTypes: ['image/*', '.pdf', 'application/zip'],
    minFileSize: 10,
    maxFileSize: 10 * MiB,
  });

  it('accepts MIME wildcards, exact types and extensions', async () => {
    const { body } = await presign(handler, [
      photo,
      { name: 'a.PDF', size: 100, type: '' },
      { name: 'x.zip', size: 100, type: 'application/zip' },
    ]);
    expect(body.results.map((result: { ok: boolean }) => result.ok)).toEqual([true, true, true]);
  });

  it('refuses a type that is not allowed, naming the rule and the accepted types', async () => {
    const { body } = await presign(handler, [{ name: 'page.html', size: 100, type: 'text/html' }]);
    expect(body.results[0].error).toEqual({
      code: 'type_not_allowed',
      message: '"page.html" (text/html) is not an accepted type; accepted: image/*, .pdf, application/zip.',
      field: 'files[0].type',
    });
  });

  it('refuses a file under the minimum size', async () => {
    const { body } = await presign(handler, [{ ...photo, size: 9 }]);
    expect(body.results[0].error.code).toBe('file_too_small');
  });

  it('refuses a file needing more parts than maxParts at create', async () => {
    const few = createSignHandler({ ...base, maxParts: 2 });
    const { status, body } = await post(few, {
      v: 1,
      operation: 'create-multipart',
      file: { ...photo, size: 20 * MiB },
      partSize: 5 * MiB,
    });
    expect(status).toBe(400);
    expect(body.error.message).toContain('more than 2 parts');
  });

  it('signs Content-Length into single-PUT URLs so S3 refuses another size', async () => {
    const { body } = await presign(handler, [photo]);
    const url = new URL(body.results[0].url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
  });
});

describe('integrity', () => {
  it('requires a well-formed MD5 and signs Content-MD5 in', async () => {
    const handler = createSignHandler({ ...base, checksum: 'md5' });
    const { body } = await presign(handler, [photo, { ...photo, checksum: 'not base64!' }, { ...photo, checksum: md5 }]);
    expect(body.results[0].error.code).toBe('checksum_required');
    expect(body.results[1].error.code).toBe('invalid_checksum');
    expect(body.results[2].headers).toMatchObject({ 'Content-Type': 'image/jpeg', 'content-md5': md5 });
    expect(new URL(body.results[2].url).searchParams.get('X-Amz-SignedHeaders')).toBe(
      'cache-control;content-disposition;content-length;content-md5;content-type;host;if-none-match;x-amz-acl',
    );
  });

  it('signs x-amz-checksum-sha256 as a header the browser sends, not a query parameter', async () => {
    // A store that verifies SHA-256 (AWS, MinIO); RGW accepts the header but does not check it, so it is refused there.
    const handler = createSignHandler({ ...base, store: 'minio', checksum: 'sha256' });
    const { body } = await presign(handler, [{ ...photo, checksum: sha256 }]);
    const url = new URL(body.results[0].url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toContain('x-amz-checksum-sha256');
    expect(url.searchParams.has('x-amz-checksum-sha256')).toBe(false);
    expect(body.results[0].headers['x-amz-checksum-sha256']).toBe(sha256);
  });

  it('rejects an MD5 of the wrong length', async () => {
    const handler = createSignHandler({ ...base, checksum: 'md5' });
    const { body } = await presign(handler, [{ ...photo, checksum: sha256 }]);
    expect(body.results[0].error.code).toBe('invalid_checksum');
  });
});

describe('authorize', () => {
  const handler = createSignHandler({
    ...base,
    authorize: (request) => {
      const user = request.headers.get('authorization')?.replace(/^Bearer /, '');
      if (!user) throw new SignError(401, 'unauthorized', 'Sign in to upload.');
      if (user === 'banned') return false;
      return { prefix: `users/${user}` };
    },
  });

  it('answers 401 JSON for a caller without credentials and signs nothing', async () => {
    const { status, body } = await presign(handler, [photo]);
    expect(status).toBe(401);
    expect(body).toEqual({ error: { code: 'unauthorized', message: 'Sign in to upload.' } });
  });

  it('answers 403 when authorize returns false', async () => {
    const { status, body } = await presign(handler, [photo], { authorization: 'Bearer banned' });
    expect(status).toBe(403);
    expect(body.error.code).toBe('forbidden');
  });

  it('puts each user’s keys under their own prefix', async () => {
    const { body } = await presign(handler, [photo], { authorization: 'Bearer 42' });
    expect(body.results[0].key).toMatch(/^users\/42\/[0-9a-f-]{36}\/cat\.jpg$/);
  });

  it('refuses one user’s upload handle to another user', async () => {
    // A complete-put token for user 42's key, replayed by user 7.
    const { body } = await presign(handler, [photo], { authorization: 'Bearer 42' });
    const { key, token } = body.results[0];
    const replay = await post(handler, { v: 1, operation: 'complete-put', file: photo, key, token }, { authorization: 'Bearer 7' });
    expect(replay.status).toBe(403);
    expect(replay.body.error.code).toBe('invalid_upload');
  });
});

describe('keys', () => {
  it('uses the key hook and refuses a key outside the prefix', async () => {
    const custom = createSignHandler({ ...base, prefix: 'in', key: ({ file, prefix }) => `${prefix}/fixed/${file.size}.bin` });
    expect((await presign(custom, [photo])).body.results[0].key).toBe('in/fixed/1000.bin');
    const escaping = createSignHandler({ ...base, prefix: 'in', key: () => 'in/../etc/passwd' });
    const { status, body } = await presign(escaping, [photo]);
    expect(status).toBe(500);
    expect(JSON.stringify(body)).not.toContain('X-Amz-Signature');
  });
});

describe('stateless tokens', () => {
  it('lets another instance with the same secret verify a token, and no other', async () => {
    const first = createSignHandler(base);
    const { key, token } = (await presign(first, [photo])).body.results[0];
    const confirm = { v: 1, operation: 'complete-put', file: photo, key, token };
    // The sibling accepts the token and goes on to ask the storage (unreachable here): 502, not 403.
    const sibling = await post(createSignHandler(base), confirm);
    expect(sibling.body.error.code).toBe('storage_error');
    const stranger = await post(createSignHandler({ ...base, secret: 'another-secret-another-secret-anoth' }), confirm);
    expect(stranger.body.error.code).toBe('invalid_upload');
  });
});

describe('expiry', () => {
  it('refuses a configured expiry over 7 days instead of clamping it', () => {
    expect(() => createSignHandler({ ...base, expiresIn: { part: 604_801 } })).toThrow(/604800/);
  });

  it('signs per operation: parts and puts can live for different times', async () => {
    const handler = createSignHandler({ ...base, expiresIn: { put: 120, part: 900 } });
    const { body } = await presign(handler, [photo]);
    expect(new URL(body.results[0].url).searchParams.get('X-Amz-Expires')).toBe('120');
  });

  it('signs no longer than temporary credentials live, says so in expiresAt, and reports it', async () => {
    const onError = vi.fn();
    const expiration = new Date(Date.now() + 120_000);
    const handler = createSignHandler({
      ...base,
      credentials: { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token', expiration },
      onError,
    });
    const { body } = await presign(handler, [photo]);
    const lifetime = Number(new URL(body.results[0].url).searchParams.get('X-Amz-Expires'));
    expect(lifetime).toBeGreaterThan(100);
    expect(lifetime).toBeLessThan(120);
    expect(Date.parse(body.results[0].expiresAt)).toBeLessThanOrEqual(expiration.getTime());
    expect(onError).toHaveBeenCalledWith(
      expect.objectContaining({ message: expect.stringMatching(/instead of 600 s: the signing credentials expire/) }),
    );
  });

  it('refuses to sign with credentials about to expire', async () => {
    const handler = createSignHandler({
      ...base,
      credentials: { accessKeyId: 'ASIA', secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 10_000) },
    });
    const { status, body } = await presign(handler, [photo]);
    expect(status).toBe(503);
    expect(body.error.message).toContain('credentials are about to expire');
  });
});

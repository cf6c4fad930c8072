import { afterEach, describe, expect, it } from 'vitest';
import { UPLOAD_REFERENCE, uploadReference } from '../../../src/server/context.js';
import { createSignHandler, presignDownload, type SignHandlerOptions, toNodeListener } from '../../../src/server/index.js';
import { isWellFormed } from '../../../src/server/text.js';
import { closeServers, listen, rawStatus } from '../../support/listen.js';
import { offlineStore, postJson, presignPut } from '../../support/sign-handler.js';

const SECRET = 'red-team-round-two-secret-round-two';
const base: SignHandlerOptions = { ...offlineStore, prefix: 'incoming', secret: SECRET, onError: false };
const confirmed: SignHandlerOptions = { ...base, onUploadComplete: () => undefined };
const good = { name: 'photo.jpg', size: 1000, type: 'image/jpeg' };
const REFERENCE_PARAM = `x-amz-meta-${UPLOAD_REFERENCE}`;

/** Every value of a query parameter, whatever the case of its name. */
function queryValues(url: string, name: string): string[] {
  return [...new URL(url).searchParams].filter(([key]) => key.toLowerCase() === name).map(([, value]) => value);
}

afterEach(closeServers);

describe('the upload reference in a complete-put token', () => {
  const handler = createSignHandler(confirmed);
  const complete = (key: string, token: unknown, file: object = good) =>
    postJson(handler, { v: 1, operation: 'complete-put', file, key, token });

  it('a token as issued reaches the store (502 offline); every bent spelling of it is refused before it', async () => {
    const [a, b] = await presignPut(handler, [good, good]);
    const [reference, ...rest] = (a.token as string).split('.');
    const tail = rest.join('.');
    expect(reference).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(rest).toHaveLength(2);
    // The control: the token as issued passes the check and goes on to HeadObject.
    expect((await complete(a.key, a.token)).status).toBe(502);
    const bent: Array<[string, string]> = [
      ['the old format, no reference', tail],
      ['an empty reference', `.${tail}`],
      ['a reference holding a dot', `${reference}.x.${tail}`],
      ['a dot in front', `.${a.token}`],
      ['another token’s reference', `${uploadReference(b.token)}.${tail}`],
      ['the reference only', reference as string],
      ['the reference, twice', `${reference}.${a.token}`],
      ['a reference in other case', `${(reference as string).toUpperCase()}.${tail}`],
      ['a NUL in the reference', `${reference}\u0000.${tail}`],
      ['a reference of 4,000 characters', `${'A'.repeat(4000)}.${tail}`],
      ['non-ASCII in the reference', `${reference}é.${tail}`],
    ];
    for (const [what, token] of bent) {
      const answer = await complete(a.key, token);
      expect(answer.status, what).toBeGreaterThanOrEqual(400);
      expect(answer.status, what).toBeLessThan(500);
    }
    // Token a's reference with token b's rest, and the right token for another key of the batch.
    expect((await complete(b.key, `${reference}.${(b.token as string).split('.').slice(1).join('.')}`)).status).toBe(403);
    expect((await complete(b.key, a.token)).status).toBe(403);
  });

  it('a token longer than the protocol allows is a 400; at the limit, a 403; neither reaches the store', async () => {
    const [a] = await presignPut(handler, [good]);
    expect((await complete(a.key, `${'A'.repeat(4096 - a.token.length - 1)}.${a.token}`)).status).toBe(403);
    expect((await complete(a.key, `${'A'.repeat(4097 - a.token.length)}.${a.token}`)).status).toBe(400);
    expect((await complete(a.key, 'A'.repeat(200_000))).status).toBe(400);
    expect((await complete(a.key, 12345)).status).toBe(400);
  });

  it('app metadata may not name the upload reference (any case): that file is refused, its batch carries on', async () => {
    for (const name of ['upload-ref', 'Upload-Ref', 'UPLOAD-REF']) {
      const [refused, signed] = await presignPut(handler, [{ ...good, metadata: { [name]: 'mine' } }, good]);
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid_request', field: `files[0].metadata.${name}` } });
      expect(signed.ok).toBe(true);
    }
  });
});

describe('the reference signed into what the browser sends', () => {
  it('a batch of 100: each PUT URL and each form carries its own token’s reference, once, and no two are alike', async () => {
    const handler = createSignHandler(confirmed);
    const files = Array.from({ length: 100 }, (_, index) => ({ ...good, name: `p${index}.jpg`, metadata: { n: String(index) } }));
    for (const post of [false, true]) {
      const results = await presignPut(handler, files, { post });
      expect(results).toHaveLength(100);
      const references = new Set<string>();
      for (const result of results) {
        expect(result).toMatchObject({ ok: true, confirm: true, method: post ? 'POST' : 'PUT' });
        const reference = uploadReference(result.token);
        expect(reference).toMatch(/^[A-Za-z0-9_-]{16}$/);
        references.add(reference);
        if (post) expect(result.fields[REFERENCE_PARAM]).toBe(reference);
        else expect(queryValues(result.url, REFERENCE_PARAM)).toEqual([reference]);
      }
      expect(references.size).toBe(100);
    }
  });

  it('create-multipart with app metadata named upload-ref is a 400 before the store (a multipart object never carries a reference)', async () => {
    const handler = createSignHandler(confirmed);
    const { status, body } = await postJson(handler, {
      v: 1,
      operation: 'create-multipart',
      file: { name: 'big.bin', size: 20 * 1024 * 1024, type: 'application/octet-stream', metadata: { 'Upload-Ref': 'x' } },
    });
    expect(status).toBe(400);
    expect(body.error.field).toBe('file.metadata.Upload-Ref');
  });

  it('without onUploadComplete nothing is confirmed and no reference is signed in', async () => {
    const handler = createSignHandler(base);
    const [asPut] = await presignPut(handler, [good]);
    const [asForm] = await presignPut(handler, [good], { post: true });
    expect(asPut.confirm).toBeUndefined();
    expect(queryValues(asPut.url, REFERENCE_PARAM)).toEqual([]);
    expect(asForm.fields[REFERENCE_PARAM]).toBeUndefined();
  });
});

describe('forms or PUTs under writeOnce', () => {
  const ownKey: SignHandlerOptions['key'] = ({ prefix, file }) => `${prefix}/by-name/${file.name}`;
  it('an app’s own key() gets a create-only PUT where a form was asked for; writeOnce off or the default key gets the form', async () => {
    const [own] = await presignPut(createSignHandler({ ...confirmed, key: ownKey }), [good], { post: true });
    expect(own).toMatchObject({ method: 'PUT', confirm: true });
    expect(own.headers['If-None-Match']).toBe('*');
    expect(queryValues(own.url, REFERENCE_PARAM)).toEqual([uploadReference(own.token)]);
    const [off] = await presignPut(createSignHandler({ ...confirmed, key: ownKey, writeOnce: false }), [good], { post: true });
    expect(off.method).toBe('POST');
    const [random] = await presignPut(createSignHandler(confirmed), [good], { post: true });
    expect(random.method).toBe('POST');
  });

  it('with a checksum too: a PUT signing the digest, the condition and the reference', async () => {
    const checksum = '1B2M2Y8AsgTpgAmY7PhCfg==';
    const handler = createSignHandler({ ...confirmed, key: ownKey, checksum: 'md5' });
    const [own] = await presignPut(handler, [{ ...good, checksum }], { post: true });
    expect(own.method).toBe('PUT');
    expect(own.headers).toMatchObject({ 'content-md5': checksum, 'If-None-Match': '*' });
    const signed = new URL(own.url).searchParams.get('X-Amz-SignedHeaders')?.split(';');
    expect(signed).toEqual(expect.arrayContaining(['content-md5', 'if-none-match']));
  });
});

describe('the node adapter’s answer to methods', () => {
  const handler = createSignHandler(base);
  it('OPTIONS, HEAD, PUT, DELETE through node:http are a 405 with Allow: POST', async () => {
    const { port } = await listen(toNodeListener(handler));
    for (const method of ['OPTIONS', 'HEAD', 'PUT', 'DELETE', 'PATCH']) {
      const { status, text } = await rawStatus(
        port,
        `${method} /api/upload HTTP/1.1\r\nHost: app.test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
      );
      expect(status, method).toBe(405);
      expect(text.toLowerCase(), method).toContain('allow: post');
    }
  });

  it('a lowercase "post" request line is refused (Node answers 400 before the adapter), never a 5xx', async () => {
    const { port } = await listen(toNodeListener(handler));
    const body = JSON.stringify({ v: 1, operation: 'presign-put', files: [good] });
    const { status, text } = await rawStatus(
      port,
      `post /api/upload HTTP/1.1\r\nHost: app.test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(text).not.toContain('X-Amz-Signature');
  });

  it('a Fetch Request made with method "post" is normalised to POST and answered', async () => {
    const response = await handler(
      new Request('http://app.test/api/upload', {
        method: 'post',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ v: 1, operation: 'presign-put', files: [good] }),
      }),
    );
    expect(response.status).toBe(200);
  });
});

describe('error messages that quote the request', () => {
  const handler = createSignHandler(base);
  it('a 1 MB operation name is a 400 whose message stays short', async () => {
    const answer = await postJson(handler, { v: 1, operation: 'x'.repeat(500_000) });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.text.length).toBeLessThan(2000);
  });

  it('a version of another type (object, array, huge number) is a 400 unsupported_version', async () => {
    for (const v of [{ a: 1 }, [1], 1e308, -0, 'ünïcode-😀'.repeat(100)]) {
      const answer = await postJson(handler, { v, operation: 'presign-put', files: [good] });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('unsupported_version');
    }
  });
});

describe('presignDownload, round 2', () => {
  const storage = { ...offlineStore, bucket: 'downloads' };
  it.each(['users/42 ', ' users/42', 'users/42\t', 'users/42\u3000', 'users/42\u00a0', 'users /42', 'users/42/ '])(
    'prefix %j (whitespace at a segment edge) is refused',
    async (prefix) => {
      await expect(presignDownload(storage, { key: 'users/42/a.pdf', prefix })).rejects.toThrow(TypeError);
    },
  );

  it.each(['users/42/.', 'users/42/a/.', 'users/42/./a.pdf', 'users/42//a.pdf'])(
    'key %j after the prefix stays under it once a client normalises the URL',
    async (key) => {
      const url = await presignDownload(storage, { key, prefix: 'users/42' });
      expect(new URL(url).pathname.startsWith('/downloads/users/42/')).toBe(true);
    },
  );

  it.each(['users/42/..∕41∕a.pdf', 'users/42/%2e%2e/41/a.pdf', 'users/42/..%2F41/a.pdf', 'users/42/..\\41\\a.pdf'])(
    'key %j (look-alike or encoded separators) is signed as written and read back under the prefix',
    async (key) => {
      const url = await presignDownload(storage, { key, prefix: 'users/42' });
      const path = new URL(url).pathname;
      expect(path.startsWith('/downloads/users/42/')).toBe(true);
      expect(decodeURIComponent(path.slice('/downloads/'.length))).toBe(key);
    },
  );

  it('a key under a look-alike of the prefix ("users∕42", "users/42\u200b") is outside it', async () => {
    for (const key of ['users∕42/a.pdf', 'users/42\u200b/a.pdf', 'users/４２/a.pdf']) {
      await expect(presignDownload(storage, { key, prefix: 'users/42' })).rejects.toThrow(RangeError);
    }
  });
});

describe('found by the red team, round 2 (each failed before its fix)', () => {
  const handler = createSignHandler(base);
  it('an unknown operation quoted in the error message is cut on a character boundary (no lone surrogate)', async () => {
    // quoted() cuts JSON.stringify's text at 39 UTF-16 units: an emoji there leaves half a surrogate pair in the message.
    const answer = await postJson(handler, { v: 1, operation: `${'a'.repeat(37)}😀😀` });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('unknown_operation');
    expect(isWellFormed(answer.body.error.message)).toBe(true);
  });

  it('metadata at the protocol’s 2 KiB limit plus the server’s upload-ref stays within S3’s 2 KB of user metadata (or the file is refused)', async () => {
    // AWS counts the UTF-8 bytes of each name (without x-amz-meta-) and value; over 2048 a PUT is refused (400 MetadataTooLarge).
    const handler = createSignHandler(confirmed);
    const file = { ...good, metadata: { a: 'v'.repeat(2047) } };
    for (const post of [false, true]) {
      const [result] = await presignPut(handler, [file], { post });
      if (!result.ok) {
        expect(result.error.code).toBeDefined();
        continue;
      }
      const signed: Array<[string, string]> = post
        ? Object.entries(result.fields as Record<string, string>)
        : [...new URL(result.url).searchParams];
      const bytes = signed
        .filter(([name]) => name.toLowerCase().startsWith('x-amz-meta-'))
        .reduce((sum, [name, value]) => sum + Buffer.byteLength(name.slice('x-amz-meta-'.length)) + Buffer.byteLength(value), 0);
      expect(bytes, post ? 'form' : 'PUT').toBeLessThanOrEqual(2048);
    }
  });
});

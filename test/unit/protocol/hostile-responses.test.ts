/**
 * The answer validators (schema-responses.ts through validateResponse), fed
 * what a hostile or buggy signing endpoint may send: each is refused with a
 * MalformedResponseError naming the field, or cleaned without harm.
 */
import { describe, expect, it } from 'vitest';
import { MalformedResponseError, validateResponse } from '../../../src/protocol/validate-response.js';

const expiresAt = '2026-12-02T14:00:00.000Z';
const put = (patch: Record<string, unknown> = {}) => ({
  ok: true,
  key: 'uploads/a.txt',
  url: 'https://bucket.s3.test/uploads/a.txt?X-Amz-Signature=abc',
  expiresAt,
  ...patch,
});

/** Why the answer is refused: a presign-put result is refused alone (the batch's other files go on), anything else whole. */
function refusal(operation: Parameters<typeof validateResponse>[0], body: unknown): string {
  try {
    const answer = validateResponse(operation, body) as { results?: unknown[] };
    const refused = answer.results?.find((result) => result instanceof MalformedResponseError);
    if (refused) return (refused as Error).message;
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedResponseError);
    return (error as Error).message;
  }
  throw new Error('accepted');
}

describe('hostile answers, validated', () => {
  it.each([
    'javascript:alert(1)',
    'JAVASCRIPT:alert(1)',
    ' javascript:alert(1)',
    'data:text/html,<script>1</script>',
    'file:///etc/passwd',
    'blob:https://app.test/0b5e2c1a',
    'ftp://bucket/a',
    'wss://bucket/a',
    '/relative/path',
    '//bucket.s3.test/a',
    'https//missing-colon',
  ])('a url of %j is refused, and the message does not repeat it', (url) => {
    const message = refusal('presign-put', { results: [put({ url })] });
    expect(message).toMatch(/^`results\[0\]\.url` should be an? (absolute|http\(s\)) URL$/);
    expect(message).not.toContain(url.trim());
  });

  it('an http: URL is accepted (no rule refuses plain http, docs/security.md promises none)', () => {
    const { results } = validateResponse('presign-put', { results: [put({ url: 'http://bucket.s3.test/a' })] });
    expect(results[0]).toMatchObject({ ok: true, url: 'http://bucket.s3.test/a' });
  });

  it('a header or form field named __proto__ pollutes nothing', () => {
    const body = JSON.parse(
      `{"results":[{"ok":true,"key":"k","url":"https://b.test/","method":"POST","expiresAt":"${expiresAt}","headers":{"__proto__":"x"},"fields":{"__proto__":"y","key":"k"}}]}`,
    );
    const { results } = validateResponse('presign-put', body);
    const [result] = results;
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.getPrototypeOf(result?.ok ? result.headers : {})).toBe(Object.prototype);
    expect(result?.ok && result.fields).toEqual({ key: 'k' });
  });

  it('fields are dropped from a PUT, required for a POST', () => {
    const { results } = validateResponse('presign-put', { results: [put({ fields: { file: 'x' } })] });
    expect(results[0]).not.toHaveProperty('fields');
    expect(refusal('presign-put', { results: [put({ method: 'POST' })] })).toBe('`results[0].fields` should be the form fields of a POST');
  });

  it.each([
    ['a string', 'soon'],
    ['a number', 1_800_000_000_000],
    ['null', null],
    ['an object', { at: expiresAt }],
  ])('an expiresAt that is %s is refused', (_, value) => {
    expect(refusal('sign-parts', { parts: [{ partNumber: 1, url: 'https://b.test/p', expiresAt: value }] })).toContain(
      '`parts[0].expiresAt`',
    );
  });

  it('a transport hint it does not know is dropped, not an error; a huge maxInFlight is kept as a hint only', () => {
    const { parts } = validateResponse('sign-parts', {
      parts: [
        { partNumber: 1, url: 'https://b.test/1', expiresAt, transport: { protocol: 'h9' } },
        { partNumber: 2, url: 'https://b.test/2', expiresAt, transport: { protocol: 'h2', maxInFlight: -5 } },
      ],
    });
    expect(parts[0]).not.toHaveProperty('transport');
    expect(parts[1]?.transport).toEqual({ protocol: 'h2' });
  });

  it.each([
    ['a negative size', { partNumber: 1, etag: '"a"', size: -1 }],
    ['a size of 2^53', { partNumber: 1, etag: '"a"', size: 2 ** 53 }],
    ['part number 0', { partNumber: 0, etag: '"a"', size: 1 }],
    ['an etag that is a number', { partNumber: 1, etag: 1, size: 1 }],
  ])('list-parts with %s is refused', (_, part) => {
    expect(refusal('list-parts', { parts: [part] })).toMatch(/^`parts\[0\]\.(size|partNumber|etag)`/);
  });

  it.each([
    ['a partSize of 0', { key: 'k', uploadId: 'u', partSize: 0 }],
    ['a fractional partSize', { key: 'k', uploadId: 'u', partSize: 5.5 }],
    ['a partSize beyond the safe integers', { key: 'k', uploadId: 'u', partSize: 2 ** 60 }],
    ['a key of 1025 characters', { key: 'k'.repeat(1025), uploadId: 'u', partSize: 1 }],
  ])('create-multipart with %s', (name, upload) => {
    // The browser dialect does not enforce lengths (only the server does): a long key passes.
    if (name.startsWith('a key')) {
      expect(validateResponse('create-multipart', { upload }).upload.key).toHaveLength(1025);
      return;
    }
    expect(refusal('create-multipart', { upload })).toContain('`upload.partSize`');
  });

  it('abort-multipart accepts any JSON answer (it has nothing to use)', () => {
    expect(validateResponse('abort-multipart', { aborted: false, anything: 1 })).toEqual({ aborted: true });
  });

  it('complete-put: an empty etag is treated as none; a key is required', () => {
    expect(validateResponse('complete-put', { key: 'k', etag: '' })).toEqual({ key: 'k' });
    expect(refusal('complete-put', { etag: '"e"' })).toBe('`key` should be a non-empty string');
  });
});

/**
 * The signer as the node tests set it up: a store that presigning never
 * contacts, AWS's documented example keys, and one way to POST a protocol
 * body to a handler the way the browser client does.
 */

/** Bucket, region, endpoint and credentials of a store nobody contacts (port 9, discard): presigning needs no network. */
export const offlineStore = {
  bucket: 'uploads-bucket',
  region: 'us-east-1',
  endpoint: 'http://127.0.0.1:9',
  forcePathStyle: true,
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
};

/** The token secret of the tests that do not care which one it is. */
export const TEST_SECRET = 'test-secret-test-secret-test-secret-0';

/** The headers a presign-put of photo.jpg (image/jpeg) tells the browser to send, under the default options. */
export const photoPutHeaders = {
  'Content-Type': 'image/jpeg',
  'Content-Disposition': `attachment; filename="photo.jpg"; filename*=UTF-8''photo.jpg`,
  'Cache-Control': 'private',
  'x-amz-acl': 'private',
  'If-None-Match': '*',
};

export type Handler = (request: Request) => Promise<Response>;

/**
 * POSTs `body` to /api/upload as application/json (a string goes as it is,
 * anything else as JSON; `headers` are added to, or replace, the content type).
 * The answer's status, its body parsed as JSON, its text and its headers.
 */
export async function postJson(handler: Handler, body: unknown, headers: Record<string, string> = {}) {
  const response = await handler(
    new Request('http://app.test/api/upload', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    }),
  );
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text, headers: response.headers };
}

/** A presign-put for `files` (and any other fields of the request); the `results` of the answer. */
export async function presignPut(handler: Handler, files: unknown[], extra: Record<string, unknown> = {}) {
  return (await postJson(handler, { v: 1, operation: 'presign-put', files, ...extra })).body.results;
}

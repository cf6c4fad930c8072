import { gzipSync } from 'node:zlib';
import express from 'express';
import { Hono } from 'hono';
import { afterEach, describe, expect, it } from 'vitest';
import { toExpressHandler } from '../../../src/server/express.js';
import { createSignHandler, type SignHandler, toNodeListener } from '../../../src/server/index.js';
import { closeServers, listen } from '../../support/listen.js';
import { offlineStore, photoPutHeaders, TEST_SECRET } from '../../support/sign-handler.js';

// Presigning needs no network: the endpoint below is never contacted by these tests.
const handler = createSignHandler({ ...offlineStore, prefix: 'incoming', secret: TEST_SECRET });

const presignPut = { v: 1, operation: 'presign-put', files: [{ name: 'photo.jpg', size: 1000, type: 'image/jpeg' }] };

function uploadRequest(base = 'http://app.test', init: RequestInit = {}): Request {
  return new Request(`${base}/api/upload`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(presignPut),
    ...init,
  });
}

/** What every adapter must answer for the same presign-put. */
async function expectPresigned(response: Response) {
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  const body = await response.json();
  expect(body.results).toHaveLength(1);
  const [result] = body.results;
  expect(result.ok).toBe(true);
  expect(result.key).toMatch(/^incoming\/[0-9a-f-]{36}\/photo\.jpg$/);
  expect(new URL(result.url).pathname).toBe(`/uploads-bucket/${result.key}`);
  expect(result.headers).toEqual(photoPutHeaders);
}

async function expectMethodNotAllowed(response: Response) {
  expect(response.status).toBe(405);
  expect(response.headers.get('allow')).toBe('POST');
  expect((await response.json()).error.code).toBe('method_not_allowed');
}

afterEach(closeServers);

describe('the Fetch-API handler', () => {
  it('answers a presign-put called directly', async () => {
    await expectPresigned(await handler(uploadRequest()));
  });

  it('answers 405 with Allow: POST for GET', async () => {
    await expectMethodNotAllowed(await handler(new Request('http://app.test/api/upload')));
  });

  it('works unchanged as a Bun / Deno / Workers style `export default { fetch }`', async () => {
    const server: { fetch: (request: Request) => Response | Promise<Response> } = { fetch: handler };
    await expectPresigned(await server.fetch(uploadRequest()));
    await expectMethodNotAllowed(await server.fetch(new Request('http://app.test/api/upload')));
  });

  it('works unchanged as a Hono route, on the raw request, and as the whole Hono app behind Deno.serve-style fetch', async () => {
    const app = new Hono();
    app.post('/api/upload', (c) => handler(c.req.raw));
    app.get('/api/upload', (c) => handler(c.req.raw));
    await expectPresigned(await app.fetch(uploadRequest()));
    await expectPresigned(
      await app.request('/api/upload', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(presignPut),
      }),
    );
    await expectMethodNotAllowed(await app.request('/api/upload'));
    // app.all with the handler itself as the route's answer:
    const mounted = new Hono().all('/api/upload', (c) => handler(c.req.raw));
    await expectPresigned(await mounted.fetch(uploadRequest()));
    await expectMethodNotAllowed(await mounted.fetch(new Request('http://app.test/api/upload')));
  });
});

describe('toNodeListener', () => {
  it('answers a presign-put and a GET on a real node:http server', async () => {
    const { base } = await listen(toNodeListener(handler));
    await expectPresigned(await fetch(uploadRequest(base)));
    await expectMethodNotAllowed(await fetch(`${base}/api/upload`));
  });
});

describe('toExpressHandler', () => {
  /** An Express 5 app with the adapter at POST and GET /api/upload, after the given middleware. */
  async function expressApp(middleware: express.RequestHandler[], sign: SignHandler = handler) {
    const app = express();
    for (const use of middleware) app.use(use);
    const upload: express.RequestHandler = toExpressHandler(sign);
    app.post('/api/upload', upload);
    app.get('/api/upload', upload);
    const errors: unknown[] = [];
    app.use((error: unknown, _request: express.Request, response: express.Response, _next: express.NextFunction) => {
      errors.push(error);
      response.status(500).json({ error: { code: 'internal_error', message: 'from the error middleware' } });
    });
    return { base: (await listen(app)).base, errors };
  }

  it('answers a presign-put without a body parser (the body is streamed)', async () => {
    const { base } = await expressApp([]);
    await expectPresigned(await fetch(uploadRequest(base)));
    await expectMethodNotAllowed(await fetch(`${base}/api/upload`));
  });

  it('answers a presign-put behind express.json(), which has drained the stream', async () => {
    const { base } = await expressApp([express.json()]);
    await expectPresigned(await fetch(uploadRequest(base)));
    await expectMethodNotAllowed(await fetch(`${base}/api/upload`));
  });

  it('rebuilds the body when the parser decoded it (gzip) or shortened it (whitespace)', async () => {
    const { base } = await expressApp([express.json()]);
    const gzipped = gzipSync(JSON.stringify(presignPut, null, 8));
    await expectPresigned(
      await fetch(`${base}/api/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: gzipped,
      }),
    );
  });

  it('answers behind express.text() and express.raw(), which leave a string and a Buffer', async () => {
    for (const parser of [express.text({ type: 'application/json' }), express.raw({ type: 'application/json' })]) {
      const { base } = await expressApp([parser]);
      await expectPresigned(await fetch(uploadRequest(base)));
    }
  });

  it('refuses a body express.json() skipped for its content type (text/plain: a cross-site simple request) with 415', async () => {
    const { base } = await expressApp([express.json()]);
    const response = await fetch(uploadRequest(base, { headers: { 'content-type': 'text/plain' } }));
    expect(response.status).toBe(415);
    expect((await response.json()).error.code).toBe('unsupported_media_type');
  });

  it('streams the body past an untouched `req.body = {}` (what body-parser 1.x leaves on Express 4)', async () => {
    const { base } = await expressApp([
      (request, _response, next) => {
        request.body = {};
        next();
      },
    ]);
    await expectPresigned(await fetch(uploadRequest(base)));
  });

  it('answers protocol errors from a parsed body as the Fetch handler does', async () => {
    const { base } = await expressApp([express.json()]);
    const response = await fetch(`${base}/api/upload`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: 2, operation: 'presign-put', files: [] }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).error.code).toBe('unsupported_version');
  });

  it('sees the full URL under a router mount path', async () => {
    const seen: string[] = [];
    const spy: SignHandler = async (request) => {
      seen.push(request.url);
      return handler(request);
    };
    const app = express();
    app.use(express.json());
    const router = express.Router();
    router.post('/upload', toExpressHandler(spy));
    app.use('/api', router);
    const { base } = await listen(app);
    await expectPresigned(await fetch(uploadRequest(base)));
    expect(seen).toEqual([`${base}/api/upload`]);
  });

  it('passes what the handler throws to next(error)', async () => {
    const failure = new Error('boom');
    const { base, errors } = await expressApp([express.json()], async () => {
      throw failure;
    });
    const response = await fetch(uploadRequest(base));
    expect(response.status).toBe(500);
    expect((await response.json()).error.message).toBe('from the error middleware');
    expect(errors).toEqual([failure]);
  });

  it('answers 413 for a body over the limit without a parser, declared or streamed, rather than hanging', async () => {
    const { base } = await expressApp([]);
    const big = JSON.stringify({ ...presignPut, padding: 'x'.repeat(300 * 1024) });
    for (const body of [big, new Blob([big]).stream()]) {
      const response = await fetch(`${base}/api/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      expect(response.status).toBe(413);
      expect((await response.json()).error.code).toBe('payload_too_large');
    }
  });
});

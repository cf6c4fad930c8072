import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorResponse, SignError } from './errors.js';
import type { SignHandler } from './handler.js';

/**
 * The parts of a Node request the adapters read: an `IncomingMessage`, or
 * Express's and Connect's `req`. Typed here so the library needs no `@types/express`.
 */
export interface NodeRequestLike extends AsyncIterable<unknown> {
  method?: string | undefined;
  url?: string | undefined;
  /** Express: the URL before a router stripped its mount path. */
  originalUrl?: string | undefined;
  /** Express: `http` or `https` (honours `trust proxy`). */
  protocol?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Set by a body parser (`express.json()`, `text()`, `raw()`…) that already read the stream. */
  body?: unknown;
  readableEnded?: boolean | undefined;
  complete?: boolean | undefined;
  readable?: boolean | undefined;
}

/** The parts of a Node `ServerResponse` (or Express's `res`) the adapters write. */
export interface NodeResponseLike {
  statusCode: number;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  end(chunk: Uint8Array): unknown;
}

/**
 * Adapts a Fetch-API handler to Node's `http` server (and Connect, Vite
 * middleware): `http.createServer(toNodeListener(createSignHandler(…)))`.
 * For Express, `toExpressHandler` also passes errors to `next`.
 */
export function toNodeListener(handler: SignHandler): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    try {
      await sendFetchResponse(response, await answer(handler, request));
    } catch {
      // The handler answers its own errors; this is only for a broken connection.
      if (!response.headersSent) response.statusCode = 500;
      response.end();
    }
  };
}

/**
 * The handler's answer to a Node request. A request that cannot become a
 * Fetch `Request` — a method Fetch forbids (TRACE, TRACK, CONNECT), a Host
 * that is no host name, a parsed body nested too deep to serialise — is
 * answered here, as the handler would: 405 for a method other than POST, else 400.
 */
export async function answer(handler: SignHandler, request: NodeRequestLike): Promise<Response> {
  let fetchRequest: Request;
  try {
    fetchRequest = toFetchRequest(request);
  } catch {
    if (request.method !== 'POST') {
      const refusal = errorResponse(new SignError(405, 'method_not_allowed', 'Use POST; this endpoint answers nothing else.'));
      refusal.headers.set('allow', 'POST');
      return refusal;
    }
    return errorResponse(new SignError(400, 'invalid_request', 'The request could not be read (its Host, URL or body).'));
  }
  return handler(fetchRequest);
}

/** Headers that describe the bytes on the wire, not a body rebuilt from `req.body`. */
const WIRE_HEADERS = ['content-length', 'content-encoding', 'transfer-encoding'];

/**
 * A Fetch `Request` for a Node request. When a body parser has already read
 * the stream, the body is rebuilt from `req.body` (reading the drained stream
 * would never end); otherwise the stream is passed on as it arrives.
 */
export function toFetchRequest(request: NodeRequestLike): Request {
  const protocol = request.protocol === 'https' ? 'https' : 'http';
  const url = new URL(request.originalUrl ?? request.url ?? '/', `${protocol}://${request.headers.host ?? 'localhost'}`);
  const method = request.method ?? 'GET';
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  if (method === 'GET' || method === 'HEAD') return new Request(url, { method, headers });

  const parsed = parsedBody(request);
  if (parsed !== undefined) {
    for (const name of WIRE_HEADERS) headers.delete(name);
    // The declared Content-Type stays: a parser set to read any type as JSON (`express.json({ type: '*/*' })`)
    // must not turn a cross-site text/plain form post into a request the handler takes (it answers 415).
    return new Request(url, { method, headers, body: parsed.body });
  }
  if (drained(request)) {
    // Someone read the stream without leaving a body: an empty body, not a request that never ends.
    return new Request(url, { method, headers, body: '' });
  }
  return new Request(url, { method, headers, body: streamOf(request), duplex: 'half' } as RequestInit);
}

/** Writes a Fetch `Response` to a Node response: status, headers (each Set-Cookie kept apart), body. */
export async function sendFetchResponse(response: NodeResponseLike, fetchResponse: Response): Promise<void> {
  const body = new Uint8Array(await fetchResponse.arrayBuffer());
  response.statusCode = fetchResponse.status;
  const cookies = fetchResponse.headers.getSetCookie();
  if (cookies.length > 0) response.setHeader('set-cookie', cookies);
  for (const [name, value] of fetchResponse.headers) {
    if (name !== 'set-cookie') response.setHeader(name, value);
  }
  response.end(body);
}

/** The body a parser left in `req.body`, or undefined when the bytes are still in the stream. */
function parsedBody(request: NodeRequestLike): { body: string | Uint8Array<ArrayBuffer> } | undefined {
  const body = request.body;
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return { body };
  if (body instanceof Uint8Array) return { body: new Uint8Array(body) };
  // body-parser 1.x (Express 4) sets `req.body = {}` before deciding not to parse: the bytes are still unread then.
  if (typeof body === 'object' && Object.keys(body).length === 0 && !drained(request)) return undefined;
  return { body: JSON.stringify(body) };
}

/** Whether the request stream has been read to its end (what body-parser's `on-finished` check looks at). */
function drained(request: NodeRequestLike): boolean {
  return request.readableEnded === true || (request.complete === true && request.readable === false);
}

function streamOf(source: AsyncIterable<unknown>): ReadableStream<Uint8Array> {
  let iterator: AsyncIterator<unknown> | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      iterator ??= source[Symbol.asyncIterator]();
      const { done, value } = await iterator.next();
      if (done) controller.close();
      else controller.enqueue(typeof value === 'string' ? new TextEncoder().encode(value) : (value as Uint8Array));
    },
    async cancel() {
      await iterator?.return?.();
    },
  });
}

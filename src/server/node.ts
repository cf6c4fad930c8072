import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { SignHandler } from './handler.js';

/**
 * Adapts a Fetch-API handler to Node's `http` server (and Express, Connect,
 * Vite middleware): `http.createServer(toNodeListener(createSignHandler(…)))`.
 */
export function toNodeListener(handler: SignHandler): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    try {
      const fetchResponse = await handler(toFetchRequest(request));
      response.statusCode = fetchResponse.status;
      for (const [name, value] of fetchResponse.headers) response.setHeader(name, value);
      response.end(Buffer.from(await fetchResponse.arrayBuffer()));
    } catch {
      // The handler answers its own errors; this is only for a broken connection.
      if (!response.headersSent) response.statusCode = 500;
      response.end();
    }
  };
}

function toFetchRequest(request: IncomingMessage): Request {
  const host = request.headers.host ?? 'localhost';
  const url = new URL(request.url ?? '/', `http://${host}`);
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  return new Request(url, {
    method: request.method ?? 'GET',
    headers,
    ...(hasBody ? { body: Readable.toWeb(request) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
  } as RequestInit);
}

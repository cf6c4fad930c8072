/**
 * The bench's web server: the two built pages, this library's signer
 * (createSignHandler through toNodeListener) at /api/upload and the Uppy
 * signer at /uppy-sign, on one origin as in a real app. It counts the
 * signer requests of the current run and can add a round-trip time to them,
 * so that a shaped run puts the app server as far away as the storage.
 */
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { SignHandler } from '../../src/server/index.js';
import { toNodeListener } from '../../src/server/node.js';

export interface SignerStats {
  /** Requests to /api/upload (this library's protocol), by operation. */
  ours: Record<string, number>;
  /** Requests to /uppy-sign, by HTTP method Uppy asked to sign. */
  uppy: Record<string, number>;
  /** Time the handlers spent, ms (excluding the simulated round trip). */
  handlerMs: number;
  /** Each request: [label, arrival, answer sent] in performance.now() ms (the proxy's clock: same process). */
  events: Array<[string, number, number]>;
}

export interface BenchServer {
  url: string;
  stats(): SignerStats;
  reset(): void;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

export async function startBenchServer(options: {
  pagesDir: string;
  ours: SignHandler;
  /** More of this library's signers, by path: the same one with `alternateEndpoints` at /api/upload-2, one for the HTTP/2 front… */
  more: Record<string, SignHandler>;
  uppy: (body: unknown) => Promise<unknown>;
  rttMs: number;
}): Promise<BenchServer> {
  const oursListeners: Record<string, ReturnType<typeof toNodeListener>> = {
    '/api/upload': toNodeListener(options.ours),
    ...Object.fromEntries(Object.entries(options.more).map(([path, handler]) => [path, toNodeListener(handler)])),
  };
  let stats: SignerStats = { ours: {}, uppy: {}, handlerMs: 0, events: [] };
  const sleep = (ms: number) => (ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve());

  async function readBody(request: http.IncomingMessage): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const arrival = performance.now();
    const path = new URL(request.url ?? '/', 'http://bench.invalid').pathname;
    const oursListener = oursListeners[path];
    if (oursListener && request.method === 'POST') {
      const body = await readBody(request);
      let operation = 'unknown';
      try {
        operation = String((JSON.parse(body.toString('utf8')) as { operation?: unknown }).operation);
      } catch {
        // counted as unknown; the handler answers the error
      }
      stats.ours[operation] = (stats.ours[operation] ?? 0) + 1;
      await sleep(options.rttMs);
      const started = performance.now();
      // The body is read already (to count operations): hand it over as a body parser would (`raw()`).
      await oursListener(Object.assign(request, { body: new Uint8Array(body) }), response);
      stats.handlerMs += performance.now() - started;
      stats.events.push([`sign:${operation}`, arrival, performance.now()]);
      return;
    }
    if (path === '/uppy-sign' && request.method === 'POST') {
      const body = JSON.parse((await readBody(request)).toString('utf8')) as { method?: string; partNumber?: number };
      const kind = `${body.method ?? '?'}${body.partNumber ? ' part' : ''}`;
      stats.uppy[kind] = (stats.uppy[kind] ?? 0) + 1;
      await sleep(options.rttMs);
      const started = performance.now();
      try {
        const answer = await options.uppy(body);
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
      } catch (error) {
        response.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      }
      stats.handlerMs += performance.now() - started;
      stats.events.push([`sign:${kind}`, arrival, performance.now()]);
      return;
    }
    if (request.method === 'GET') {
      const file = normalize(join(options.pagesDir, path === '/' ? '/ours.html' : path));
      if (file.startsWith(options.pagesDir)) {
        try {
          const content = await readFile(file);
          response.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(content);
          return;
        } catch {
          // 404 below
        }
      }
    }
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  }

  const server = http.createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('bench server: no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    stats: () => structuredClone(stats),
    reset: () => {
      stats = { ours: {}, uppy: {}, handlerMs: 0, events: [] };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

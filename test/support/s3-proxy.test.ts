import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { maxConcurrent, type S3Proxy, type S3RequestRecord, startS3Proxy } from './s3-proxy.js';

interface UpstreamHit {
  method: string;
  url: string;
  host: string | undefined;
  rawHeaders: string[];
  bytes: number;
  sha256: string;
  complete: boolean;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  elapsed: number;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
const MiB = 1024 * 1024;

/** A tiny S3 stand-in: hashes the body it gets and echoes what it saw. `?slow=<ms>` delays the answer. */
async function startUpstream() {
  const hits: UpstreamHit[] = [];
  const server = http.createServer((req, res) => {
    const hash = createHash('sha256');
    const hit: UpstreamHit = {
      method: req.method ?? '',
      url: req.url ?? '',
      host: req.headers.host,
      rawHeaders: req.rawHeaders,
      bytes: 0,
      sha256: '',
      complete: false,
    };
    hits.push(hit);
    req.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      hit.bytes += chunk.length;
    });
    req.on('end', () => {
      hit.complete = true;
      hit.sha256 = hash.digest('hex');
      const slow = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('slow') ?? 0);
      setTimeout(() => {
        const body = JSON.stringify({ host: hit.host, sha256: hit.sha256, bytes: hit.bytes, url: hit.url, method: hit.method });
        res.writeHead(200, {
          'Content-Type': 'application/json',
          ETag: '"etag-from-upstream"',
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Expose-Headers': 'ETag',
          'X-Multi': ['a', 'b'],
        });
        res.end(req.method === 'HEAD' ? undefined : body);
      }, slow);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(
  baseUrl: string,
  path: string,
  options: { method?: string; body?: Buffer; headers?: http.OutgoingHttpHeaders; onRequest?: (req: http.ClientRequest) => void } = {},
): Promise<Reply> {
  const started = performance.now();
  return new Promise<Reply>((resolve, reject) => {
    const url = new URL(path, baseUrl);
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? 'GET',
        path,
        headers: options.headers?.['Transfer-Encoding']
          ? options.headers
          : { 'Content-Length': options.body?.length ?? 0, ...options.headers },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), elapsed: performance.now() - started }),
        );
      },
    );
    req.on('error', reject);
    options.onRequest?.(req);
    req.end(options.body);
  });
}

const json = (reply: Reply) => JSON.parse(reply.body.toString('utf8')) as { host: string; sha256: string; bytes: number; url: string };

describe('s3 proxy', () => {
  let upstream: Awaited<ReturnType<typeof startUpstream>>;
  let proxy: S3Proxy;

  beforeAll(async () => {
    upstream = await startUpstream();
    proxy = await startS3Proxy({ upstream: upstream.url });
  });
  afterAll(async () => {
    await proxy?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    proxy.reset();
    proxy.setFaultPolicy(undefined);
    proxy.setLatency(undefined);
    upstream.hits.length = 0;
  });

  it('listens on 127.0.0.1 and forwards the Host header, raw path, query and headers unchanged', async () => {
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    const path = '/bucket/uploads/a%20b/file.bin?partNumber=3&uploadId=up%2Fid&X-Amz-Expires=900&X-Amz-Signature=abc';
    const reply = await send(proxy.url, path, {
      method: 'PUT',
      body: Buffer.from('hello'),
      headers: { 'Content-Type': 'application/octet-stream', 'x-amz-meta-Name': 'Ünïcode-free', Origin: 'http://app.test' },
    });
    expect(reply.status).toBe(200);
    expect(json(reply)).toMatchObject({ host: `127.0.0.1:${proxy.port}`, url: path, bytes: 5, sha256: sha256(Buffer.from('hello')) });
    // Response headers come back, including the ones the browser needs.
    expect(reply.headers.etag).toBe('"etag-from-upstream"');
    expect(reply.headers['access-control-allow-origin']).toBe('*');
    expect(reply.headers['access-control-expose-headers']).toBe('ETag');
    expect(reply.headers['x-multi']).toBe('a, b');

    const hit = upstream.hits[0];
    expect(hit?.rawHeaders).toContain('x-amz-meta-Name');
    expect(hit?.rawHeaders).toContain('http://app.test');

    const [record] = proxy.requests();
    expect(record).toMatchObject({
      id: expect.any(Number),
      method: 'PUT',
      path: '/bucket/uploads/a b/file.bin',
      query: { partNumber: '3', uploadId: 'up/id', 'X-Amz-Expires': '900', 'X-Amz-Signature': 'abc' },
      status: 200,
      requestBytes: 5,
    });
    expect(record?.fault).toBeUndefined();
    expect(record?.endedAt).toBeGreaterThanOrEqual(record?.startedAt ?? Number.POSITIVE_INFINITY);
  });

  it('forwards OPTIONS preflights and HEAD requests', async () => {
    const preflight = await send(proxy.url, '/bucket/key', {
      method: 'OPTIONS',
      headers: { Origin: 'http://app.test', 'Access-Control-Request-Method': 'PUT' },
    });
    expect(preflight.status).toBe(200);
    const head = await send(proxy.url, '/bucket/key', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(upstream.hits.map((hit) => hit.method)).toEqual(['OPTIONS', 'HEAD']);
    expect(proxy.requests().map((r) => r.method)).toEqual(['OPTIONS', 'HEAD']);
  });

  it('streams a 20 MiB body through byte for byte', async () => {
    const body = randomBytes(20 * MiB);
    const reply = await send(proxy.url, '/bucket/big.bin?partNumber=1&uploadId=u', { method: 'PUT', body });
    expect(json(reply)).toMatchObject({ bytes: body.length, sha256: sha256(body) });
    expect(proxy.requests()[0]?.requestBytes).toBe(body.length);
  });

  it('streams a chunked body through', async () => {
    const parts = [randomBytes(300_000), randomBytes(5), randomBytes(1_000_000)];
    const reply = await send(proxy.url, '/bucket/chunked', {
      method: 'POST',
      headers: { 'Transfer-Encoding': 'chunked' },
      onRequest: (req) => {
        for (const part of parts.slice(0, -1)) req.write(part);
      },
      body: parts.at(-1),
    });
    const all = Buffer.concat(parts);
    expect(json(reply)).toMatchObject({ bytes: all.length, sha256: sha256(all) });
  });

  it('records timing so that concurrency can be measured', async () => {
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        send(proxy.url, `/bucket/f?partNumber=${i + 1}&slow=400`, { method: 'PUT', body: randomBytes(1024) }),
      ),
    );
    await send(proxy.url, '/bucket/f?uploads', { method: 'POST' });
    const records = proxy.requests();
    expect(records).toHaveLength(9);
    expect(maxConcurrent(records, (r) => r.method === 'PUT')).toBe(8);
    expect(maxConcurrent(records, (r) => r.method === 'POST')).toBe(1);
    expect(maxConcurrent(records)).toBe(8);
    for (const record of records) expect(record.endedAt).toBeDefined();
  });

  it('maxConcurrent treats intervals as half-open and unfinished ones as open', () => {
    const rec = (id: number, startedAt: number, endedAt?: number): S3RequestRecord => ({
      id,
      method: 'PUT',
      path: '/b/k',
      query: {},
      startedAt,
      endedAt,
      requestBytes: 0,
    });
    expect(maxConcurrent([])).toBe(0);
    expect(maxConcurrent([rec(1, 0, 10), rec(2, 10, 20), rec(3, 20, 30)])).toBe(1);
    expect(maxConcurrent([rec(1, 0, 10), rec(2, 5, 20), rec(3, 9, 30), rec(4, 25, 40)])).toBe(3);
    expect(maxConcurrent([rec(1, 0, 10), rec(2, 50), rec(3, 60)])).toBe(2);
    expect(maxConcurrent([rec(1, 0, 10), rec(2, 5, 20)], (r) => r.id === 1)).toBe(1);
  });

  it('status fault: answers with an S3 XML error without contacting upstream', async () => {
    const seen: Array<{ method: string; path: string; partNumber?: string; index: number; host?: string }> = [];
    proxy.setFaultPolicy(({ method, path, query, headers, index }) => {
      seen.push({ method, path, partNumber: query.partNumber, index, host: headers.host });
      return method === 'PUT' ? { kind: 'status', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' } : undefined;
    });
    const body = randomBytes(3 * MiB);
    const reply = await send(proxy.url, '/bucket/k?partNumber=2&uploadId=u', {
      method: 'PUT',
      body,
      headers: { Origin: 'http://app.test' },
    });
    expect(reply.status).toBe(503);
    expect(reply.headers['content-type']).toBe('application/xml');
    expect(reply.headers['access-control-allow-origin']).toBe('http://app.test');
    const xml = reply.body.toString('utf8');
    expect(xml).toContain('<Code>SlowDown</Code>');
    expect(xml).toContain('<Message>Please reduce your request rate.</Message>');
    expect(xml).not.toContain('uploadId');
    expect(upstream.hits).toHaveLength(0);

    // A small body that is already in by the time the fault applies is counted too.
    proxy.setLatency({ rttMs: 100 });
    const small = await send(proxy.url, '/bucket/k?partNumber=9', {
      method: 'PUT',
      body: Buffer.from('tiny'),
      headers: { Origin: 'http://app.test' },
    });
    expect(small.status).toBe(503);
    expect(small.elapsed).toBeGreaterThanOrEqual(95);
    proxy.setLatency(undefined);
    expect(upstream.hits).toHaveLength(0);

    const get = await send(proxy.url, '/bucket/k', { method: 'GET' });
    expect(get.status).toBe(200);
    expect(upstream.hits).toHaveLength(1);

    expect(seen).toEqual([
      { method: 'PUT', path: '/bucket/k', partNumber: '2', index: 0, host: `127.0.0.1:${proxy.port}` },
      { method: 'PUT', path: '/bucket/k', partNumber: '9', index: 1, host: `127.0.0.1:${proxy.port}` },
      { method: 'GET', path: '/bucket/k', partNumber: undefined, index: 2, host: `127.0.0.1:${proxy.port}` },
    ]);
    const [faulted, smallFaulted, passed] = proxy.requests();
    expect(smallFaulted).toMatchObject({ status: 503, fault: 'status', requestBytes: 4 });
    expect(faulted).toMatchObject({ method: 'PUT', status: 503, fault: 'status', requestBytes: body.length });
    expect(faulted?.endedAt).toBeDefined();
    expect(passed?.fault).toBeUndefined();
  });

  it('reset fault: the client sees a socket error and upstream never gets the whole body', async () => {
    proxy.setFaultPolicy(() => ({ kind: 'reset', afterBytes: MiB }));
    const body = randomBytes(4 * MiB);
    const error = await send(proxy.url, '/bucket/k?partNumber=1', { method: 'PUT', body }).then(
      () => undefined,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).toMatch(/^(ECONNRESET|EPIPE)$/);
    const [record] = proxy.requests();
    expect(record?.fault).toBe('reset');
    expect(record?.status).toBeUndefined();
    expect(record?.requestBytes).toBeGreaterThanOrEqual(MiB);
    expect(record?.endedAt).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upstream.hits.every((hit) => !hit.complete)).toBe(true);
    expect(upstream.hits.every((hit) => hit.bytes <= MiB)).toBe(true);

    // afterBytes 0 resets a request without a body too.
    proxy.setFaultPolicy(() => ({ kind: 'reset', afterBytes: 0 }));
    await expect(send(proxy.url, '/bucket/k', { method: 'GET' })).rejects.toMatchObject({
      code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
    });
  });

  it('flip-byte fault: upstream receives the body with one bit flipped', async () => {
    const body = randomBytes(2 * MiB);
    const at = MiB + 12345;
    proxy.setFaultPolicy(() => ({ kind: 'flip-byte', at }));
    const reply = await send(proxy.url, '/bucket/k', { method: 'PUT', body });
    const flipped = Buffer.from(body);
    flipped[at] = (flipped[at] ?? 0) ^ 0x01;
    expect(json(reply)).toMatchObject({ bytes: body.length, sha256: sha256(flipped) });
    expect(json(reply).sha256).not.toBe(sha256(body));
    expect(proxy.requests()[0]?.fault).toBe('flip-byte');
  });

  it('stall fault: stops reading the body for the given time, then carries on intact', async () => {
    const body = randomBytes(MiB);
    proxy.setFaultPolicy(() => ({ kind: 'stall', afterBytes: 256 * 1024, ms: 800 }));
    const reply = await send(proxy.url, '/bucket/k', { method: 'PUT', body });
    expect(reply.elapsed).toBeGreaterThanOrEqual(780);
    expect(reply.elapsed).toBeLessThan(3000);
    expect(json(reply)).toMatchObject({ bytes: body.length, sha256: sha256(body) });
    expect(proxy.requests()[0]?.fault).toBe('stall');
  });

  it('delay fault: waits before forwarding', async () => {
    proxy.setFaultPolicy(({ index }) => (index === 0 ? { kind: 'delay', ms: 500 } : undefined));
    const delayed = await send(proxy.url, '/bucket/k');
    const normal = await send(proxy.url, '/bucket/k');
    expect(delayed.elapsed).toBeGreaterThanOrEqual(480);
    expect(normal.elapsed).toBeLessThan(400);
    expect(proxy.requests().map((r) => r.fault)).toEqual(['delay', undefined]);
  });

  it('latency shaping: throttles the request body per connection and adds the round trip', async () => {
    proxy.setLatency({ bytesPerSecondPerConnection: MiB });
    const body = randomBytes(2 * MiB);
    const reply = await send(proxy.url, '/bucket/k', { method: 'PUT', body });
    expect(reply.elapsed).toBeGreaterThanOrEqual(1500);
    expect(reply.elapsed).toBeLessThan(4000);
    expect(json(reply)).toMatchObject({ bytes: body.length, sha256: sha256(body) });

    proxy.setLatency({ rttMs: 300 });
    const slow = await send(proxy.url, '/bucket/k');
    expect(slow.elapsed).toBeGreaterThanOrEqual(290);
    proxy.setLatency(undefined);
    const fast = await send(proxy.url, '/bucket/k');
    expect(fast.elapsed).toBeLessThan(250);
  });

  it('aborts the upstream request when the client goes away', async () => {
    const reply = send(proxy.url, '/bucket/k', {
      method: 'PUT',
      headers: { 'Content-Length': 4 * MiB },
      onRequest: (req) => {
        req.write(randomBytes(MiB));
        setTimeout(() => req.destroy(), 150);
      },
    });
    await expect(reply).rejects.toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(upstream.hits).toHaveLength(1);
    expect(upstream.hits[0]?.complete).toBe(false);
    expect(proxy.requests()[0]?.endedAt).toBeDefined();
  });
});

describe('s3 proxy edge cases', () => {
  it('answers 502 with an XML error when upstream is unreachable', async () => {
    const dead = http.createServer();
    await new Promise<void>((resolve) => dead.listen(0, '127.0.0.1', resolve));
    const { port } = dead.address() as AddressInfo;
    await new Promise<void>((resolve) => dead.close(() => resolve()));

    const proxy = await startS3Proxy({ upstream: `http://127.0.0.1:${port}` });
    try {
      const reply = await send(proxy.url, '/bucket/k?X-Amz-Signature=secret', { method: 'PUT', body: randomBytes(1000) });
      expect(reply.status).toBe(502);
      const xml = reply.body.toString('utf8');
      expect(xml).toContain('<Code>BadGateway</Code>');
      expect(xml).not.toContain('secret');
      expect(proxy.requests()[0]).toMatchObject({ status: 502 });
    } finally {
      await proxy.close();
    }
  });

  it('close() ends open connections promptly', async () => {
    const upstream = await startUpstream();
    const proxy = await startS3Proxy({ upstream: upstream.url });
    try {
      proxy.setFaultPolicy(({ index }) => (index === 0 ? undefined : { kind: 'stall', afterBytes: 10, ms: 10_000 }));
      const outcome = (reply: Promise<Reply>) =>
        reply.then(
          () => 'answered',
          () => 'failed',
        );
      const waiting = outcome(send(proxy.url, '/bucket/k?slow=10000'));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const stalled = outcome(send(proxy.url, '/bucket/k', { method: 'PUT', body: randomBytes(1000) }));
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(proxy.requests().map((r) => r.fault)).toEqual([undefined, 'stall']);
      const started = performance.now();
      await proxy.close();
      expect(performance.now() - started).toBeLessThan(1000);
      expect(await waiting).toBe('failed');
      expect(await stalled).toBe('failed');
    } finally {
      await upstream.close();
    }
  });
});

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
    proxy.setStoreQuirks(undefined);
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

  describe('s3 proxy store-quirks profiles (docs/providers.md)', () => {
    const presignedPut = (path: string, signedHeaders: string) =>
      `${path}${path.includes('?') ? '&' : '?'}X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-SignedHeaders=${encodeURIComponent(signedHeaders)}&X-Amz-Signature=abc`;

    /** An S3 POST Object form: the fields, then the file. */
    function form(key: string, file: Buffer): { body: Buffer; headers: http.OutgoingHttpHeaders } {
      const boundary = '----quirks';
      const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
      const body = Buffer.concat([
        Buffer.from(
          `${field('key', key)}${field('policy', 'p')}--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="blob"\r\n\r\n`,
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return { body, headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, Origin: 'http://app.test' } };
    }

    const xmlOf = (reply: Reply) => reply.body.toString('utf8');
    /** A 10-byte PUT of /bucket/k with these headers. */
    const putWith = (headers: http.OutgoingHttpHeaders) => send(proxy.url, '/bucket/k', { method: 'PUT', body: randomBytes(10), headers });

    it('R2-like: refuses a form POST with 501 NotImplemented (naming the form’s key in the record), but not the signer’s multipart POSTs', async () => {
      proxy.setStoreQuirks({ profile: 'r2' });
      const reply = await send(proxy.url, '/bucket/', { method: 'POST', ...form('uploads/ü/a.txt', randomBytes(5000)) });
      expect(reply.status).toBe(501);
      expect(xmlOf(reply)).toContain('<Code>NotImplemented</Code><Message>Presigned post requests are not yet implemented</Message>');
      expect(reply.headers['access-control-allow-origin']).toBe('http://app.test');
      expect(upstream.hits).toHaveLength(0);
      expect(proxy.requests()[0]).toMatchObject({ status: 501, quirk: 'r2: no POST Object', formKey: 'uploads/ü/a.txt' });

      expect((await send(proxy.url, '/bucket/k?uploads', { method: 'POST' })).status).toBe(200);
      expect(upstream.hits.map((hit) => hit.method)).toEqual(['POST']);
    });

    it('R2-like with opaquePostRefusal: the 501 to a form carries no CORS headers (a network error to the page)', async () => {
      proxy.setStoreQuirks({ profile: 'r2', opaquePostRefusal: true });
      const reply = await send(proxy.url, '/bucket/', { method: 'POST', ...form('k', randomBytes(10)) });
      expect(reply.status).toBe(501);
      expect(reply.headers['access-control-allow-origin']).toBeUndefined();
      const put = await putWith({ Origin: 'http://app.test', 'x-amz-acl': 'public-read' });
      expect(put.headers['access-control-allow-origin']).toBe('http://app.test');
    });

    it('R2-like: 501 for x-amz-acl (public-read always; private only with strictAcl, as R2’s answer to it is undocumented)', async () => {
      proxy.setStoreQuirks({ profile: 'r2' });
      const publicRead = await putWith({ 'x-amz-acl': 'public-read' });
      expect(publicRead.status).toBe(501);
      expect(xmlOf(publicRead)).toContain("Header 'x-amz-acl' with value 'public-read' not implemented");
      expect((await putWith({ 'x-amz-acl': 'private' })).status).toBe(200);
      proxy.setStoreQuirks({ profile: 'r2', strictAcl: true });
      expect((await putWith({ 'x-amz-acl': 'private' })).status).toBe(501);
      expect(upstream.hits).toHaveLength(1);
    });

    it('R2-like: the ETag is sent but not exposed to scripts (CORS)', async () => {
      proxy.setStoreQuirks({ profile: 'r2' });
      const reply = await putWith({ Origin: 'http://app.test' });
      expect(reply.headers.etag).toBe('"etag-from-upstream"');
      expect(reply.headers['access-control-expose-headers']).toBeUndefined();
      const refused = await putWith({ 'x-amz-acl': 'public-read' });
      expect(refused.headers['access-control-expose-headers']).toBe('x-amz-request-id');
    });

    it('R2-like: at most 3 part uploads of one multipart upload in flight; the 4th gets 429, other uploads are not affected', async () => {
      proxy.setStoreQuirks({ profile: 'r2' });
      const part = (uploadId: string, partNumber: number) =>
        send(proxy.url, `/bucket/k?partNumber=${partNumber}&uploadId=${uploadId}&slow=300`, { method: 'PUT', body: randomBytes(1000) });
      const first = [1, 2, 3].map((partNumber) => part('u1', partNumber));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [fourth, other] = await Promise.all([part('u1', 4), part('u2', 1)]);
      expect(fourth.status).toBe(429);
      expect(xmlOf(fourth)).toContain('<Code>TooManyRequests</Code>');
      expect(other.status).toBe(200);
      expect((await Promise.all(first)).map((reply) => reply.status)).toEqual([200, 200, 200]);
      // The slots are free again once those parts are stored.
      expect((await part('u1', 4)).status).toBe(200);
    });

    it('R2-like: CompleteMultipartUpload with unequal non-trailing parts gets 400 InvalidPart; equal parts go through with the body intact', async () => {
      proxy.setStoreQuirks({ profile: 'r2' });
      const complete = (uploadId: string, parts: number[]) => {
        const body = Buffer.from(
          `<CompleteMultipartUpload>${parts.map((n) => `<Part><PartNumber>${n}</PartNumber><ETag>"e${n}"</ETag></Part>`).join('')}</CompleteMultipartUpload>`,
        );
        return { body, reply: send(proxy.url, `/bucket/k?uploadId=${uploadId}`, { method: 'POST', body }) };
      };
      for (const [uploadId, sizes] of [
        ['unequal', [5000, 5001, 100]],
        ['equal', [5000, 5000, 4000]],
      ] as const) {
        for (const [index, size] of sizes.entries()) {
          await send(proxy.url, `/bucket/k?partNumber=${index + 1}&uploadId=${uploadId}`, { method: 'PUT', body: randomBytes(size) });
        }
      }
      upstream.hits.length = 0;
      const bad = await complete('unequal', [1, 2, 3]).reply;
      expect(bad.status).toBe(400);
      expect(xmlOf(bad)).toContain('<Code>InvalidPart</Code>');
      expect(xmlOf(bad)).toContain('Expected part 2 to have size 5000, found 5001');
      expect(upstream.hits).toHaveLength(0);
      const good = complete('equal', [1, 2, 3]);
      const reply = await good.reply;
      expect(reply.status).toBe(200);
      expect(json(reply)).toMatchObject({ bytes: good.body.length, sha256: sha256(good.body) });
      expect(proxy.requests().at(-1)).toMatchObject({ requestBytes: good.body.length });
    });

    it('B2-like: 501 for a form POST and for If-None-Match, 400 for an ACL other than the bucket’s or a checksum header', async () => {
      proxy.setStoreQuirks({ profile: 'b2' });
      const post = await send(proxy.url, '/bucket/', { method: 'POST', ...form('k', randomBytes(10)) });
      expect(post.status).toBe(501);
      expect(xmlOf(post)).toContain('<Message>Backblaze B2 does not support this API call.</Message>');
      const conditional = await putWith({ 'If-None-Match': '*' });
      expect(conditional.status).toBe(501);
      expect(xmlOf(conditional)).toContain('<Code>NotImplemented</Code>');
      const acl = await putWith({ 'x-amz-acl': 'public-read' });
      expect(acl.status).toBe(400);
      const checksum = await putWith({ 'x-amz-checksum-crc32': 'AAAAAA==' });
      expect(checksum.status).toBe(400);
      expect(xmlOf(checksum)).toContain("Unsupported header 'x-amz-checksum-crc32'");
      expect(upstream.hits).toHaveLength(0);
      expect((await putWith({ 'x-amz-acl': 'private' })).status).toBe(200);
      expect((await send(proxy.url, '/bucket/k?uploads', { method: 'POST' })).status).toBe(200);
    });

    it('AWS-like: 403 HeadersNotSigned for an x-amz-* header the presigned URL does not sign; 400 for ACLs other than bucket-owner-full-control', async () => {
      proxy.setStoreQuirks({ profile: 'aws' });
      const unsigned = await send(proxy.url, presignedPut('/bucket/k', 'content-type;host'), {
        method: 'PUT',
        body: randomBytes(10),
        headers: { 'x-amz-acl': 'bucket-owner-full-control', 'x-amz-meta-a': 'b', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      });
      expect(unsigned.status).toBe(403);
      expect(xmlOf(unsigned)).toContain('<Code>AccessDenied</Code>');
      expect(xmlOf(unsigned)).toContain('<HeadersNotSigned>x-amz-acl</HeadersNotSigned><HeadersNotSigned>x-amz-meta-a</HeadersNotSigned>');
      const signed = await send(proxy.url, presignedPut('/bucket/k', 'host;x-amz-acl'), {
        method: 'PUT',
        body: randomBytes(10),
        headers: { 'x-amz-acl': 'bucket-owner-full-control' },
      });
      expect(signed.status).toBe(200);
      const privateAcl = await send(proxy.url, presignedPut('/bucket/k', 'host;x-amz-acl'), {
        method: 'PUT',
        body: randomBytes(10),
        headers: { 'x-amz-acl': 'private' },
      });
      expect(privateAcl.status).toBe(400);
      expect(xmlOf(privateAcl)).toContain('<Code>AccessControlListNotSupported</Code>');
      // The signer's own requests carry an Authorization header, not a presigned query.
      expect((await send(proxy.url, '/bucket/k?uploads', { method: 'POST', headers: { 'x-amz-date': '20261202T000000Z' } })).status).toBe(
        200,
      );
      expect(upstream.hits).toHaveLength(2);
    });

    it('Spaces-like: at most 10 PUTs to one object in flight (503 SlowDown beyond), 501 for checksum headers, ETag not exposed', async () => {
      proxy.setStoreQuirks({ profile: 'spaces' });
      const put = (path: string) =>
        send(proxy.url, `${path}?slow=300`, { method: 'PUT', body: randomBytes(1000), headers: { Origin: 'http://app.test' } });
      const first = Array.from({ length: 10 }, () => put('/bucket/k'));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const [eleventh, other] = await Promise.all([put('/bucket/k'), put('/bucket/other')]);
      expect(eleventh.status).toBe(503);
      expect(xmlOf(eleventh)).toContain('<Code>SlowDown</Code>');
      expect(other.status).toBe(200);
      expect(other.headers['access-control-expose-headers']).toBeUndefined();
      expect((await Promise.all(first)).every((reply) => reply.status === 200)).toBe(true);
      const checksum = await putWith({ 'x-amz-checksum-sha256': 'x' });
      expect(checksum.status).toBe(501);
    });
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

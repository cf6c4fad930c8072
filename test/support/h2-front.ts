/**
 * A TLS front that speaks HTTP/2 (and HTTP/1.1, by ALPN) to browsers in front
 * of a plain-HTTP S3 server (RGW, or the recording proxy in front of it), as
 * Cloudflare's edge does for R2 or a CDN for a bucket. It exists so the tests
 * and the benchmark can see what the engine does when the store multiplexes.
 *
 * - A throw-away certificate (openssl, EC P-256, one day, for 127.0.0.1 and
 *   localhost); Chromium is told to accept it (`ignoreHTTPSErrors`, or
 *   `--ignore-certificate-errors-spki-list` with `certificate.spki`).
 * - Each request (an HTTP/2 stream or an HTTP/1.1 request) is forwarded as
 *   one HTTP/1.1 request upstream, its Host header the authority the browser
 *   used, so presigned URLs signed for the front verify upstream.
 * - `Timing-Allow-Origin: *` on every answer (unless turned off), so the
 *   page's Resource Timing sees `nextHopProtocol`.
 * - Shaping, as the recording proxy does it and with the same token bucket:
 *   half the round trip before forwarding a request and half before its
 *   answer; request bodies capped per **TCP connection** — over HTTP/2 one
 *   connection carries every stream, so they share one bucket
 *   (BENCHMARKS.md explains why that is the honest model). Each stream's
 *   body is paced in its own loop against that shared bucket, so which stream
 *   goes next is a race: a stream can wait longer than on a real link, where
 *   the sender's HTTP/2 scheduler interleaves them.
 *
 * Only reads and forwards; stops everything it opened on `close()`.
 */
import { execFileSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { connectionBuckets, halfRtt, httpUpstream, type LatencyOptions, Throttle, timerSleep } from './s3-proxy.js';

export interface H2FrontRecord {
  /** 'h2' or 'http/1.1', as negotiated by ALPN. */
  protocol: string;
  method: string;
  /** Pathname only (the query carries signatures). */
  path: string;
  /** The authority the client used (host:port). */
  authority: string;
  /** Which TCP connection carried it (1-based, in order of arrival). */
  connection: number;
  startedAt: number;
  endedAt?: number;
  status?: number;
  requestBytes: number;
}

export interface H2Front {
  /** https://127.0.0.1:<port> */
  url: string;
  port: number;
  /** The throw-away certificate: PEM, and the base64 SHA-256 of its public key for `--ignore-certificate-errors-spki-list`. */
  certificate: { pem: string; spki: string };
  setLatency(options: LatencyOptions | undefined): void;
  /** A copy of the records so far. */
  requests(): H2FrontRecord[];
  reset(): void;
  /** Most requests in flight at once so far (arrival to answer end), overall and per protocol. */
  maxInFlight(protocol?: string): number;
  close(): Promise<void>;
}

export interface H2FrontOptions {
  /** The plain-HTTP S3 endpoint behind the front, e.g. http://127.0.0.1:7480 */
  upstream: string;
  port?: number;
  /** Send `Timing-Allow-Origin: *` (default true). */
  timingAllowOrigin?: boolean;
  /** Speak only HTTP/1.1 over TLS (ALPN without h2): the same front as an HTTP/1.1 store. */
  http1Only?: boolean;
}

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'expect',
  'http2-settings',
]);

/**
 * The signer's own S3 client for a store behind the front (create, complete,
 * list and abort multipart uploads go server to store): it trusts the
 * throw-away certificate, as the browser is told to.
 */
export function s3ClientThroughFront(
  front: Pick<H2Front, 'url'>,
  options: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
): S3Client {
  return new S3Client({
    endpoint: front.url,
    region: options.region,
    forcePathStyle: true,
    credentials: options.credentials,
    requestHandler: { httpsAgent: new https.Agent({ rejectUnauthorized: false, keepAlive: true }) },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A throw-away self-signed certificate for 127.0.0.1 and localhost. */
export function throwAwayCertificate(): { key: string; cert: string; spki: string } {
  const dir = mkdtempSync(join(tmpdir(), 's3du-h2-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const key = readFileSync(join(dir, 'key.pem'), 'utf8');
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const spkiDer = new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' });
    return { key, cert, spki: createHash('sha256').update(spkiDer).digest('base64') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startH2Front(options: H2FrontOptions): Promise<H2Front> {
  const { host: upstreamHost, port: upstreamPort, agent } = httpUpstream(options.upstream, 'startH2Front', 256);
  const certificate = throwAwayCertificate();
  const tao = options.timingAllowOrigin ?? true;

  let latency: LatencyOptions | undefined;
  let records: H2FrontRecord[] = [];
  const inFlight = new Map<string, number>();
  const maxima = new Map<string, number>();
  const connectionIds = new WeakMap<object, number>();
  let connections = 0;
  const sockets = new Set<Socket>();
  const sessions = new Set<http2.ServerHttp2Session>();

  const count = (protocol: string, delta: number) => {
    for (const key of [protocol, '*']) {
      const now = (inFlight.get(key) ?? 0) + delta;
      inFlight.set(key, now);
      if (now > (maxima.get(key) ?? 0)) maxima.set(key, now);
    }
  };
  const bucketFor = connectionBuckets(() => latency);
  const connectionId = (connection: object) => {
    let id = connectionIds.get(connection);
    if (id === undefined) {
      id = ++connections;
      connectionIds.set(connection, id);
    }
    return id;
  };

  async function handle(
    req: http2.Http2ServerRequest | http.IncomingMessage,
    res: http2.Http2ServerResponse | http.ServerResponse,
  ): Promise<void> {
    const isH2 = req.httpVersionMajor === 2;
    const protocol = isH2 ? 'h2' : 'http/1.1';
    // Over HTTP/2 the TCP connection is the session's; over HTTP/1.1 the request's socket.
    const connection: object = isH2 ? ((req as http2.Http2ServerRequest).stream.session ?? req.socket) : req.socket;
    const authority = (isH2 ? (req as http2.Http2ServerRequest).authority : req.headers.host) ?? `127.0.0.1:${port}`;
    const url = new URL(req.url ?? '/', 'https://front.invalid');
    const record: H2FrontRecord = {
      protocol,
      method: req.method ?? 'GET',
      path: decodeURIComponent(url.pathname),
      authority,
      connection: connectionId(connection),
      startedAt: performance.now(),
      requestBytes: 0,
    };
    records.push(record);
    count(protocol, 1);
    let counted = true;
    const finish = () => {
      if (!counted) return;
      counted = false;
      record.endedAt = performance.now();
      count(protocol, -1);
    };
    res.on('close', finish);
    res.on('finish', finish);

    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (name.startsWith(':') || HOP_BY_HOP.has(name) || name === 'host' || value === undefined) continue;
      headers[name] = value;
    }
    headers.host = authority;
    await timerSleep(halfRtt(latency));
    const upstreamRequest = http.request({ host: upstreamHost, port: upstreamPort, method: record.method, path: req.url, headers, agent });
    const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
      upstreamRequest.once('response', resolve);
      upstreamRequest.once('error', reject);
    });
    const throttle = new Throttle({
      bucket: () => bucketFor(connection),
      onBytes: (n) => {
        record.requestBytes += n;
      },
    });
    req.on('error', () => upstreamRequest.destroy());
    req.pipe(throttle).pipe(upstreamRequest);
    let answer: http.IncomingMessage;
    try {
      answer = await answered;
    } catch (error) {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`h2 front: upstream failed: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    await timerSleep(halfRtt(latency));
    const out: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(answer.headers)) {
      if (HOP_BY_HOP.has(name) || value === undefined) continue;
      out[name] = value;
    }
    if (tao) out['timing-allow-origin'] = '*';
    record.status = answer.statusCode ?? 502;
    res.writeHead(record.status, out);
    answer.pipe(res as NodeJS.WritableStream);
  }

  const server = http2.createSecureServer(
    {
      key: certificate.key,
      cert: certificate.cert,
      allowHTTP1: true,
      ...(options.http1Only ? { ALPNProtocols: ['http/1.1'] } : {}),
      // Flow-control windows large enough that they never limit a shaped connection (8 MiB/s × 40 ms is 320 KiB).
      settings: { initialWindowSize: 4 * 1024 * 1024, maxConcurrentStreams: 128 },
    },
    (req, res) => {
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      });
    },
  );
  server.on('session', (session) => {
    sessions.add(session);
    session.on('close', () => sessions.delete(session));
    try {
      session.setLocalWindowSize(32 * 1024 * 1024);
    } catch {
      // A session closing already.
    }
  });
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('sessionError', () => {});
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      if (!address || typeof address === 'string') reject(new Error('h2 front: no address'));
      else resolve(address.port);
    });
  });

  return {
    url: `https://127.0.0.1:${port}`,
    port,
    certificate: { pem: certificate.cert, spki: certificate.spki },
    setLatency: (next) => {
      latency = next ? { ...next } : undefined;
    },
    requests: () => records.map((record) => ({ ...record })),
    reset: () => {
      records = [];
      maxima.clear();
      for (const [key, value] of inFlight) maxima.set(key, value);
    },
    maxInFlight: (protocol) => maxima.get(protocol ?? '*') ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy();
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      }),
  };
}

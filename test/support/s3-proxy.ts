/**
 * A recording, fault-injecting HTTP proxy that sits between the browser and a
 * real S3 server in the end-to-end tests.
 *
 * Presigned URLs are signed for the proxy's host:port, so everything that the
 * signature covers is forwarded unchanged: method, raw path and query, the Host
 * header and all other end-to-end headers (in their original order and case).
 * Bodies are streamed in both directions, never buffered whole.
 *
 * Query strings carry signatures: they are recorded for assertions but never
 * logged, and error bodies this proxy writes name the path only.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { formKey, type QuirkDecision, type QuirkRefusal, StoreQuirkRules, type StoreQuirks } from './store-quirks.js';

export type { StoreQuirks, StoreQuirksProfile } from './store-quirks.js';

export interface S3RequestRecord {
  id: number;
  method: string;
  /** Pathname only, decoded (e.g. /bucket/uploads/x/file.bin). */
  path: string;
  /** Decoded query parameters; they include signatures, so never log them. */
  query: Record<string, string>;
  /** The Host header the client sent (which name of the proxy it used). */
  host?: string;
  /** performance.now() (ms) when the request headers arrived. */
  startedAt: number;
  /** When the response finished (or the connection closed). */
  endedAt?: number;
  status?: number;
  /** Request body bytes received from the client. */
  requestBytes: number;
  /** Kind of the fault that took effect on this request, if any. */
  fault?: string;
  /** The store-quirks rule that answered this request instead of the upstream ("r2: no POST Object"). */
  quirk?: string;
  /** For a form POST the quirks refused: the form's `key` field (which file it was). */
  formKey?: string;
}

export type Fault =
  /** Answer with an S3 XML error and this status without contacting upstream (the request body is drained first). */
  | { kind: 'status'; status: number; code: string; message?: string }
  /**
   * Reset (TCP RST) the client connection once this many request body bytes have been received and forwarded.
   * Fires at the end of a body exactly that long (so `afterBytes: 0` resets a GET); never for a shorter body.
   */
  | { kind: 'reset'; afterBytes: number }
  /** Stop reading the request body for `ms` once `afterBytes` bytes of it have been received. */
  | { kind: 'stall'; afterBytes: number; ms: number }
  /** Flip the lowest bit of the request body byte at this offset before forwarding it. */
  | { kind: 'flip-byte'; at: number }
  /** Wait this long before forwarding the request. */
  | { kind: 'delay'; ms: number };

export interface FaultPolicyRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  /** 0-based position of this request among those the current policy has seen (restarts at setFaultPolicy). */
  index: number;
}

export type FaultPolicy = (req: FaultPolicyRequest) => Fault | undefined;

export interface LatencyOptions {
  /** Round-trip time to simulate: half before forwarding the request, half before the first response byte. */
  rttMs?: number;
  /** Request body throughput limit per client connection. */
  bytesPerSecondPerConnection?: number;
}

export interface S3Proxy {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** A copy of the records so far, in arrival order. */
  requests(): S3RequestRecord[];
  /** Forgets the records. */
  reset(): void;
  setFaultPolicy(policy: FaultPolicy | undefined): void;
  setLatency(options: LatencyOptions | undefined): void;
  /** Behave like another store in front of the upstream (store-quirks.ts); undefined: a plain proxy. */
  setStoreQuirks(quirks: StoreQuirks | undefined): void;
  /** Closes the server and every open connection (client and upstream). */
  close(): Promise<void>;
}

export interface S3ProxyOptions {
  /** The real S3 endpoint, e.g. http://127.0.0.1:7480 */
  upstream: string;
  /** Port to listen on (127.0.0.1 only); 0 or absent picks a free one. */
  port?: number;
}

/** How much of a refused form POST is kept to read its `key` field (the fields come before the file). */
const FORM_KEY_BYTES = 16 * 1024;

/** Hop-by-hop headers (RFC 9110 7.6.1) plus Expect, which the proxy's own server has already answered. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

/** Removes hop-by-hop headers from a rawHeaders-style list, keeping order, case and duplicates. */
function endToEndHeaders(raw: string[]): string[] {
  const connectionTokens = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() === 'connection') {
      for (const token of (raw[i + 1] ?? '').split(',')) connectionTokens.add(token.trim().toLowerCase());
    }
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] ?? '';
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || connectionTokens.has(lower)) continue;
    out.push(name, raw[i + 1] ?? '');
  }
  return out;
}

function escapeXml(text: string): string {
  // Text content only: quotes stay as they are, as S3 writes them ("Header 'x-amz-acl' … not implemented").
  return text.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
}

function parseTarget(rawUrl: string): { path: string; query: Record<string, string> } {
  const url = new URL(rawUrl, 'http://proxy.invalid');
  let path = url.pathname;
  try {
    path = decodeURIComponent(path);
  } catch {
    // keep the encoded form
  }
  return { path, query: Object.fromEntries(url.searchParams) };
}

class ClosedError extends Error {
  constructor() {
    super('The S3 proxy was closed');
  }
}

/** Token bucket for one client connection (the H2 front shapes with it too). */
export class TokenBucket {
  readonly rate: number;
  readonly capacity: number;
  #tokens: number;
  #last = performance.now();

  constructor(rate: number) {
    this.rate = rate;
    // A burst of ~50 ms of traffic (at least 1 KiB) keeps the shaping smooth without timer storms.
    this.capacity = Math.max(1024, Math.floor(rate / 20));
    this.#tokens = this.capacity;
  }

  #refill(): void {
    const now = performance.now();
    this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#last) / 1000) * this.rate);
    this.#last = now;
  }

  /** How long to wait before `bytes` (≤ capacity) may pass; 0 means they were taken. */
  tryTake(bytes: number): number {
    this.#refill();
    if (this.#tokens >= bytes) {
      this.#tokens -= bytes;
      return 0;
    }
    return Math.max(1, Math.ceil(((bytes - this.#tokens) / this.rate) * 1000));
  }
}

/**
 * One token bucket per connection (a socket, or an HTTP/2 session), at the rate
 * `latency()` names right now: a new rate starts a new bucket, no rate means no
 * throttling. Looked up per chunk, so setLatency applies mid-stream.
 */
export function connectionBuckets(latency: () => LatencyOptions | undefined): (connection: object) => TokenBucket | undefined {
  const buckets = new WeakMap<object, TokenBucket>();
  return (connection) => {
    const rate = latency()?.bytesPerSecondPerConnection;
    if (!rate || !(rate > 0)) return undefined;
    let bucket = buckets.get(connection);
    if (!bucket || bucket.rate !== rate) {
      bucket = new TokenBucket(rate);
      buckets.set(connection, bucket);
    }
    return bucket;
  };
}

/** Half the simulated round trip, in ms (0 without one). */
export function halfRtt(latency: LatencyOptions | undefined): number {
  const rtt = latency?.rttMs ?? 0;
  return rtt > 0 ? rtt / 2 : 0;
}

/** A plain timer (the H2 front waits with it); the proxy passes its own, which rejects once it is closed. */
export const timerSleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms)) : Promise.resolve();

/**
 * Pushes `chunk` out of `stream` in pieces no larger than the bucket's
 * capacity, each when the bucket allows; stops early once `stopped()` or the
 * stream is destroyed. No bucket: all of it at once.
 */
async function pushPaced(
  stream: Transform,
  chunk: Buffer,
  bucket: () => TokenBucket | undefined,
  sleep: (ms: number) => Promise<void>,
  stopped: () => boolean = () => false,
): Promise<void> {
  let rest = chunk;
  while (rest.length > 0 && !stopped() && !stream.destroyed) {
    const current = bucket();
    if (!current) {
      stream.push(rest);
      return;
    }
    const piece = rest.subarray(0, current.capacity);
    const wait = current.tryTake(piece.length);
    if (wait > 0) {
      await sleep(wait);
      continue;
    }
    stream.push(piece);
    rest = rest.subarray(piece.length);
  }
}

export interface ThrottleOptions {
  /** The bucket to throttle with right now, if any (looked up per chunk so setLatency applies mid-stream). */
  bucket: () => TokenBucket | undefined;
  /** Told the length of each chunk as it comes in. */
  onBytes?: (n: number) => void;
  /** How to wait for the bucket; a plain timer by default. */
  sleep?: (ms: number) => Promise<void>;
}

/** Passes a body on at the pace its connection's bucket allows, counting bytes (the per-connection throttle). */
export class Throttle extends Transform {
  readonly #options: ThrottleOptions;

  constructor(options: ThrottleOptions) {
    super();
    this.#options = options;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#options.onBytes?.(chunk.length);
    pushPaced(this, chunk, this.#options.bucket, this.#options.sleep ?? timerSleep).then(
      () => callback(),
      (error: unknown) => callback(error as Error),
    );
  }
}

/** The host, port and keep-alive agent for a plain-HTTP upstream; anything else is refused, naming `who`. */
export function httpUpstream(url: string, who: string, maxSockets: number): { host: string; port: number; agent: http.Agent } {
  const upstream = new URL(url);
  if (upstream.protocol !== 'http:') throw new Error(`${who}: only http:// upstreams are supported`);
  return {
    host: upstream.hostname.replace(/^\[|\]$/g, ''),
    port: Number(upstream.port || 80),
    agent: new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets }),
  };
}

interface BodyTapOptions {
  fault: Fault | undefined;
  sleep: (ms: number) => Promise<void>;
  /** The bucket to throttle with right now, if any (looked up per chunk so setLatency applies mid-stream). */
  bucket: () => TokenBucket | undefined;
  onBytes: (n: number) => void;
  onFault: (kind: string) => void;
  onReset: () => void;
}

/**
 * Sits between the client's request body and the upstream request: counts
 * bytes and applies reset / stall / flip-byte faults and throttling. Holding
 * the transform callback back stops reading from the client (backpressure).
 */
class BodyTap extends Transform {
  #seen = 0;
  #fired = false;
  #dead = false;
  readonly #options: BodyTapOptions;

  constructor(options: BodyTapOptions) {
    super();
    this.#options = options;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#process(chunk).then(
      () => callback(),
      (error: unknown) => callback(error instanceof ClosedError ? undefined : (error as Error)),
    );
  }

  override _flush(callback: TransformCallback): void {
    this.#atEnd().then(
      () => callback(),
      (error: unknown) => callback(error instanceof ClosedError ? undefined : (error as Error)),
    );
  }

  async #process(input: Buffer): Promise<void> {
    if (this.#dead) return;
    let chunk = input;
    const start = this.#seen;
    const end = start + chunk.length;
    this.#seen = end;
    this.#options.onBytes(chunk.length);
    const fault = this.#options.fault;
    if (!fault || this.#fired) return this.#forward(chunk);

    if (fault.kind === 'flip-byte') {
      if (fault.at >= start && fault.at < end) {
        chunk = Buffer.from(chunk);
        chunk[fault.at - start] = (chunk[fault.at - start] ?? 0) ^ 0x01;
        this.#fired = true;
        this.#options.onFault(fault.kind);
      }
      return this.#forward(chunk);
    }
    if ((fault.kind === 'reset' || fault.kind === 'stall') && fault.afterBytes >= start && fault.afterBytes <= end) {
      const split = Math.max(0, fault.afterBytes - start);
      await this.#forward(chunk.subarray(0, split));
      await this.#trigger(fault);
      return this.#forward(chunk.subarray(split));
    }
    return this.#forward(chunk);
  }

  /** A reset or stall whose offset equals the body length (e.g. 0 for a GET) fires at the end. */
  async #atEnd(): Promise<void> {
    const fault = this.#options.fault;
    if (this.#dead || this.#fired || !fault) return;
    if ((fault.kind === 'reset' || fault.kind === 'stall') && this.#seen >= fault.afterBytes) await this.#trigger(fault);
  }

  async #trigger(fault: Extract<Fault, { kind: 'reset' | 'stall' }>): Promise<void> {
    this.#fired = true;
    this.#options.onFault(fault.kind);
    if (fault.kind === 'reset') {
      this.#dead = true;
      this.#options.onReset();
    } else {
      await this.#options.sleep(fault.ms);
    }
  }

  #forward(chunk: Buffer): Promise<void> {
    return pushPaced(this, chunk, this.#options.bucket, this.#options.sleep, () => this.#dead);
  }
}

export async function startS3Proxy(options: S3ProxyOptions): Promise<S3Proxy> {
  const { host: upstreamHost, port: upstreamPort, agent } = httpUpstream(options.upstream, 'startS3Proxy', 64);

  let records: S3RequestRecord[] = [];
  let nextId = 1;
  let policy: FaultPolicy | undefined;
  let policyIndex = 0;
  let latency: LatencyOptions | undefined;
  let quirks: StoreQuirkRules | undefined;
  let closed = false;
  const sockets = new Set<Socket>();
  const timers = new Map<NodeJS.Timeout, (error: Error) => void>();
  const bucketFor = connectionBuckets(() => latency);

  function sleep(ms: number): Promise<void> {
    if (closed) return Promise.reject(new ClosedError());
    if (!(ms > 0)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.set(timer, reject);
    });
  }

  /** Reads the rest of a request body, counting it; resolves with its first `keep` bytes. */
  function drain(req: http.IncomingMessage, record: S3RequestRecord, keep: number): Promise<Buffer> {
    const kept: Buffer[] = [];
    let keptBytes = 0;
    req.on('data', (chunk: Buffer) => {
      record.requestBytes += chunk.length;
      if (keptBytes < keep) {
        kept.push(chunk);
        keptBytes += chunk.length;
      }
    });
    return new Promise<Buffer>((resolve) => {
      const done = () => resolve(Buffer.concat(kept));
      if (req.readableEnded || req.destroyed) return done();
      req.once('end', done);
      req.once('close', done);
    });
  }

  /** Response headers as the emulated store sends them (R2 and Spaces do not expose the ETag). */
  function asTheStoreWould(raw: string[]): string[] {
    if (!quirks) return raw;
    const out: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i] ?? '';
      let value: string | undefined = raw[i + 1] ?? '';
      if (name.toLowerCase() === 'access-control-expose-headers') value = quirks.exposeHeaders(value);
      if (value !== undefined) out.push(name, value);
    }
    return out;
  }

  /** Writes an S3-style XML error with CORS headers so that the browser can read the status. */
  function sendError(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    record: S3RequestRecord,
    status: number,
    code: string,
    message: string,
    detailXml = '',
    cors = true,
  ) {
    const body =
      req.method === 'HEAD'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>` +
          `${detailXml}<Resource>${escapeXml(record.path)}</Resource><RequestId>s3-proxy-${record.id}</RequestId></Error>`;
    const expose = quirks ? quirks.exposeHeaders('ETag, x-amz-request-id') : 'ETag, x-amz-request-id';
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/xml',
      'Content-Length': Buffer.byteLength(body),
      'x-amz-request-id': `s3-proxy-${record.id}`,
      ...(cors
        ? { 'Access-Control-Allow-Origin': req.headers.origin ?? '*', ...(expose ? { 'Access-Control-Expose-Headers': expose } : {}) }
        : {}),
      Vary: 'Origin',
    };
    if (status === 503) headers['Retry-After'] = '1';
    record.status = status;
    res.writeHead(status, headers);
    res.end(body);
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const startedAt = performance.now();
    const { path, query } = parseTarget(req.url ?? '/');
    const record: S3RequestRecord = {
      id: nextId++,
      method: req.method ?? 'GET',
      path,
      query,
      ...(req.headers.host ? { host: req.headers.host } : {}),
      startedAt,
      requestBytes: 0,
    };
    records.push(record);
    const socket = req.socket;

    let finished = false;
    let upstreamReq: http.ClientRequest | undefined;
    const end = () => {
      if (record.endedAt === undefined) record.endedAt = performance.now();
    };
    res.on('finish', () => {
      finished = true;
      end();
    });
    res.on('close', () => {
      end();
      if (!finished) upstreamReq?.destroy();
    });

    // The store being emulated answers first; a test's faults apply to what it lets through.
    const decision: QuirkDecision = quirks?.decide({ method: record.method, path, query, headers: req.headers }) ?? {};
    const { done } = decision;
    if (done) res.on('close', () => done(record.status));

    let fault: Fault | undefined;
    if (policy && !decision.refusal) {
      try {
        fault = policy({ method: record.method, path, query: { ...query }, headers: req.headers, index: policyIndex++ });
      } catch (error) {
        req.resume();
        sendError(req, res, record, 500, 'InternalError', `S3 proxy fault policy threw: ${(error as Error).message}`);
        return;
      }
    }

    const wait = halfRtt(latency) + (fault?.kind === 'delay' ? Math.max(0, fault.ms) : 0);
    if (fault?.kind === 'delay') record.fault = 'delay';
    await sleep(wait);
    if (res.destroyed) return;

    /** Answers with an S3 XML error once the body is in, without contacting upstream. */
    const refuse = async (refusal: Omit<QuirkRefusal, 'rule'>) => {
      await sleep(halfRtt(latency));
      if (res.destroyed) return;
      sendError(req, res, record, refusal.status, refusal.code, refusal.message, refusal.detailXml, !refusal.withoutCors);
    };
    if (decision.refusal) {
      record.quirk = decision.refusal.rule;
      const start = await drain(req, record, record.method === 'POST' ? FORM_KEY_BYTES : 0);
      const key = record.method === 'POST' ? formKey(start) : undefined;
      if (key !== undefined) record.formKey = key;
      return refuse(decision.refusal);
    }
    if (fault?.kind === 'status') {
      record.fault = 'status';
      await drain(req, record, 0);
      return refuse({ ...fault, message: fault.message ?? `Injected by the S3 proxy: ${fault.code}` });
    }
    // A rule that reads the body (a part list) holds it, then forwards it as it came.
    let held: Buffer | undefined;
    if (decision.inspectBody) {
      held = await drain(req, record, Number.POSITIVE_INFINITY);
      const refusal = decision.inspectBody(held);
      if (refusal) {
        record.quirk = refusal.rule;
        return refuse(refusal);
      }
    }

    const tap = new BodyTap({
      fault,
      sleep,
      bucket: () => bucketFor(socket),
      onBytes: (n) => {
        if (!held) record.requestBytes += n;
      },
      onFault: (kind) => {
        record.fault = kind;
      },
      onReset: () => {
        upstreamReq?.destroy();
        if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
        else socket.destroy();
      },
    });

    const outgoing = http.request({
      host: upstreamHost,
      port: upstreamPort,
      method: req.method,
      path: req.url,
      headers: endToEndHeaders(req.rawHeaders),
      agent,
    });
    upstreamReq = outgoing;

    outgoing.on('response', (upstreamRes) => {
      void (async () => {
        try {
          await sleep(halfRtt(latency));
        } catch {
          upstreamRes.destroy();
          return;
        }
        if (res.destroyed || res.headersSent) {
          upstreamRes.destroy();
          return;
        }
        record.status = upstreamRes.statusCode;
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage, asTheStoreWould(endToEndHeaders(upstreamRes.rawHeaders)));
        // An upstream response cut short must look cut short to the client too.
        upstreamRes.on('error', () => res.destroy());
        upstreamRes.on('close', () => {
          if (!upstreamRes.complete) res.destroy();
        });
        upstreamRes.pipe(res);
      })();
    });

    outgoing.on('error', (error) => {
      if (res.destroyed || closed) return;
      if (!res.headersSent) {
        req.unpipe(tap);
        tap.destroy();
        req.resume();
        sendError(req, res, record, 502, 'BadGateway', `S3 proxy could not reach the upstream: ${error.message}`);
      } else if (finished) {
        // The response is out; discard whatever is left of the request body.
        req.unpipe(tap);
        tap.destroy();
        req.resume();
      } else {
        res.destroy();
      }
    });

    tap.on('error', () => {
      outgoing.destroy();
      res.destroy();
    });
    req.on('error', () => outgoing.destroy());
    (held ? Readable.from([held]) : req).pipe(tap).pipe(outgoing);
  }

  const server = http.createServer({ requestTimeout: 0, keepAlive: true }, (req, res) => {
    handle(req, res).catch(() => {
      // ClosedError while waiting, or a socket that went away: nothing left to answer.
      if (!res.headersSent) res.destroy();
    });
  });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket: Socket) => {
    // What Node does without a listener: a bare 400 for a malformed request.
    if (socket.writable && socket.bytesWritten === 0) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('startS3Proxy: unexpected server address');
  const port = address.port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: () => records.map((record) => ({ ...record, query: { ...record.query } })),
    reset: () => {
      records = [];
    },
    setFaultPolicy: (next) => {
      policy = next;
      policyIndex = 0;
    },
    setLatency: (next) => {
      latency = next ? { ...next } : undefined;
    },
    setStoreQuirks: (next) => {
      quirks = next ? new StoreQuirkRules(next) : undefined;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      for (const [timer, reject] of timers) {
        clearTimeout(timer);
        reject(new ClosedError());
      }
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      agent.destroy();
      await done;
    },
  };
}

/** Largest number of requests matching `filter` whose [startedAt, endedAt) intervals overlap at one instant (unfinished ones count as still open). */
export function maxConcurrent(records: S3RequestRecord[], filter?: (r: S3RequestRecord) => boolean): number {
  const events: Array<[time: number, delta: number]> = [];
  for (const record of records) {
    if (filter && !filter(record)) continue;
    const endedAt = record.endedAt ?? Number.POSITIVE_INFINITY;
    if (!(endedAt > record.startedAt)) continue; // an empty interval overlaps nothing
    events.push([record.startedAt, 1], [endedAt, -1]);
  }
  // Ends sort before starts at the same instant: the intervals are half-open.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let current = 0;
  let max = 0;
  for (const [, delta] of events) {
    current += delta;
    if (current > max) max = current;
  }
  return max;
}

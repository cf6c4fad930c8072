/**
 * Store-quirks profiles for the S3 proxy: each reproduces, in front of a real
 * Ceph RGW, the documented ways one store's S3 API differs from S3 where this
 * library depends on it (sources: docs/providers.md, "Sources for the
 * capability table"). A rule refuses a request the way that store is
 * reported to, before it reaches RGW, or changes a response the way the store
 * would. The proxy never changes a request it forwards: that would break its
 * signature.
 *
 * Not emulated, and why:
 * - Google Cloud Storage (XML API): what matters there is what GCS does with
 *   `If-None-Match` on a PUT and with an S3-dialect POST policy, and both are
 *   undocumented; the signer sends GCS neither a condition nor an ACL, so a
 *   profile would forward everything unchanged.
 * - MinIO: behaves like RGW in everything the signer relies on (POST Object,
 *   conditional PUTs, `private` ACL, equal parts not required).
 */
import type http from 'node:http';

export type StoreQuirksProfile = 'r2' | 'b2' | 'aws' | 'spaces';

export interface StoreQuirks {
  profile: StoreQuirksProfile;
  /**
   * R2 only: refuse `x-amz-acl: private` too. R2 lists x-amz-acl as not
   * implemented and answers 501 to `public-read` (pixelfed#3775); what it
   * answers to `private` is not documented, so by default `private` passes.
   */
  strictAcl?: boolean;
  /**
   * R2 and B2: refuse a form POST without CORS headers, as a store does when
   * the bucket's rule does not allow POST (R2's own example allows PUT and GET
   * only): the page sees a network error, not the 501.
   */
  opaquePostRefusal?: boolean;
}

export interface QuirkRequest {
  method: string;
  /** Decoded pathname. */
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
}

/** How the store refuses a request: an S3 XML error. */
export interface QuirkRefusal {
  /** Which rule answered, for the proxy's records: "r2: no POST Object". */
  rule: string;
  status: number;
  code: string;
  message: string;
  /** More XML elements inside <Error>, already escaped (AWS's <HeadersNotSigned>). */
  detailXml?: string;
  /** Answer without CORS headers: a browser script cannot read the answer. */
  withoutCors?: boolean;
}

export interface QuirkDecision {
  refusal?: QuirkRefusal;
  /** The request needs its whole body before the store decides (R2's CompleteMultipartUpload reads the part list). */
  inspectBody?: (body: Buffer) => QuirkRefusal | undefined;
  /** Call once when the request is over, with the status the client got (frees a concurrency slot, remembers a part's size). */
  done?: (status: number | undefined) => void;
}

/** A presigned (query-authenticated) request from a browser, not one the signer's SDK signed with an Authorization header. */
const presigned = (req: QuirkRequest) => req.query['X-Amz-Signature'] !== undefined;
/** S3 POST Object: an HTML form to the bucket (the signer's POSTs carry ?uploads, ?uploadId or ?delete). */
const formPost = (req: QuirkRequest) =>
  req.method === 'POST' &&
  !('uploads' in req.query) &&
  !('uploadId' in req.query) &&
  !('delete' in req.query) &&
  /^multipart\/form-data/i.test(req.headers['content-type'] ?? '');
const partUpload = (req: QuirkRequest) => req.method === 'PUT' && 'uploadId' in req.query && 'partNumber' in req.query;
const completeMultipart = (req: QuirkRequest) => req.method === 'POST' && 'uploadId' in req.query;
const putObject = (req: QuirkRequest) =>
  req.method === 'PUT' && !('uploadId' in req.query) && req.headers['x-amz-copy-source'] === undefined;
const header = (req: QuirkRequest, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
};
const checksumHeader = (req: QuirkRequest) =>
  Object.keys(req.headers).find((name) => name.startsWith('x-amz-checksum-') || name === 'x-amz-sdk-checksum-algorithm');

/** Concurrent requests per key (an upload ID, an object path), refused beyond a cap. */
class InFlight {
  readonly #counts = new Map<string, number>();
  constructor(readonly cap: number) {}

  /** Takes a slot; undefined when `key` already has `cap` requests in flight. */
  admit(key: string): (() => void) | undefined {
    const count = this.#counts.get(key) ?? 0;
    if (count >= this.cap) return undefined;
    this.#counts.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#counts.get(key) ?? 1) - 1;
      if (left > 0) this.#counts.set(key, left);
      else this.#counts.delete(key);
    };
  }
}

/** One profile's rules and what they remember (parts in flight, sizes of stored parts). */
export class StoreQuirkRules {
  readonly quirks: StoreQuirks;
  /** R2's documentation once capped part uploads in flight per multipart upload at 3; Spaces caps PUTs to one object at 10. */
  readonly #inFlight: InFlight | undefined;
  /** R2: sizes of the parts stored, by upload ID and part number, to check the part list at completion. */
  readonly #partSizes = new Map<string, Map<number, number>>();

  constructor(quirks: StoreQuirks) {
    this.quirks = quirks;
    this.#inFlight = quirks.profile === 'r2' ? new InFlight(3) : quirks.profile === 'spaces' ? new InFlight(10) : undefined;
  }

  /** The response's Access-Control-Expose-Headers as the store would send it (R2, Spaces: without ETag). */
  exposeHeaders(value: string): string | undefined {
    if (this.quirks.profile !== 'r2' && this.quirks.profile !== 'spaces') return value;
    const kept = value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '' && name.toLowerCase() !== 'etag');
    return kept.length > 0 ? kept.join(', ') : undefined;
  }

  decide(req: QuirkRequest): QuirkDecision {
    const refusal = this.#refusal(req);
    if (refusal) return { refusal: formPost(req) && this.quirks.opaquePostRefusal ? { ...refusal, withoutCors: true } : refusal };
    if (this.quirks.profile === 'r2' && completeMultipart(req)) return { inspectBody: (body) => this.#unequalParts(req, body) };
    const slotKey = this.#slotKey(req);
    if (slotKey === undefined || !this.#inFlight) return {};
    const release = this.#inFlight.admit(slotKey);
    if (!release) return { refusal: this.#tooMany() };
    return {
      done: (status) => {
        release();
        if (this.quirks.profile === 'r2' && status !== undefined && status >= 200 && status < 300) this.#rememberPart(req);
      },
    };
  }

  #refusal(req: QuirkRequest): QuirkRefusal | undefined {
    const acl = header(req, 'x-amz-acl');
    switch (this.quirks.profile) {
      case 'r2':
        if (formPost(req)) {
          return notImplemented('r2: no POST Object', 'Presigned post requests are not yet implemented');
        }
        if (acl !== undefined && (this.quirks.strictAcl || acl !== 'private')) {
          return notImplemented('r2: no x-amz-acl', `Header 'x-amz-acl' with value '${acl}' not implemented`);
        }
        return undefined;
      case 'b2': {
        if (formPost(req)) return notImplemented('b2: no POST Object', 'Backblaze B2 does not support this API call.');
        if (putObject(req) && req.headers['if-none-match'] !== undefined) {
          return notImplemented('b2: no conditional PUT', 'A header you provided implies functionality that is not implemented');
        }
        // "If supplied, must be the same as the bucket ACL" (B2's PutObject page); the error B2 answers is not documented.
        if (acl !== undefined && acl !== 'private') {
          return {
            rule: 'b2: x-amz-acl other than the bucket ACL',
            status: 400,
            code: 'InvalidRequest',
            message: `x-amz-acl '${acl}' differs from the bucket ACL 'private'`,
          };
        }
        const checksum = checksumHeader(req);
        if (checksum)
          return { rule: 'b2: no checksum headers', status: 400, code: 'InvalidArgument', message: `Unsupported header '${checksum}'` };
        return undefined;
      }
      case 'aws': {
        if (presigned(req)) {
          const signed = new Set((req.query['X-Amz-SignedHeaders'] ?? '').toLowerCase().split(';'));
          // S3 tolerates an unsigned x-amz-content-sha256 (ds_proxy#164).
          const unsigned = Object.keys(req.headers).filter(
            (name) => name.startsWith('x-amz-') && name !== 'x-amz-content-sha256' && !signed.has(name),
          );
          if (unsigned.length > 0) {
            return {
              rule: 'aws: unsigned x-amz-* header',
              status: 403,
              code: 'AccessDenied',
              message: 'There were headers present in the request which were not signed',
              detailXml: unsigned.map((name) => `<HeadersNotSigned>${name}</HeadersNotSigned>`).join(''),
            };
          }
        }
        // Object Ownership "bucket owner enforced", the default for new buckets since April 2023.
        if (acl !== undefined && acl !== 'bucket-owner-full-control') {
          return {
            rule: 'aws: ACLs disabled',
            status: 400,
            code: 'AccessControlListNotSupported',
            message: 'The bucket does not allow ACLs',
          };
        }
        return undefined;
      }
      case 'spaces': {
        const checksum = checksumHeader(req);
        if (checksum) return notImplemented('spaces: no checksum headers', 'Server does not support one or more requested headers');
        return undefined;
      }
    }
  }

  #slotKey(req: QuirkRequest): string | undefined {
    if (this.quirks.profile === 'r2') return partUpload(req) ? req.query.uploadId : undefined;
    if (this.quirks.profile === 'spaces') return req.method === 'PUT' ? req.path : undefined;
    return undefined;
  }

  #tooMany(): QuirkRefusal {
    return this.quirks.profile === 'r2'
      ? {
          rule: 'r2: 3 part uploads in flight per upload',
          status: 429,
          code: 'TooManyRequests',
          message: 'Reduce your concurrent request rate for the same object.',
        }
      : { rule: 'spaces: 10 PUTs in flight per object', status: 503, code: 'SlowDown', message: 'Please reduce your request rate.' };
  }

  #rememberPart(req: QuirkRequest): void {
    const uploadId = req.query.uploadId as string;
    const sizes = this.#partSizes.get(uploadId) ?? new Map<number, number>();
    sizes.set(Number(req.query.partNumber), Number(req.headers['content-length'] ?? 0));
    this.#partSizes.set(uploadId, sizes);
  }

  /** R2: "All non-trailing parts must have the same length", checked at completion (cloudflare-docs#9549). */
  #unequalParts(req: QuirkRequest, body: Buffer): QuirkRefusal | undefined {
    const sizes = this.#partSizes.get(req.query.uploadId as string);
    if (!sizes) return undefined;
    const listed = [...body.toString('utf8').matchAll(/<PartNumber>\s*(\d+)\s*<\/PartNumber>/g)].map((match) => Number(match[1]));
    listed.sort((a, b) => a - b);
    const first = sizes.get(listed[0] ?? 0);
    if (first === undefined) return undefined;
    for (const [index, partNumber] of listed.entries()) {
      const size = sizes.get(partNumber);
      if (size === undefined) continue;
      const last = index === listed.length - 1;
      if (last ? size <= first : size === first) continue;
      return {
        rule: 'r2: equal part sizes',
        status: 400,
        code: 'InvalidPart',
        message: `All non-trailing parts must have the same length. Non Uniform Part Sizes: Expected part ${partNumber} to have size ${first}, found ${size}`,
      };
    }
    return undefined;
  }
}

function notImplemented(rule: string, message: string): QuirkRefusal {
  return { rule, status: 501, code: 'NotImplemented', message };
}

/** The `key` field of a multipart/form-data body (it comes first, so the body's start is enough). */
export function formKey(bodyStart: Buffer): string | undefined {
  return /name="key"\r\n\r\n([^\r]*)\r\n/.exec(bodyStart.toString('utf8'))?.[1];
}

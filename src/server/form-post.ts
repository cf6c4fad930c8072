import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { base64, hex } from '../protocol/encoding.js';
import type { ObjectHeaders } from './object-headers.js';

/** What the browser posts: the form's URL and its fields, in order; the file goes last, as `file`. */
export interface SignedForm {
  url: string;
  fields: Record<string, string>;
}

export interface FormPostInput {
  bucket: string;
  key: string;
  /** Exact size the policy admits (S3 refuses any other with 400 EntityTooSmall / EntityTooLarge). */
  size: number;
  /** Type, disposition and ACL, each a condition of the policy (a form POST cannot be conditional: `ifNoneMatch` is not used). */
  headers: ObjectHeaders;
  metadata?: Record<string, string> | undefined;
  expiresIn: number;
}

/**
 * Signs an S3 POST Object form (a SigV4 POST policy). A browser sends a form
 * as a "simple" cross-origin request, so unlike a presigned PUT it needs no
 * CORS preflight: one round trip per small file instead of two. The policy
 * pins the bucket, the key, the exact size, the content type, disposition,
 * ACL and metadata, as the signed headers of a presigned PUT do; S3 refuses
 * a form with any field the policy does not name ("Policy missing condition").
 */
export async function presignFormPost(s3: S3Client, input: FormPostInput, now = new Date()): Promise<SignedForm> {
  const [credentials, region, url] = await Promise.all([s3.config.credentials(), s3.config.region(), bucketUrl(s3, input.bucket)]);
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, ''); // 20261128T174700Z
  const day = stamp.slice(0, 8);
  const credential = `${credentials.accessKeyId}/${day}/${region}/s3/aws4_request`;
  const fields: Record<string, string> = {
    key: input.key,
    'Content-Type': input.headers.contentType,
    'Content-Disposition': input.headers.contentDisposition,
    'Cache-Control': input.headers.cacheControl,
    ...(input.headers.acl ? { acl: input.headers.acl } : {}),
  };
  for (const [name, value] of Object.entries(input.metadata ?? {})) fields[`x-amz-meta-${name.toLowerCase()}`] = value;
  fields['x-amz-algorithm'] = 'AWS4-HMAC-SHA256';
  fields['x-amz-credential'] = credential;
  fields['x-amz-date'] = stamp;
  if (credentials.sessionToken) fields['x-amz-security-token'] = credentials.sessionToken;
  const policy = {
    expiration: new Date(now.getTime() + input.expiresIn * 1000).toISOString(),
    conditions: [
      { bucket: input.bucket },
      ['content-length-range', input.size, input.size],
      ...Object.entries(fields).map(([name, value]) => ({ [name]: value })),
    ],
  };
  const encodedPolicy = base64(new TextEncoder().encode(JSON.stringify(policy)));
  const signingKey = await signingKeyFor(credentials.secretAccessKey, day, region);
  fields.policy = encodedPolicy;
  fields['x-amz-signature'] = hex(await hmac(signingKey, encodedPolicy));
  return { url, fields };
}

/** The last SigV4 signing key derived: it changes once a day (or with the credentials), not per form. */
let lastSigningKey: { secret: string; scope: string; key: Promise<Uint8Array> } | undefined;

function signingKeyFor(secret: string, day: string, region: string): Promise<Uint8Array> {
  const scope = `${day}/${region}`;
  if (lastSigningKey?.secret !== secret || lastSigningKey.scope !== scope) {
    const key = (async () => {
      let derived = await hmac(new TextEncoder().encode(`AWS4${secret}`), day);
      for (const part of [region, 's3', 'aws4_request']) derived = await hmac(derived, part);
      return derived;
    })();
    lastSigningKey = { secret, scope, key };
  }
  return lastSigningKey.key;
}

const bucketUrls = new WeakMap<S3Client, Map<string, Promise<string>>>();

/**
 * The bucket's own URL (virtual-hosted or path style, custom endpoint…), as
 * the SDK resolves it: a presigned PUT's URL with the key taken off. Resolved
 * once per client and bucket.
 */
function bucketUrl(s3: S3Client, bucket: string): Promise<string> {
  const forClient = bucketUrls.get(s3) ?? new Map<string, Promise<string>>();
  bucketUrls.set(s3, forClient);
  let url = forClient.get(bucket);
  if (!url) {
    const probeKey = 'form-post-probe';
    url = getSignedUrl(s3, new PutObjectCommand({ Bucket: bucket, Key: probeKey }), { expiresIn: 60 }).then((signed) => {
      const parsed = new URL(signed);
      if (!parsed.pathname.endsWith(`/${probeKey}`)) throw new Error(`Cannot tell the bucket URL from ${parsed.origin}${parsed.pathname}.`);
      return `${parsed.origin}${parsed.pathname.slice(0, -probeKey.length)}`;
    });
    url.catch(() => forClient.delete(bucket));
    forClient.set(bucket, url);
  }
  return url;
}

async function hmac(key: Uint8Array, message: string): Promise<Uint8Array> {
  const cryptoKey = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, new TextEncoder().encode(message)));
}

/**
 * The bucket CORS rule a browser uploader needs, as pure data in the shape
 * S3's PutBucketCors (and `aws s3api put-bucket-cors --cors-configuration`) takes.
 */

/** Structurally an `@aws-sdk/client-s3` CORSRule. */
export interface CorsRule {
  ID?: string;
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders?: string[];
  ExposeHeaders?: string[];
  MaxAgeSeconds?: number;
}

export interface CorsConfiguration {
  CORSRules: CorsRule[];
}

/** The ID that marks the rule this package manages, so applying it again replaces it and leaves other rules alone. */
export const CORS_RULE_ID = 's3-direct-upload';

/**
 * PUT and POST (uploads: small files go as form POSTs, which need no
 * preflight) and GET (downloads) from the app's origins; any request header
 * (Content-Type and whatever the signer signs); the ETag readable, or
 * multipart uploads cannot complete; preflights cached for an hour (each
 * presigned URL is its own cache entry, so this saves little: see
 * BENCHMARKS.md).
 */
export function uploadCorsRule(origins: readonly string[]): CorsRule {
  if (origins.length === 0) throw new RangeError('At least one origin is needed.');
  return {
    ID: CORS_RULE_ID,
    AllowedOrigins: [...new Set(origins.map(normalizeOrigin))],
    AllowedMethods: ['PUT', 'POST', 'GET'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['ETag'],
    MaxAgeSeconds: 3600,
  };
}

export function uploadCorsConfiguration(origins: readonly string[]): CorsConfiguration {
  return { CORSRules: [uploadCorsRule(origins)] };
}

/**
 * The bucket's rules with ours in front: S3 uses the first rule that matches
 * a request, so an older rule for the same origin without ExposeHeaders must
 * not win. Every other rule is kept. Our earlier rule (same ID) gives its
 * origins to the new one — applying for a second app adds that app's origin —
 * unless `replace`, when the new origins are all there is.
 */
export function mergeCorsRules(existing: readonly CorsRule[], rule: CorsRule, replace = false): CorsRule[] {
  const ours = existing.find((other) => other.ID === rule.ID);
  const origins = replace || !ours ? rule.AllowedOrigins : [...new Set([...ours.AllowedOrigins, ...rule.AllowedOrigins])];
  return [{ ...rule, AllowedOrigins: origins }, ...existing.filter((other) => other.ID !== rule.ID)];
}

/**
 * `https://app.example` as S3 compares it: scheme, host and port only (no
 * path, no trailing slash), lower case. `*` allows every origin; one `*` in the
 * host (`https://*.example.com`) is a wildcard S3 understands.
 */
export function normalizeOrigin(origin: string): string {
  const trimmed = origin.trim();
  if (trimmed === '*') return trimmed;
  const match = /^(https?):\/\/([^/?#\s]+?)\/?$/i.exec(trimmed);
  const host = match?.[2];
  if (!match || !host || (host.match(/\*/g) ?? []).length > 1 || host.includes('@')) {
    throw new RangeError(`"${origin}" is not an origin; write scheme://host[:port], e.g. https://app.example.com.`);
  }
  return `${(match[1] as string).toLowerCase()}://${host.toLowerCase()}`;
}

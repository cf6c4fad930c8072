import type { S3Client } from '@aws-sdk/client-s3';
import { SignError } from './errors.js';

/** SigV4 presigned URLs live at most 7 days. */
export const MAX_EXPIRES_IN = 604_800;
const DEFAULT_EXPIRES_IN = 600;
/** Form POSTs cannot be made create-only (S3's POST Object has no conditional field), so they live shorter. */
const DEFAULT_POST_EXPIRES_IN = 120;
/** A URL that would live less than this because the credentials expire is not worth handing out. */
const MIN_USEFUL_SECONDS = 30;

/** Lifetime of presigned URLs per operation, seconds. */
export interface ExpiryOptions {
  /** Single-PUT URLs. Default 600. */
  put?: number;
  /** Part URLs. Default 600. */
  part?: number;
  /** Form POSTs of small files. Default 120, or `put` when that is shorter. */
  post?: number;
}

type Kind = keyof ExpiryOptions;

function checkSeconds(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_EXPIRES_IN) {
    throw new RangeError(`${what} must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (7 days, SigV4's limit); got ${value}.`);
  }
  return value;
}

/**
 * Expiry policy: configured lifetimes (refused above 7 days, never clamped),
 * shorter lifetimes a client asks for, and the credentials' own expiry —
 * a URL signed with temporary credentials dies with them, so it is signed
 * for no longer and its `expiresAt` says so.
 */
export function createExpiry(option: number | ExpiryOptions | undefined, s3: S3Client, onError?: (error: unknown) => void) {
  const put = checkSeconds(typeof option === 'number' ? option : (option?.put ?? DEFAULT_EXPIRES_IN), 'expiresIn.put');
  const configured: Required<ExpiryOptions> = {
    put,
    part: checkSeconds(typeof option === 'number' ? option : (option?.part ?? DEFAULT_EXPIRES_IN), 'expiresIn.part'),
    post: checkSeconds(
      typeof option === 'object' && option.post !== undefined ? option.post : Math.min(DEFAULT_POST_EXPIRES_IN, put),
      'expiresIn.post',
    ),
  };
  let reportedExpiration = 0;

  return {
    configured,
    /** The lifetime for this request: the configured one, or a shorter one the client asked for. */
    forRequest(kind: Kind, requested: number | undefined): number {
      if (requested === undefined) return configured[kind];
      if (requested > MAX_EXPIRES_IN) {
        throw new SignError(
          400,
          'expiry_too_long',
          `expiresIn ${requested} s is over SigV4's limit of ${MAX_EXPIRES_IN} s (7 days).`,
          'expiresIn',
        );
      }
      if (requested > configured[kind]) {
        throw new SignError(400, 'expiry_too_long', `This endpoint signs ${kind} URLs for at most ${configured[kind]} s.`, 'expiresIn');
      }
      return requested;
    },
    /** Signs with `sign(seconds)`, shortening to the credentials' lifetime when they expire sooner. */
    async sign(kind: Kind, seconds: number, sign: (seconds: number) => Promise<string>): Promise<{ url: string; expiresAt: string }> {
      const now = Date.now();
      const credentials = await s3.config.credentials();
      const expiration = credentials.expiration?.getTime();
      let lifetime = seconds;
      if (expiration !== undefined && expiration < now + seconds * 1000) {
        lifetime = Math.floor((expiration - now) / 1000) - 5;
        if (lifetime < MIN_USEFUL_SECONDS) {
          throw new SignError(503, 'storage_error', 'The signing credentials are about to expire; try again in a moment.');
        }
        if (expiration !== reportedExpiration) {
          reportedExpiration = expiration;
          onError?.(
            new Error(
              `Presigned ${kind} URLs are signed for ${lifetime} s instead of ${seconds} s: the signing credentials expire at ${new Date(expiration).toISOString()}.`,
            ),
          );
        }
      }
      const url = await sign(lifetime);
      return { url, expiresAt: new Date(now + lifetime * 1000).toISOString() };
    },
  };
}

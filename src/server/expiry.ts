import type { S3Client } from '@aws-sdk/client-s3';
import { MAX_EXPIRES_IN } from '../protocol/limits.js';
import { SignError } from './errors.js';

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

/**
 * The configured lifetimes, each checked: a whole number of seconds up to
 * SigV4's 7 days, never clamped. `fail` throws, naming the option.
 */
export function resolveExpiry(option: unknown, fail: (option: string, message: string) => never): Required<ExpiryOptions> {
  if (option !== undefined && typeof option !== 'number' && (typeof option !== 'object' || option === null)) {
    fail('expiresIn', 'must be a number of seconds or { put, part, post }.');
  }
  const values = (typeof option === 'object' ? option : {}) as Record<string, unknown>;
  for (const name of Object.keys(values)) {
    if (!['put', 'part', 'post'].includes(name)) fail(`expiresIn.${name}`, 'is not a kind of URL (put, part, post).');
  }
  const seconds = (name: keyof ExpiryOptions, fallback: number): number => {
    const value = typeof option === 'number' ? option : (values[name] ?? fallback);
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_EXPIRES_IN) {
      fail(
        typeof option === 'number' ? 'expiresIn' : `expiresIn.${name}`,
        `must be a whole number of seconds from 1 to ${MAX_EXPIRES_IN} (7 days, SigV4's limit); got ${value}.`,
      );
    }
    return value;
  };
  const put = seconds('put', DEFAULT_EXPIRES_IN);
  return { put, part: seconds('part', DEFAULT_EXPIRES_IN), post: seconds('post', Math.min(DEFAULT_POST_EXPIRES_IN, put)) };
}

/**
 * Expiry policy: configured lifetimes (refused above 7 days, never clamped),
 * shorter lifetimes a client asks for, and the credentials' own expiry —
 * a URL signed with temporary credentials dies with them, so it is signed
 * for no longer and its `expiresAt` says so.
 */
export function createExpiry(option: number | ExpiryOptions | undefined, s3: S3Client, onError?: (error: unknown) => void) {
  const configured = resolveExpiry(option, (name, message) => {
    throw new RangeError(`${name} ${message}`);
  });
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

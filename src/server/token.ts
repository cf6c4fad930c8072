import { base64 } from '../protocol/encoding.js';

/**
 * Stateless proof that this server issued something (a key for a file, a
 * multipart upload for a file), valid until a time written into it. Any
 * instance with the same secret can verify it, so one upload can be served by
 * many instances. A token is `<expiry, seconds since the epoch, base 36>.<HMAC-SHA256, base64url>`.
 */
export class UploadTokens {
  readonly #key: Promise<CryptoKey>;

  constructor(secret: Uint8Array) {
    this.#key = crypto.subtle.importKey('raw', secret as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  /** A token over `fields` that stops verifying after `lifetimeSeconds`. */
  async issue(lifetimeSeconds: number, ...fields: Array<string | number>): Promise<string> {
    const expires = Math.ceil(Date.now() / 1000) + lifetimeSeconds;
    const signature = await crypto.subtle.sign('HMAC', await this.#key, encode(expires, fields) as BufferSource);
    return `${expires.toString(36)}.${base64url(new Uint8Array(signature))}`;
  }

  /** True for a token this secret issued over exactly these fields, not yet expired. Constant-time (crypto.subtle.verify). */
  async verify(token: string, ...fields: Array<string | number>): Promise<boolean> {
    const match = /^([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return false;
    const expires = Number.parseInt(match[1] as string, 36);
    if (!(expires * 1000 > Date.now())) return false;
    const signature = fromBase64url(match[2] as string);
    // One token, one spelling: a leading zero, or other bits in the last character's two unused ones, is not this token.
    if (expires.toString(36) !== match[1] || base64url(signature) !== match[2]) return false;
    return crypto.subtle.verify('HMAC', await this.#key, signature as BufferSource, encode(expires, fields) as BufferSource);
  }
}

function encode(expires: number, fields: Array<string | number>): Uint8Array {
  // NUL cannot appear in validated fields, so fields cannot run into each other.
  return new TextEncoder().encode(['s3-direct-upload/v2', expires, ...fields].join('\0'));
}

/** Bytes as base64url without padding. */
export function base64url(bytes: Uint8Array): string {
  return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Decodes 43 base64url characters (32 bytes); the caller checked the alphabet and length. */
function fromBase64url(text: string): Uint8Array {
  const binary = atob(`${text.replace(/-/g, '+').replace(/_/g, '/')}=`);
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

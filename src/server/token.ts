import { base64 } from '../protocol/encoding.js';

/**
 * Stateless proof that this server issued a key (and, for multipart, the
 * upload id, size and part size). Any instance with the same secret can
 * verify it, so one upload can be served by many instances.
 */
export class UploadTokens {
  readonly #key: Promise<CryptoKey>;

  constructor(secret: string | Uint8Array) {
    const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
    this.#key = crypto.subtle.importKey('raw', bytes as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async issue(...fields: Array<string | number>): Promise<string> {
    const signature = await crypto.subtle.sign('HMAC', await this.#key, encode(fields) as BufferSource);
    return base64url(new Uint8Array(signature));
  }

  /** Constant-time check (crypto.subtle.verify). */
  async verify(token: string, ...fields: Array<string | number>): Promise<boolean> {
    const signature = fromBase64url(token);
    if (!signature) return false;
    return crypto.subtle.verify('HMAC', await this.#key, signature as BufferSource, encode(fields) as BufferSource);
  }
}

function encode(fields: Array<string | number>): Uint8Array {
  // NUL cannot appear in keys or upload ids, so fields cannot run into each other.
  return new TextEncoder().encode(['s3-direct-upload/v1', ...fields].join('\0'));
}

function base64url(bytes: Uint8Array): string {
  return base64(bytes).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(text)) return undefined;
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

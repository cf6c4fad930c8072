import type { StoreOption } from '../../src/server/index.js';
import type { S3Proxy } from '../support/s3-proxy.js';

/**
 * State shared between the e2e global setup, the sign endpoint plugin and
 * the browser commands. They run in one Node process but are loaded as
 * separate module graphs, so it travels through process.env and globalThis.
 */
export const E2E_BUCKET = 'e2e-uploads';
export const E2E_PREFIX = 'e2e';
/** Path of the signing endpoint the e2e pages call: same origin as the page, as in a real app. */
export const E2E_SIGN_PATH = '/api/upload';

export interface E2EStorage {
  /** Where presigned URLs point: the recording proxy in front of RGW. */
  endpoint: string;
  /** RGW itself, for checks that must not show up in the proxy's records. */
  directEndpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export function storageFromEnv(): E2EStorage {
  const { E2E_S3_ENDPOINT, E2E_S3_DIRECT_ENDPOINT, E2E_S3_REGION, E2E_S3_ACCESS_KEY_ID, E2E_S3_SECRET_ACCESS_KEY } = process.env;
  if (!E2E_S3_ENDPOINT || !E2E_S3_DIRECT_ENDPOINT || !E2E_S3_ACCESS_KEY_ID || !E2E_S3_SECRET_ACCESS_KEY) {
    throw new Error('The e2e storage is not running: test/e2e/global-setup.ts starts it.');
  }
  return {
    endpoint: E2E_S3_ENDPOINT,
    directEndpoint: E2E_S3_DIRECT_ENDPOINT,
    region: E2E_S3_REGION ?? 'us-east-1',
    accessKeyId: E2E_S3_ACCESS_KEY_ID,
    secretAccessKey: E2E_S3_SECRET_ACCESS_KEY,
  };
}

const PROXY_KEY = Symbol.for('s3-direct-upload.e2e.proxy');
const SIGNER_KEY = Symbol.for('s3-direct-upload.e2e.signer');

/** Options a test set on the signer (expiry, checksum); replaced as a whole so the plugin notices. */
export interface SignerOverrides {
  expiresIn?: number;
  checksum?: 'md5';
  /** Also presign for the storage under this host name (e.g. `localhost` for 127.0.0.1): `alternateEndpoints`. */
  alternateHost?: string;
  /** The store the signer is told it signs for (absent: told nothing, as for any endpoint it does not recognise). */
  store?: StoreOption;
}

export function setSignerOverrides(overrides: SignerOverrides): void {
  (globalThis as Record<symbol, unknown>)[SIGNER_KEY] = { ...overrides };
}

export function signerOverrides(): SignerOverrides {
  const global = globalThis as Record<symbol, unknown>;
  global[SIGNER_KEY] ??= {};
  return global[SIGNER_KEY] as SignerOverrides;
}

export function shareProxy(proxy: S3Proxy | undefined): void {
  (globalThis as Record<symbol, unknown>)[PROXY_KEY] = proxy;
}

export function sharedProxy(): S3Proxy {
  const proxy = (globalThis as Record<symbol, unknown>)[PROXY_KEY] as S3Proxy | undefined;
  if (!proxy) throw new Error('The recording S3 proxy is not running.');
  return proxy;
}

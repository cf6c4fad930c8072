import type { Plugin } from 'vite';
import { createSignHandler, type SignHandlerOptions } from '../../src/server/index.js';
import { toNodeListener } from '../../src/server/node.js';
import { E2E_BUCKET, E2E_PREFIX, E2E_SIGN_PATH, signerOverrides, storageFromEnv } from './environment.js';

/**
 * Mounts the real signer (through the Node adapter) on the test server.
 * Built on first use — the storage it signs for starts in the global setup —
 * and rebuilt when a test changes its options (`configureSigner` command).
 */
export function signEndpointPlugin(): Plugin {
  let listener: ReturnType<typeof toNodeListener> | undefined;
  let builtFor: unknown;
  const getListener = () => {
    const overrides = signerOverrides();
    if (listener && builtFor === overrides) return listener;
    const storage = storageFromEnv();
    const { alternateHost, ...overridden } = overrides;
    const alternate = new URL(storage.endpoint);
    if (alternateHost) alternate.hostname = alternateHost;
    const options: SignHandlerOptions = {
      bucket: E2E_BUCKET,
      prefix: E2E_PREFIX,
      endpoint: storage.endpoint,
      region: storage.region,
      forcePathStyle: true,
      credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
      secret: 'e2e-secret-e2e-secret-e2e-secret-e2e',
      ...overridden,
      ...(alternateHost ? { alternateEndpoints: [alternate.origin] } : {}),
    };
    listener = toNodeListener(createSignHandler(options));
    builtFor = overrides;
    return listener;
  };
  return {
    name: 's3-direct-upload:e2e-sign-endpoint',
    configureServer(server) {
      server.middlewares.use(E2E_SIGN_PATH, (request, response) => {
        void getListener()(request, response);
      });
    },
  };
}

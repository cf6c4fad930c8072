import type { Plugin } from 'vite';
import { createSignHandler, type SignHandler } from '../../src/server/index.js';
import { toNodeListener } from '../../src/server/node.js';
import { E2E_BUCKET, E2E_PREFIX, E2E_SIGN_PATH, storageFromEnv } from './environment.js';

/**
 * Mounts the real signer (through the Node adapter) on the test server.
 * Built on first use: the storage it signs for starts in the global setup.
 */
export function signEndpointPlugin(): Plugin {
  let listener: ReturnType<typeof toNodeListener> | undefined;
  const getListener = () => {
    if (listener) return listener;
    const storage = storageFromEnv();
    const handler: SignHandler = createSignHandler({
      bucket: E2E_BUCKET,
      prefix: E2E_PREFIX,
      endpoint: storage.endpoint,
      region: storage.region,
      forcePathStyle: true,
      credentials: { accessKeyId: storage.accessKeyId, secretAccessKey: storage.secretAccessKey },
    });
    listener = toNodeListener(handler);
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

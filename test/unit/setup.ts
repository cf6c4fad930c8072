import { Blob as NodeBlob, File as NodeFile } from 'node:buffer';
import { cleanup } from '@testing-library/react';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { server } from './msw-server.js';

// jsdom's Blob and File are not Node's: request bodies built from them reach MSW as "undefined".
Object.assign(globalThis, { Blob: NodeBlob, File: NodeFile });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  // Testing Library registers its own cleanup only with global test APIs.
  cleanup();
  server.resetHandlers();
});
afterAll(() => server.close());

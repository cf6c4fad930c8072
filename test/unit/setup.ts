import { Blob as NodeBlob, File as NodeFile } from 'node:buffer';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { server } from './msw-server.js';

// jsdom's Blob and File are not Node's: request bodies built from them reach MSW as "undefined".
Object.assign(globalThis, { Blob: NodeBlob, File: NodeFile });

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

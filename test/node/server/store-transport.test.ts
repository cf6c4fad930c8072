import { describe, expect, it } from 'vitest';
import { validateResponse } from '../../../src/protocol/validate-response.js';
import { createSignHandler } from '../../../src/server/index.js';
import { STORES, type StoreOption, storageTransport } from '../../../src/server/stores.js';
import { offlineStore, presignPut, TEST_SECRET } from '../../support/sign-handler.js';

// Presigning needs no network: the endpoint is never contacted.
const base = { ...offlineStore, secret: TEST_SECRET, onError: false as const };

async function presign(store: StoreOption | undefined, post = false) {
  const handler = createSignHandler({ ...base, ...(store ? { store } : {}) });
  const results: Array<Record<string, unknown>> = await presignPut(
    handler,
    [{ name: 'a.bin', size: 10, type: 'application/octet-stream' }],
    { post },
  );
  return { results };
}

describe('what the signer tells the browser about the store’s HTTP (issue #14)', () => {
  it('says nothing for an HTTP/1.1 store without a cap (the answer is as before)', async () => {
    const { results } = await presign(undefined);
    expect(results[0]?.ok).toBe(true);
    expect(results[0]).not.toHaveProperty('transport');
    expect(storageTransport(STORES.rgw)).toEqual({});
    expect(storageTransport(STORES.aws)).toEqual({});
  });

  it('says h2 for a store whose table says it, on PUTs and form POSTs, with the store’s own cap', async () => {
    expect((await presign({ name: 's3-compatible', http2: true })).results[0]?.transport).toEqual({ protocol: 'h2' });
    expect((await presign({ name: 's3-compatible', http2: true }, true)).results[0]).toMatchObject({
      method: 'POST',
      transport: { protocol: 'h2' },
    });
    expect((await presign('spaces')).results[0]?.transport).toEqual({ protocol: 'h2', maxInFlight: 10 });
  });

  it('the client keeps a hint it understands and drops one it does not (a newer server’s protocol is no error)', () => {
    const signed = {
      ok: true,
      key: 'k',
      token: 't',
      url: 'https://s3.example/k',
      method: 'PUT',
      headers: {},
      expiresAt: '2030-01-01T00:00:00.000Z',
    };
    const read = (transport: unknown) => validateResponse('presign-put', { results: [{ ...signed, transport }] }).results[0];
    expect(read({ protocol: 'h2', maxInFlight: 10 })).toMatchObject({ transport: { protocol: 'h2', maxInFlight: 10 } });
    expect(read({ protocol: 'h3' })).toMatchObject({ transport: { protocol: 'h3' } });
    expect(read({ protocol: 'h4' })).not.toHaveProperty('transport');
    expect(read({ protocol: 'h2', maxInFlight: -1 })).toMatchObject({ transport: { protocol: 'h2' } });
    expect(read(undefined)).not.toHaveProperty('transport');
  });
});

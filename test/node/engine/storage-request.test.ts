import { describe, expect, it } from 'vitest';
import { RequestPool } from '../../../src/engine/request-pool.js';
import { DEFAULT_RETRY } from '../../../src/engine/retry.js';
import { sendToStorage } from '../../../src/engine/storage-request.js';
import type { SendFunction, TransferContext } from '../../../src/engine/transfer.js';
import { SignClient } from '../../../src/protocol/client.js';
import { UploadError } from '../../../src/protocol/errors.js';

const signed = { url: 'http://s3.test/b/k', method: 'PUT' as const, headers: {}, expiresAt: new Date(Date.now() + 600_000).toISOString() };

function context(send: SendFunction, stallTimeoutMs = 50): TransferContext {
  return {
    client: new SignClient({ signUrl: 'http://app.test/sign' }),
    send,
    storagePool: new RequestPool(6),
    priority: 0,
    signal: new AbortController().signal,
    data: new Blob(['x']),
    file: { name: 'x', size: 1, type: '' },
    retry: DEFAULT_RETRY,
    stallTimeoutMs,
    onProgress: () => {},
  };
}

/** One signed PUT through `send`, in a fresh context (returned too, for its pool). */
function sendOnce(send: SendFunction, stallTimeoutMs?: number) {
  const ctx = context(send, stallTimeoutMs);
  const ignore = () => {};
  return { ctx, sent: sendToStorage(ctx, ctx.signal, async () => signed, ctx.data, ignore, ignore) };
}

describe('sendToStorage', () => {
  it('aborts a PUT that makes no progress for stallTimeoutMs, as a retryable error', async () => {
    let aborted = false;
    const hanging: SendFunction = (_request, _body, signal) =>
      new Promise((_resolve, reject) => {
        signal.addEventListener('abort', () => {
          aborted = true;
          reject(new UploadError({ code: 'canceled', message: 'canceled', retryable: false }));
        });
      });
    const error = await sendOnce(hanging).sent.catch((reason: unknown) => reason);
    expect(aborted).toBe(true);
    expect(error).toMatchObject({ code: 'storage_stalled', retryable: true });
    expect((error as Error).message).toMatch(/stalled/);
  });

  it('keeps a slow PUT alive while bytes keep flowing', async () => {
    const trickle: SendFunction = async (_request, _body, _signal, onProgress) => {
      for (let step = 1; step <= 6; step++) {
        await new Promise((resolve) => setTimeout(resolve, 30));
        onProgress(step);
      }
      return { etag: '"e"' };
    };
    const { result } = await sendOnce(trickle, 50).sent;
    expect(result.etag).toBe('"e"');
  });

  it('tells the pool to back off on 503 SlowDown', async () => {
    const slowDown: SendFunction = async () => {
      throw new UploadError({ code: 'storage_refused', status: 503, storageCode: 'SlowDown', message: 'slow down', retryable: true });
    };
    const { ctx, sent } = sendOnce(slowDown);
    await sent.catch(() => undefined);
    expect(ctx.storagePool.limit).toBe(3);
  });
});

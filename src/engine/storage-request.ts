import { canceledError, onAbort, UploadError } from '../protocol/errors.js';
import type { SignedRequest } from '../protocol/types.js';
import { isExpiredUrlError, isThrottling } from './storage-errors.js';
import type { SendResult, TransferContext } from './transfer.js';

/**
 * Sends one PUT through the shared pool: waits for a connection, gives up on
 * a request that makes no progress for `stallTimeoutMs` (retryable), and
 * tells the pool about throttling and successes so it can adapt. An expired
 * URL becomes a retryable error after `onExpired` dropped it.
 * `request` is called once a connection is free, so a URL cannot expire while queued.
 */
export function sendToStorage(
  context: TransferContext,
  signal: AbortSignal,
  request: () => Promise<SignedRequest>,
  body: Blob,
  onProgress: (loaded: number) => void,
  /** Called when the URL turned out expired: forget it, so the retry signs afresh. */
  onExpired: () => void,
): Promise<{ result: SendResult; request: SignedRequest }> {
  const pool = context.storagePool;
  return pool.run(context.priority, signal, async () => {
    context.onSending?.();
    const signed = await request();
    pool.sawHost(new URL(signed.url).host, signed.transport);
    const stall = new AbortController();
    const stopListening = onAbort(signal, () => stall.abort());
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        stall.abort();
      }, context.stallTimeoutMs);
    };
    arm();
    try {
      const result = await context.send(signed, body, stall.signal, (loaded) => {
        arm();
        onProgress(loaded);
      });
      pool.succeeded();
      return { result, request: signed };
    } catch (error) {
      if (stalled && !signal.aborted) {
        throw new UploadError({
          code: 'storage_stalled',
          message: `The upload stalled: no progress for ${Math.round(context.stallTimeoutMs / 1000)} s.`,
          retryable: true,
        });
      }
      if (signal.aborted) throw canceledError();
      if (error instanceof UploadError && isThrottling(error)) pool.throttled();
      if (error instanceof UploadError && isExpiredUrlError(error, signed, context.client.now())) {
        onExpired();
        throw new UploadError({ ...error, retryable: true, message: error.message });
      }
      throw error;
    } finally {
      clearTimeout(timer);
      stopListening();
    }
  });
}

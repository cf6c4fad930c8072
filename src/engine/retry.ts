import { canceledError, isCanceled, onAbort, UploadError } from '../protocol/errors.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Base of the exponential backoff, ms. */
  baseDelayMs: number;
  /** Longest wait between two attempts, ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { attempts: 6, baseDelayMs: 500, maxDelayMs: 15_000 };

/** Retries one file may spend across all its requests, so a hopeless file fails instead of retrying forever. */
export interface RetryBudget {
  remaining: number;
}

export const DEFAULT_FILE_RETRY_BUDGET = 30;

/** Full-jitter backoff (AWS architecture blog): a random wait in [0, min(max, base·2^n)). */
export function backoffDelay(attempt: number, options: RetryOptions, random = Math.random): number {
  return Math.floor(random() * Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const stopListening = onAbort(signal, () => {
      clearTimeout(timer);
      reject(canceledError());
    });
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, ms);
  });
}

/**
 * Runs `task` until it succeeds, fails with an error that retrying cannot fix
 * (a 4xx, a malformed answer, a cancel), or runs out of attempts.
 */
export async function withRetry<T>(
  task: (attempt: number) => Promise<T>,
  signal: AbortSignal,
  options: RetryOptions = DEFAULT_RETRY,
  budget?: RetryBudget,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      const retryable = error instanceof UploadError && error.retryable;
      if (!retryable || isCanceled(error) || signal.aborted || attempt + 1 >= options.attempts) throw error;
      if (budget) {
        if (budget.remaining <= 0) throw error;
        budget.remaining--;
      }
      await sleep(backoffDelay(attempt + 1, options), signal);
    }
  }
}

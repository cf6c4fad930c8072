import { UploadError } from '../protocol/errors.js';
import type { PresignPutResult } from '../protocol/types.js';
import { isFormPostUnsupported } from './form-post.js';
import { withRetry } from './retry.js';
import { sendToStorage } from './storage-request.js';
import { expiresSoon, lazyDigest, type TransferContext, type TransferResult } from './transfer.js';

/** Uploads a file with one presigned PUT (or form POST), re-signing when the URL expired or is about to. */
export async function singlePut(context: TransferContext): Promise<TransferResult> {
  const leaveWindow = await context.signAhead?.enter(context.priority, context.signal);
  try {
    return await signAndPut(context);
  } finally {
    leaveWindow?.();
  }
}

async function signAndPut(context: TransferContext): Promise<TransferResult> {
  const { client, signal } = context;
  let signed: Extract<PresignPutResult, { ok: true }> | undefined;

  let file = context.file;
  // Off for this file once one of its forms went unanswered (FormPostPolicy): its retry goes by PUT.
  let formsForThisFile = true;
  const mayPost = () => formsForThisFile && (context.formPost?.allows(context.data.size) ?? false);
  const sign = async () => {
    if (context.checksum && file.checksum === undefined) {
      file = { ...file, checksum: await (context.digest ?? lazyDigest)(context.checksum, context.data) };
    }
    const result = await client.presignPut(file, signal, mayPost());
    if (!result.ok) {
      throw new UploadError({
        code: 'endpoint_refused',
        serverCode: result.error.code,
        message: result.error.message,
        retryable: false,
      });
    }
    return result;
  };
  // Inside a sign-ahead window, sign now, batched with the files entering with this one, rather than once a
  // connection is free. A failure surfaces in the first attempt below, which the retry loop handles.
  let early = context.signAhead ? sign() : undefined;
  early?.catch(() => undefined);

  // Upload URLs are create-only where the store supports it (If-None-Match: * signed in): a retry whose
  // earlier attempt did reach the store, though its answer was lost, gets 412 — the object is ours, stored.
  let attempted = false;
  let fellBack = false;
  // A form URL is used only while the session still sends forms: once the store refused one, re-sign as a PUT.
  const usable = (request: typeof signed): request is NonNullable<typeof signed> =>
    request !== undefined && !expiresSoon(request.expiresAt, client.now()) && (request.method !== 'POST' || mayPost());
  const attempt = async (): Promise<{ request: Extract<PresignPutResult, { ok: true }>; etag: string | undefined }> => {
    const sentBefore = attempted;
    attempted = true;
    const sent = signed;
    try {
      const { result, request } = await sendToStorage(
        context,
        signal,
        async () => {
          if (early) {
            const pending = early;
            early = undefined;
            signed = await pending;
          }
          if (!usable(signed)) signed = await sign();
          return signed;
        },
        context.data,
        context.onProgress,
        () => {
          signed = undefined;
        },
      );
      if (request.method === 'POST') context.formPost?.stored();
      return { request: request as Extract<PresignPutResult, { ok: true }>, etag: result.etag as string | undefined };
    } catch (error) {
      if (sentBefore && sent !== undefined && sent === signed && error instanceof UploadError && error.status === 412) {
        return { request: sent, etag: undefined };
      }
      if (!fellBack && signed?.method === 'POST' && error instanceof UploadError && isFormPostUnsupported(error)) {
        // The store has no POST Object (R2, B2): that answer will not change, so it is no transient failure to
        // back off from and retry. This file goes again at once as a PUT, without spending an attempt or its
        // retry budget, and the session stops asking for forms (FormPostPolicy).
        context.formPost?.refuse();
        fellBack = true;
        signed = undefined;
        attempted = false;
        return attempt();
      }
      if (
        signed?.method === 'POST' &&
        error instanceof UploadError &&
        (error.code === 'storage_unreachable' || error.code === 'storage_stalled')
      ) {
        formsForThisFile = false;
        context.formPost?.unreadable();
        signed = undefined;
      }
      throw error;
    }
  };
  const stored = await withRetry(attempt, signal, context.retry, context.retryBudget);
  const { request, etag } = stored;
  if (request.confirm) {
    // The server verifies the stored object (size, type) and may record it before the upload counts as done.
    const confirmed = await withRetry(
      () => client.send({ operation: 'complete-put', file, key: request.key, token: request.token }, signal),
      signal,
      context.retry,
      context.retryBudget,
    );
    return { key: confirmed.key, ...(confirmed.etag ? { etag: confirmed.etag } : {}) };
  }
  return { key: request.key, ...(etag ? { etag } : {}) };
}

import { PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { FileContext, PresignPutResult } from '../../protocol/types.js';
import { type SignContext, UPLOAD_REFERENCE, uploadReference } from '../context.js';
import { SignError } from '../errors.js';
import { presignFormPost } from '../form-post.js';
import { CHECKSUM_HEADER, CHECKSUM_INPUT, requireDigest } from '../integrity.js';
import { checkLimits } from '../policy.js';
import { storageTransport } from '../stores.js';
import type { Caller, OperationHandler } from './types.js';

/** Signs one PUT (or form POST) per file; a refused file gets its own error and the others go on. */
export const presignPut: OperationHandler<'presign-put'> = async (context, request, caller) => {
  // A lifetime the client asks for is checked once for the request, not per file.
  const lifetimes = {
    put: context.expiry.forRequest('put', request.expiresIn),
    post: context.expiry.forRequest(
      'post',
      request.expiresIn === undefined ? undefined : Math.min(request.expiresIn, context.expiry.configured.post),
    ),
  };
  return {
    results: await Promise.all(
      request.files.map((file, index) =>
        file instanceof SignError ? refusal(file) : signFile(context, file, index, caller, lifetimes, request.post === true),
      ),
    ),
  };
};

function refusal(error: SignError): PresignPutResult {
  return { ok: false, error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) } };
}

async function signFile(
  context: SignContext,
  file: FileContext,
  index: number,
  caller: Caller,
  lifetimes: { put: number; post: number },
  post: boolean,
): Promise<PresignPutResult> {
  const field = `files[${index}]`;
  const { store, bucket } = context;
  const checksum = context.options.checksum;
  try {
    checkLimits(file, context.limits, field);
    if (file.size > store.maxSinglePutSize) {
      throw new SignError(
        413,
        'file_too_large',
        `"${file.name}" is ${file.size} bytes; one PUT to ${store.label} holds at most ${store.maxSinglePutSize}: upload it in parts.`,
        `${field}.size`,
      );
    }
    const digest = checksum ? requireDigest(checksum, file.checksum, `${field}.checksum`) : undefined;
    const key = await context.chooseKey(file, caller.prefix, caller.request, field);
    const headers = context.headersFor(file, key, field);
    const signer = context.signerFor(index);
    const confirm = context.options.onUploadComplete ? { confirm: true } : {};
    // A form POST cannot carry a digest header or a condition, and some stores have no POST Object: then a PUT.
    // Under writeOnce an app's own key() may give two uploads one key, and only a PUT can be create-only.
    const createOnly = context.resolved.writeOnce && store.conditionalPut && context.options.key !== undefined;
    const asForm = post && !checksum && !createOnly && store.postObject;
    const seconds = asForm ? lifetimes.post : lifetimes.put;
    // The token comes first: a confirmed upload's object carries its reference, so its completion knows its own object.
    const token = await context.putToken(key, file, seconds);
    const metadata = context.options.onUploadComplete ? { ...file.metadata, [UPLOAD_REFERENCE]: uploadReference(token) } : file.metadata;

    if (asForm) {
      let fields: Record<string, string> = {};
      const { url, expiresAt } = await context.expiry.sign('post', seconds, async (lifetime) => {
        const signedForm = await presignFormPost(signer, {
          bucket,
          key,
          size: file.size,
          headers,
          metadata,
          expiresIn: lifetime,
        });
        fields = signedForm.fields;
        return signedForm.url;
      });
      return { ok: true, key, token, ...confirm, url, method: 'POST', headers: {}, fields, expiresAt, ...storageTransport(store) };
    }

    const sent: Record<string, string> = {
      'Content-Type': headers.contentType,
      'Content-Disposition': headers.contentDisposition,
      'Cache-Control': headers.cacheControl,
    };
    const signable = ['content-type', 'content-length', 'content-disposition', 'cache-control'];
    // x-amz-* headers would be hoisted into the query string; these must travel as signed headers.
    const unhoistable: string[] = [];
    if (headers.acl) {
      sent['x-amz-acl'] = headers.acl;
      signable.push('x-amz-acl');
      unhoistable.push('x-amz-acl');
    }
    if (headers.ifNoneMatch) {
      sent['If-None-Match'] = headers.ifNoneMatch;
      signable.push('if-none-match');
    }
    if (checksum && digest) {
      sent[CHECKSUM_HEADER[checksum]] = digest;
      signable.push(CHECKSUM_HEADER[checksum]);
      unhoistable.push(CHECKSUM_HEADER[checksum]);
    }
    const { url, expiresAt } = await context.expiry.sign('put', seconds, (lifetime) =>
      getSignedUrl(
        signer,
        // Metadata is hoisted into the query string, so the browser sends no x-amz-meta-* headers (and CORS needs none).
        new PutObjectCommand({
          Bucket: bucket,
          Key: key,
          ContentType: headers.contentType,
          ContentLength: file.size,
          ContentDisposition: headers.contentDisposition,
          CacheControl: headers.cacheControl,
          Metadata: metadata,
          ...(headers.acl ? { ACL: headers.acl } : {}),
          ...(headers.ifNoneMatch ? { IfNoneMatch: headers.ifNoneMatch } : {}),
          ...(checksum && digest ? { [CHECKSUM_INPUT[checksum]]: digest } : {}),
        }),
        { expiresIn: lifetime, signableHeaders: new Set(signable), unhoistableHeaders: new Set(unhoistable) },
      ),
    );
    return { ok: true, key, token, ...confirm, url, method: 'PUT', headers: sent, expiresAt, ...storageTransport(store) };
  } catch (error) {
    // One refused file does not sink the batch: it gets its own error.
    if (error instanceof SignError && error.status < 500) return refusal(error);
    throw error;
  }
}

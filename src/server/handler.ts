import type { FileContext, Operation, ResponseFor } from '../protocol/types.js';
import { createSignContext, type SignContext } from './context.js';
import { errorResponse, jsonResponse, SignError } from './errors.js';
import { grantedPrefix } from './keys.js';
import { OPERATIONS } from './operations/index.js';
import { resolveOptions, type SignHandlerOptions } from './options.js';
import { type ParsedRequest, validateRequest } from './validate-request.js';

export type {
  AuthorizeGrant,
  AuthorizeResult,
  KeyContext,
  RequestContext,
  SignHandlerOptions,
  UploadCompleteInfo,
} from './options.js';

/** A Fetch-API request handler: works as it is in Next.js route handlers, Hono, Remix, Bun and Deno. */
export type SignHandler = (request: Request) => Promise<Response>;

/**
 * Creates the signing endpoint: it answers the protocol's operations
 * (docs/protocol.md), chooses keys, enforces limits and presigns S3
 * requests. It keeps no state between requests. Every option is validated
 * here: a wrong one throws a TypeError that names it.
 */
export function createSignHandler(options: SignHandlerOptions): SignHandler {
  const context = createSignContext(options, resolveOptions(options));

  return async (httpRequest: Request): Promise<Response> => {
    try {
      if (httpRequest.method !== 'POST') {
        const response = errorResponse(
          new SignError(405, 'method_not_allowed', `Use POST; this endpoint does not answer ${httpRequest.method}.`),
        );
        response.headers.set('allow', 'POST');
        return response;
      }
      requireJson(httpRequest);
      const body = await readJson(httpRequest, context.resolved.maxRequestBytes);
      return jsonResponse(await dispatch(context, validateRequest(body), httpRequest));
    } catch (error) {
      if (error instanceof SignError) {
        // Storage failures were reported where they happened; an app's own fault (a bad key function) is reported here.
        if (error.status >= 500 && error.code !== 'storage_error') context.resolved.report(error);
        return errorResponse(error);
      }
      context.resolved.report(error);
      return errorResponse(new SignError(500, 'internal_error', 'The signing endpoint failed; see its logs.'));
    }
  };
}

async function dispatch(context: SignContext, request: ParsedRequest, httpRequest: Request): Promise<ResponseFor[Operation]> {
  const files =
    request.operation === 'presign-put'
      ? request.files.filter((file): file is FileContext => !(file instanceof SignError))
      : [request.file];
  const prefix = await authorize(context, httpRequest, request.operation, files);
  const handler = OPERATIONS[request.operation] as (
    context: SignContext,
    request: ParsedRequest,
    caller: { request: Request; prefix: string },
  ) => Promise<ResponseFor[Operation]>;
  return handler(context, request, { request: httpRequest, prefix });
}

/**
 * Runs `authorize` and answers the prefix in force. Fails closed: only `true`
 * or a grant object allows; a grant's prefix must be a clean one (keys.ts,
 * `grantedPrefix`), never widened to its parent.
 */
async function authorize(context: SignContext, httpRequest: Request, operation: Operation, files: FileContext[]): Promise<string> {
  const check = context.options.authorize;
  if (!check) return context.resolved.prefix;
  const verdict: unknown = await check(httpRequest, { operation, files });
  if (verdict === true) return context.resolved.prefix;
  if (typeof verdict !== 'object' || verdict === null || Array.isArray(verdict)) {
    throw new SignError(403, 'forbidden', 'You are not allowed to upload here.');
  }
  const granted = (verdict as { prefix?: unknown }).prefix;
  if (granted === undefined) return context.resolved.prefix;
  const prefix = grantedPrefix(granted);
  if (prefix === undefined) {
    context.resolved.report(
      new Error(
        `authorize granted the prefix ${JSON.stringify(String(granted).slice(0, 80))}, which is empty, has an empty, "." or ".." segment, or hidden characters: refused (403).`,
      ),
    );
    throw new SignError(403, 'forbidden', 'You are not allowed to upload here.');
  }
  return prefix;
}

/**
 * The body must be declared JSON. A browser sends `text/plain`, urlencoded
 * and multipart bodies cross-site without a preflight (a form on another
 * site, with the user's cookies); `application/json` needs one, which the
 * app's endpoint does not grant to other origins.
 */
function requireJson(request: Request): void {
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') {
    throw new SignError(415, 'unsupported_media_type', 'Send the request as application/json.');
  }
}

async function readJson(request: Request, maxBytes: number): Promise<unknown> {
  const declared = Number(request.headers.get('content-length') ?? 'NaN');
  if (declared > maxBytes) throw new SignError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes.`);
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read().catch(() => {
        throw new SignError(400, 'invalid_request', 'The request body broke off before its end.');
      });
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw new SignError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes.`);
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new SignError(400, 'invalid_request', 'The request body is not valid JSON in UTF-8.');
  }
}

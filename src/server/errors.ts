import type { ErrorCode, ErrorResponse } from '../protocol/types.js';

/** A refusal the handler answers as protocol JSON; never carries a stack or a signed URL. */
export class SignError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SignError';
  }
}

export function invalid(field: string, message: string, code: ErrorCode = 'invalid_request'): SignError {
  return new SignError(400, code, message, field);
}

export function errorResponse(error: SignError): Response {
  const body: ErrorResponse = {
    error: { code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) },
  };
  return jsonResponse(body, error.status);
}

export function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  });
}

import type { SignHandler } from './handler.js';
import { answer, type NodeRequestLike, type NodeResponseLike, sendFetchResponse } from './node.js';

/** What the adapter reads from Express's `req` (Express 4 or 5, Connect); Express's `Request` has all of it. */
export type ExpressLikeRequest = NodeRequestLike;
/** What the adapter writes to Express's `res`. */
export type ExpressLikeResponse = NodeResponseLike;
export type ExpressLikeNext = (error?: unknown) => void;

/** An Express-compatible middleware: assignable to Express's `RequestHandler`. */
export type ExpressLikeHandler = (request: ExpressLikeRequest, response: ExpressLikeResponse, next: ExpressLikeNext) => void;

/**
 * Adapts a Fetch-API handler to Express (4 or 5) and Connect:
 * `app.post('/api/upload', toExpressHandler(createSignHandler(…)))`.
 *
 * Works with or without a body parser in front of it: when `express.json()`
 * (or `text()`, `raw()`, `urlencoded()`) has already read the body, the
 * request is rebuilt from `req.body` instead of from the drained stream.
 * The handler answers protocol errors itself; anything thrown goes to `next(error)`.
 */
export function toExpressHandler(handler: SignHandler): ExpressLikeHandler {
  return (request, response, next) => {
    (async () => sendFetchResponse(response, await answer(handler, request)))().catch(next);
  };
}

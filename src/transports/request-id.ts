import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";

/** The header a request id arrives in and is echoed back in. */
export const REQUEST_ID_HEADER = "x-request-id";

/** What a caller's id may look like: short and log-safe (no spaces, quotes or control characters). */
const ACCEPTED_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every HTTP request an id: the caller's `x-request-id` when it is 1..128 characters of
 * `[A-Za-z0-9._:-]`, else a fresh UUID. The id is echoed in the response's `x-request-id` and
 * written back to the request's headers, so later handlers (Apollo's plugins included) read it
 * from one place.
 */
export function requestIdMiddleware(): RequestHandler {
  return (request, response, next) => {
    assignRequestId(request, response);
    next();
  };
}

/**
 * What requestIdMiddleware does, on a bare Node request: the caller's acceptable `x-request-id`
 * or a fresh UUID, written to the request's headers and the response's.
 */
export function assignRequestId(request: IncomingMessage, response: ServerResponse): void {
  response.setHeader(REQUEST_ID_HEADER, requestIdFor(request));
}

/**
 * The request's id (the caller's acceptable `x-request-id` or a fresh UUID), written to its
 * headers; the caller echoes it in the answer's `x-request-id` itself (assignRequestId does).
 */
export function requestIdFor(request: IncomingMessage): string {
  const offered = request.headers[REQUEST_ID_HEADER];
  const id = typeof offered === "string" && ACCEPTED_ID.test(offered) ? offered : randomUUID();
  request.headers[REQUEST_ID_HEADER] = id;
  return id;
}

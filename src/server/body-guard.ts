import type { IncomingMessage, ServerResponse } from "node:http";
import type { RequestHandler } from "express";
import { type BodyError, bodyTooLarge, mediaTypeUnsupported } from "./body-error.js";
import { discardAllowanceFor } from "./body-limits.js";
import { declaredLength, discardBody, hasBody } from "./body-reader.js";

/** What a route reads: its limit and the media types it accepts. */
export interface BodyPolicy {
  /** Largest body, in bytes (on the wire, and after decompression where the reader inflates). */
  limit: number;
  /** The media types (lower case, no parameters) the route reads, e.g. `application/json`. */
  mediaTypes: readonly string[];
}

/** `type/subtype` of a Content-Type header, lower case, without its parameters. */
function mediaTypeOf(contentType: string | undefined): string {
  if (contentType === undefined) return "";
  const end = contentType.indexOf(";");
  return (end === -1 ? contentType : contentType.slice(0, end)).trim().toLowerCase();
}

/**
 * The first check of every route that reads a body, before the body is read, authentication or
 * anything else: a body declaring more than `policy.limit` bytes is refused 413, a body of a
 * media type the route does not read 415 (whatever its size), and the rest of a refused body is
 * discarded, never kept (past the route's discard allowance the connection is closed). A body
 * let through is still counted as it arrives: past the limit plus that allowance the connection
 * is closed, whichever reader is reading it (a compressed body's reader stops at the limit
 * itself, but would otherwise read the rest to its end). Returns the refusal, or undefined.
 */
export function guardBody(request: IncomingMessage, policy: BodyPolicy): BodyError | undefined {
  if (!hasBody(request)) return undefined;
  const allowance = discardAllowanceFor(policy.limit);
  const refusal =
    declaredLength(request) > policy.limit
      ? bodyTooLarge()
      : policy.mediaTypes.includes(mediaTypeOf(request.headers["content-type"]))
        ? undefined
        : mediaTypeUnsupported();
  if (refusal !== undefined) {
    discardBody(request, allowance);
    return refusal;
  }
  let received = 0;
  const cap = policy.limit + allowance;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received > cap) request.destroy();
  };
  request.on("data", count);
  request.once("end", () => request.off("data", count));
  return undefined;
}

/**
 * Express middleware: guardBody, then `read` (a reader of the route's body, e.g. jsonBodyReader),
 * whose result becomes `request.body`; a refusal or a reading failure goes to the route's
 * error handler (which answers body errors with their status).
 */
export function guardedBody(
  policy: BodyPolicy,
  read: (request: IncomingMessage, response: ServerResponse) => Promise<unknown>,
): RequestHandler {
  return (request, response, next) => {
    const refusal = guardBody(request, policy);
    if (refusal !== undefined) {
      next(refusal);
      return;
    }
    read(request, response).then((body) => {
      request.body = body;
      next();
    }, next);
  };
}

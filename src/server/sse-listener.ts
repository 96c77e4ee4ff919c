import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "../observability/logger.js";
import {
  answerBodyError,
  answerUnexpected,
  closeAfterFailure,
} from "../transports/error-answers.js";
import { SSE_PATH, type SseAnswer } from "../transports/graphql-sse.js";
import { assignRequestId } from "../transports/request-id.js";
import { type BodyPolicy, guardBody } from "./body-guard.js";

/** True for `/graphql/stream` exactly (any query string): the requests the lean SSE listener answers. */
export function isSseRequest(request: IncomingMessage): boolean {
  const url = request.url ?? "";
  const queryAt = url.indexOf("?");
  return (queryAt === -1 ? url : url.slice(0, queryAt)) === SSE_PATH;
}

/** What the lean SSE listener is built from. */
export interface SseListenerOptions {
  /** GraphQL over Server-Sent Events on the bare request (graphqlSseAnswer). */
  answer: SseAnswer;
  /** Every other request: the next listener. */
  next: RequestListener;
  /** Reads the JSON body (jsonBodyReader). */
  readBody: (request: IncomingMessage, response: ServerResponse) => Promise<unknown>;
  /** The route's body limit and media types, checked (guardBody) before the body is read. */
  bodyPolicy: BodyPolicy;
  /** The security headers of every API answer (apiSecurityHeaderList). */
  securityHeaders: ReadonlyArray<readonly [string, string]>;
  logger: Logger;
}

/**
 * The HTTP server's request listener for `/graphql/stream` (isSseRequest), answered without
 * Express's router and middleware chain (an open stream kept Express's request, response and
 * router state alive for its whole life), with what that chain gave it: the request id
 * (requestIdMiddleware), the API security headers (securityHeaders), the body checked first
 * (guardBody: over the limit 413, not JSON 415, before anything reads it), the JSON body read with
 * the same limit and encodings (jsonBodyReader), a body failure answered as bodyErrorHandler did
 * (`{errors: [{message, extensions: {code: "BAD_REQUEST"}}]}` with 413/415/400), any other
 * failure as finalErrorHandler did (500 `INTERNAL_SERVER_ERROR`, logged; after the stream began,
 * the connection closed, logged unless the client went away). The other spellings Express
 * matches (`/graphql/stream/`, another letter case) stay the Express app's, with the same answer.
 * Every other request goes to `next`.
 */
export function sseStreamListener(options: SseListenerOptions): RequestListener {
  const { answer, next, readBody, bodyPolicy, securityHeaders, logger } = options;
  const fail = (request: IncomingMessage, response: ServerResponse, error: unknown) => {
    const where = { method: request.method, path: SSE_PATH };
    if (response.headersSent) closeAfterFailure(response, error, logger, where);
    else if (!answerBodyError(response, error, "graphql")) {
      answerUnexpected(response, error, logger, where);
    }
  };
  return (request, response) => {
    if (!isSseRequest(request)) {
      next(request, response);
      return;
    }
    assignRequestId(request, response);
    for (const [name, value] of securityHeaders) response.setHeader(name, value);
    const refusal = guardBody(request, bodyPolicy);
    if (refusal !== undefined) {
      fail(request, response, refusal);
      return;
    }
    readBody(request, response)
      .then((body) => answer(request, response, body))
      .catch((error: unknown) => fail(request, response, error));
  };
}

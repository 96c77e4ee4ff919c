import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "../observability/logger.js";
import {
  answerBodyError,
  answerUnexpected,
  closeAfterFailure,
} from "../transports/error-answers.js";
import { SSE_PATH, type SseAnswer } from "../transports/graphql-sse.js";
import { type HeaderList, setHeaders } from "../transports/header-list.js";
import { acceptedRequestId, REQUEST_ID_HEADER } from "../transports/request-id.js";
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
  /**
   * The cross-origin headers of a request the CORS gate passes on, undefined for one it answers
   * itself (crossOriginHeaders, built from the gate's allow-list).
   */
  crossOrigin: (request: IncomingMessage) => HeaderList | undefined;
  /** Every other request, and those the CORS gate answers: the server's gated listener. */
  next: RequestListener;
  /** Reads the JSON body (jsonBodyReader). */
  readBody: (request: IncomingMessage, response: ServerResponse) => Promise<unknown>;
  /** The route's body limit and media types, checked (guardBody) before the body is read. */
  bodyPolicy: BodyPolicy;
  /** The security headers of every API answer (apiSecurityHeaderList). */
  securityHeaders: HeaderList;
  logger: Logger;
}

/**
 * The HTTP server's request listener for `/graphql/stream` (isSseRequest), answered without
 * Express's router and middleware chain (an open stream kept Express's request, response and
 * router state alive for its whole life), with what the CORS gate and that chain gave it: the
 * cross-origin headers (`crossOrigin`; an origin not allowed and a preflight go to `next`, whose
 * gate answers them), the request id (requestIdMiddleware), the API security headers
 * (securityHeaders), the body checked first (guardBody: over the limit 413, not JSON 415, before
 * anything reads it), the JSON body read with the same limit and encodings (jsonBodyReader), a
 * body failure answered as bodyErrorHandler did (`{errors: [{message, extensions: {code:
 * "BAD_REQUEST"}}]}` with 413/415/400), any other failure as finalErrorHandler did (500
 * `INTERNAL_SERVER_ERROR`, logged; after the stream began, the connection closed, logged unless
 * the client went away). The headers are handed to the answer, which writes them with its own
 * (an open stream keeps no table of them beside the header block Node sends). The other
 * spellings Express matches (`/graphql/stream/`, another letter case) stay the Express app's,
 * with the same answer. Every other request goes to `next`.
 */
export function sseStreamListener(options: SseListenerOptions): RequestListener {
  const { answer, crossOrigin, next, readBody, bodyPolicy, securityHeaders, logger } = options;
  const fail = (
    request: IncomingMessage,
    response: ServerResponse,
    headers: HeaderList,
    error: unknown,
  ) => {
    const where = { method: request.method, path: SSE_PATH };
    if (response.headersSent) {
      closeAfterFailure(response, error, logger, where);
      return;
    }
    setHeaders(response, headers);
    if (!answerBodyError(response, error, "graphql")) {
      answerUnexpected(response, error, logger, where);
    }
  };
  return (request, response) => {
    if (!isSseRequest(request)) {
      next(request, response);
      return;
    }
    const allowed = crossOrigin(request);
    if (allowed === undefined) {
      next(request, response);
      return;
    }
    const headers: HeaderList = [
      ...allowed,
      [REQUEST_ID_HEADER, acceptedRequestId(request)],
      ...securityHeaders,
    ];
    const refusal = guardBody(request, bodyPolicy);
    if (refusal !== undefined) {
      fail(request, response, headers, refusal);
      return;
    }
    readBody(request, response)
      .then((body) => answer(request, response, body, headers))
      .catch((error: unknown) => fail(request, response, headers, error));
  };
}

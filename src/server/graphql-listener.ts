import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "../observability/logger.js";
import type { GraphqlHttpAnswer } from "../transports/apollo-node-http.js";
import type { DirectGraphqlAnswer } from "../transports/direct-http.js";
import { answerBodyError, answerUnexpected } from "../transports/error-answers.js";
import { acceptedRequestId, REQUEST_ID_HEADER } from "../transports/request-id.js";
import { type BodyPolicy, guardBody } from "./body-guard.js";

/** The path the lean route serves. */
const GRAPHQL_PATH = "/graphql";

/**
 * Whether the lean route answers `request`: `/graphql` exactly (any query string), any method but
 * a GET a browser sends (`text/html` accepted: Apollo's landing page, with its own
 * Content-Security-Policy) and any request accepting `multipart/mixed` (the multipart
 * subscription adapter's). Everything else goes to the Express app.
 */
export function isLeanGraphqlRequest(request: IncomingMessage): boolean {
  const url = request.url ?? "";
  const queryAt = url.indexOf("?");
  if ((queryAt === -1 ? url : url.slice(0, queryAt)) !== GRAPHQL_PATH) return false;
  const accept = request.headers.accept;
  if (accept === undefined) return true;
  if (/multipart\/mixed/i.test(accept)) return false;
  return request.method !== "GET" || !/text\/html/i.test(accept);
}

/** What the lean route is built from. */
export interface LeanGraphqlOptions {
  /** Every other request (and the landing page, multipart): the Express app. */
  app: RequestListener;
  /** Apollo over the bare request (apolloNodeHttp). */
  answer: GraphqlHttpAnswer;
  /** The common request without Apollo (directGraphqlHttp), tried first; without it, Apollo's. */
  direct?: DirectGraphqlAnswer;
  /** Reads the JSON body (jsonBodyReader). */
  readBody: (request: IncomingMessage, response: ServerResponse) => Promise<unknown>;
  /** The route's body limit and media types, checked (guardBody) before the body is read. */
  bodyPolicy: BodyPolicy;
  /** The security headers of every API answer (apiSecurityHeaderList). */
  securityHeaders: ReadonlyArray<readonly [string, string]>;
  /**
   * `Vary` of every answer the route gives (the CORS gate's `Origin`, which it leaves to this
   * route: `crossOriginGate`'s `varySetBy`); none without it.
   */
  vary?: string;
  logger: Logger;
}

/**
 * The HTTP server's request listener: GraphQL requests on `/graphql` (isLeanGraphqlRequest) are
 * answered without Express's router and middleware chain, with what that chain gave them: the
 * request id (requestIdMiddleware), the API security headers (securityHeaders), the body checked
 * first (guardBody: over the limit 413, not JSON 415, before anything reads it), the JSON body read
 * with the same limit and encodings (jsonBodyReader), a body failure answered as bodyErrorHandler
 * did (`{errors: [{message, extensions: {code: "BAD_REQUEST"}}]}` with 413/415/400), and any
 * other failure as finalErrorHandler did (500 `INTERNAL_SERVER_ERROR`, logged). The common
 * request (a POST of one operation) is answered by `direct` as Apollo would answer it; Apollo
 * does the rest (CSRF prevention, methods: a context refusal answers 405). Everything else is
 * `app`'s.
 */
export function leanGraphqlListener(options: LeanGraphqlOptions): RequestListener {
  const { app, answer, direct, readBody, bodyPolicy, securityHeaders, vary, logger } = options;
  // The head every answer of the route carries, flat (name, value, …): the direct path writes it
  // in one `writeHead` with its own headers (one header store instead of a `setHeader` each).
  const fixedHead: string[] = vary === undefined ? [] : ["vary", vary];
  for (const [name, value] of securityHeaders) fixedHead.push(name, value);
  /** Sets `head` on the response, for an answer written with `setHeader` (Apollo's, a failure's). */
  const setHead = (response: ServerResponse, head: readonly string[]) => {
    if (response.headersSent) return;
    for (let at = 0; at < head.length; at += 2) {
      response.setHeader(head[at] as string, head[at + 1] as string);
    }
  };
  // The same answers as Express's routes give (bodyErrorHandler, finalErrorHandler): one implementation.
  const fail = (request: IncomingMessage, response: ServerResponse, error: unknown) => {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    if (answerBodyError(response, error, "graphql")) return;
    answerUnexpected(response, error, logger, { method: request.method, path: GRAPHQL_PATH });
  };
  return (request, response) => {
    if (!isLeanGraphqlRequest(request)) {
      app(request, response);
      return;
    }
    const head = [REQUEST_ID_HEADER, acceptedRequestId(request), ...fixedHead];
    const refusal = guardBody(request, bodyPolicy);
    if (refusal !== undefined) {
      setHead(response, head);
      fail(request, response, refusal);
      return;
    }
    readBody(request, response)
      .then((body) => {
        const directly = direct?.(request, response, body, head);
        if (directly !== undefined) return directly;
        setHead(response, head);
        return answer(request, response, body);
      })
      .catch((error: unknown) => {
        setHead(response, head);
        fail(request, response, error);
      });
  };
}

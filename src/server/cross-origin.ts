import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import cors from "cors";
import { type AllowedOrigins, isAllowedOrigin } from "../config/allowed-origins.js";
import { boundedText } from "../observability/bounded-text.js";
import type { Logger } from "../observability/logger.js";
import type { HeaderList } from "../transports/header-list.js";
import { assignRequestId, REQUEST_ID_HEADER } from "../transports/request-id.js";

/**
 * Request headers a browser client may send cross-origin: the token, the body's type, what
 * Apollo's CSRF prevention asks for (`apollo-require-preflight`, `x-apollo-operation-name`), Apollo
 * Client's own (`Accept` of multipart subscriptions and @defer, client awareness), W3C trace
 * context, and the caller's request id. graphql-sse (distinct connections) and graphql-ws need no
 * other (the socket's token travels in `connectionParams`).
 */
export const CORS_ALLOWED_HEADERS: readonly string[] = [
  "Authorization",
  "Content-Type",
  "Accept",
  "apollo-require-preflight",
  "x-apollo-operation-name",
  "apollographql-client-name",
  "apollographql-client-version",
  "traceparent",
  "tracestate",
  REQUEST_ID_HEADER,
];

/** The methods the GraphQL routes serve: GET (queries, SSE) and POST. */
export const CORS_METHODS: readonly string[] = ["GET", "POST"];

/** Response headers a browser client may read beyond the safelisted ones. */
export const CORS_EXPOSED_HEADERS: readonly string[] = ["Retry-After", REQUEST_ID_HEADER];

/** How long a browser may cache a preflight's answer, in seconds (Chromium's ceiling). */
export const CORS_MAX_AGE_S = 7200;

/** The answer to a browser page whose origin is not allowed (GraphQL's error shape). */
const ORIGIN_REFUSED = JSON.stringify({
  errors: [{ message: "Origin not allowed.", extensions: { code: "FORBIDDEN" } }],
});

/** True for `/graphql` and anything under it (`/graphql/stream`): the routes that run GraphQL. */
export function isGraphqlRoute(url: string | undefined): boolean {
  const raw = url ?? "";
  const queryAt = raw.indexOf("?");
  const path = queryAt === -1 ? raw : raw.slice(0, queryAt);
  return path === "/graphql" || path.startsWith("/graphql/");
}

/** What the cross-origin gate is built from. */
export interface CrossOriginOptions {
  /** The one allow-list (config.allowedOrigins), shared with the WebSocket Origin check. */
  allowedOrigins: AllowedOrigins;
  /** The security headers of every API answer (apiSecurityHeaderList), for the gate's own answers. */
  securityHeaders: ReadonlyArray<readonly [string, string]>;
  logger: Logger;
  /**
   * Requests without an `Origin` whose `Vary: Origin` the next listener writes itself, with the
   * rest of its answer's head (the lean GraphQL route's: `leanGraphqlListener`'s `vary`).
   */
  varySetBy?: (request: IncomingMessage) => boolean;
}

/** The `cors` middleware of the GraphQL routes: preflights and actual requests of an allowed origin. */
const graphqlCors = () =>
  cors({
    origin: (origin, decide) => decide(null, origin),
    methods: [...CORS_METHODS],
    allowedHeaders: [...CORS_ALLOWED_HEADERS],
    exposedHeaders: [...CORS_EXPOSED_HEADERS],
    maxAge: CORS_MAX_AGE_S,
    optionsSuccessStatus: 204,
  });

/** What every answer on a GraphQL route carries. */
const VARY_ORIGIN: HeaderList = [["Vary", "Origin"]];

/**
 * The cross-origin headers crossOriginGate gives an answer on a GraphQL route that it passes on:
 * `Vary: Origin` to a request without `Origin`; with an allowed `Origin`, an actual request
 * (not a preflight) also gets the `cors` package's (that origin, CORS_EXPOSED_HEADERS). Undefined
 * for the requests the gate answers itself (any other origin; a preflight of an allowed one). For
 * a route that writes its answer's headers at once, without setting them one by one first.
 */
export function crossOriginHeaders(
  allowedOrigins: AllowedOrigins,
): (request: IncomingMessage) => HeaderList | undefined {
  const corsHeaders = graphqlCors();
  return (request) => {
    const origin = request.headers.origin;
    if (origin === undefined) return VARY_ORIGIN;
    if (request.method === "OPTIONS" || !isAllowedOrigin(origin, allowedOrigins)) return undefined;
    // What `cors` sets, recorded (it reads back only `Vary`, which it extends).
    const recorded = new Map<string, readonly [string, string]>([["vary", ["Vary", "Origin"]]]);
    const recorder = {
      getHeader: (name: string) => recorded.get(name.toLowerCase())?.[1],
      setHeader: (name: string, value: unknown) => {
        recorded.set(name.toLowerCase(), [name, String(value)]);
      },
    } as unknown as ServerResponse;
    // The origin callback never fails and calls back at once: `cors` has set all it sets here.
    corsHeaders(request, recorder, () => {});
    return [...recorded.values()];
  };
}

/**
 * CORS for the GraphQL routes (`/graphql`, `/graphql/stream`; every method and transport on them):
 * returns a wrapper that puts it in front of `next`, the server's request listener. Other routes
 * (webhooks, `/metrics`, health, GraphiQL) pass untouched, without CORS headers. On a GraphQL
 * route, `Vary: Origin` always, and:
 *
 * - no `Origin` (not a browser, or a same-origin GET): passed on unchanged;
 * - an allowed `Origin`: the `cors` package answers a preflight (`OPTIONS`) itself, 204 with that
 *   origin (never `*`, no credentials: the token is a header), CORS_METHODS, CORS_ALLOWED_HEADERS
 *   and CORS_MAX_AGE_S; an actual request gets the origin and CORS_EXPOSED_HEADERS and goes on;
 * - any other `Origin`, preflight or actual request (a "simple" request a browser sends without
 *   preflight included): 403 `FORBIDDEN` with no CORS header, before the body is read, so no
 *   GraphQL work is done for it; logged as a warning with the origin (bounded).
 *
 * The gate's own answers carry the request id and the API security headers like every answer.
 * The headers of a request passed on are crossOriginHeaders's.
 */
export function crossOriginGate(
  options: CrossOriginOptions,
): (next: RequestListener) => RequestListener {
  const { allowedOrigins, securityHeaders, logger, varySetBy } = options;
  const passedOn = crossOriginHeaders(allowedOrigins);
  const corsHeaders = graphqlCors();
  const ownAnswer = (request: IncomingMessage, response: ServerResponse) => {
    assignRequestId(request, response);
    for (const [name, value] of securityHeaders) response.setHeader(name, value);
  };
  return (next) => (request, response) => {
    if (!isGraphqlRoute(request.url)) {
      next(request, response);
      return;
    }
    const headers = passedOn(request);
    if (headers !== undefined) {
      // Without an Origin the headers are `Vary: Origin` alone, which varySetBy's route writes.
      if (request.headers.origin !== undefined || varySetBy?.(request) !== true) {
        for (const [name, value] of headers) response.setHeader(name, value);
      }
      next(request, response);
      return;
    }
    response.setHeader("Vary", "Origin");
    const origin = request.headers.origin ?? "";
    if (!isAllowedOrigin(origin, allowedOrigins)) {
      ownAnswer(request, response);
      logger.warn(
        { origin: boundedText(origin), method: request.method, path: request.url?.split("?")[0] },
        "cross-origin request refused: origin not allowed",
      );
      response.statusCode = 403;
      response.setHeader("content-type", "application/json; charset=utf-8");
      response.setHeader("content-length", Buffer.byteLength(ORIGIN_REFUSED));
      response.end(ORIGIN_REFUSED);
      return;
    }
    // A preflight of an allowed origin: `cors` answers it (the origin callback never fails).
    ownAnswer(request, response);
    corsHeaders(request, response, () => next(request, response));
  };
}

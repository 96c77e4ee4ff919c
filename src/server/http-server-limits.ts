import { createServer, type Server } from "node:http";
import type { HttpServerLimits } from "../config/config.js";

/** Longest interval between two checks of the header and request timeouts (Node's default: 30 s). */
const MAX_CHECK_INTERVAL_MS = 1_000;

/**
 * The gateway's HTTP server, with its connection cap and timeouts (HTTP_MAX_CONNECTIONS,
 * HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS): a connection past
 * `maxConnections` open at once (WebSockets and streams included) is closed as it is accepted; one
 * that has not sent a request's headers within `headersTimeoutMs`, or its whole request within
 * `requestTimeoutMs`, is answered 408 and closed; an idle keep-alive connection is closed after
 * `keepAliveTimeoutMs`. The timeouts are checked at least every second (Node checks every 30 s by
 * default), so a half-open connection lasts at most its timeout and a second. A request's answer
 * (a stream) is not timed: only receiving the request is.
 */
export function createLimitedHttpServer(limits: HttpServerLimits): Server {
  const server = createServer({
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.min(MAX_CHECK_INTERVAL_MS, limits.headersTimeoutMs),
  });
  server.maxConnections = limits.maxConnections;
  return server;
}

import { createHash, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from "express";
import type { Registry } from "prom-client";
import type { MetricsSettings } from "../config/metrics-settings.js";
import type { Logger } from "../observability/logger.js";

/** What `/metrics` is served from and to whom. */
export interface MetricsEndpointOptions {
  settings: MetricsSettings;
  /** Production posture: without a token or a port, metrics are not served at all. */
  production: boolean;
  /** The gateway's own metrics registry. */
  registry: Registry;
  logger: Logger;
}

/** Where `/metrics` ended up, and how to stop its server. */
export interface MetricsEndpoint {
  /** Mounted on the gateway's app: `GET /metrics` served, guarded, or answered 404. */
  publicRoute: Router;
  /** The separate metrics server's base URL (e.g. `http://127.0.0.1:9464`), when METRICS_PORT is set. */
  url: string | undefined;
  /** Closes the separate metrics server, if any (idle keep-alive connections included). */
  close(): Promise<void>;
}

const NOT_SERVED_MESSAGE =
  "Metrics are not served on this port (see METRICS_TOKEN and METRICS_PORT).";

/** Compares two strings in time independent of where they differ (and of their lengths). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Lets a request through only with `Authorization: Bearer <token>` (scheme case-insensitive,
 * token compared in constant time); otherwise 401 JSON `{error: {code: "UNAUTHENTICATED"}}` with
 * `WWW-Authenticate: Bearer`. Neither the expected nor the given token is ever echoed or logged.
 */
function requireBearer(token: string): RequestHandler {
  return (request, response, next) => {
    const match = /^Bearer +(\S+) *$/i.exec(request.header("authorization") ?? "");
    if (match?.[1] !== undefined && sameSecret(match[1], token)) {
      next();
      return;
    }
    response
      .status(401)
      .setHeader("www-authenticate", "Bearer")
      .json({
        error: {
          code: "UNAUTHENTICATED",
          message: "Metrics require `Authorization: Bearer <METRICS_TOKEN>`.",
        },
      });
  };
}

/** `GET /metrics`: the registry in Prometheus text format, behind the bearer when `token` is set. */
function scrapeRoute(registry: Registry, token: string | undefined): Router {
  const router = express.Router();
  const guard: RequestHandler[] = token === undefined ? [] : [requireBearer(token)];
  router.get("/metrics", ...guard, async (_request, response) => {
    response.setHeader("content-type", registry.contentType);
    response.send(await registry.metrics());
  });
  return router;
}

/** `GET /metrics`: 404 JSON `{error: {code: "NOT_FOUND"}}` (metrics are elsewhere, or off). */
function notServedRoute(): Router {
  const router = express.Router();
  router.get("/metrics", (_request, response) => {
    response.status(404).json({ error: { code: "NOT_FOUND", message: NOT_SERVED_MESSAGE } });
  });
  return router;
}

/** Starts the metrics-only server on `host`:`port`; resolves with it once it listens. */
async function listenMetricsServer(
  registry: Registry,
  settings: MetricsSettings & { port: number },
): Promise<Server> {
  const app = express();
  app.disable("x-powered-by");
  app.use(scrapeRoute(registry, settings.token));
  app.use((_request, response) => {
    response.status(404).json({ error: { code: "NOT_FOUND", message: "Only /metrics is here." } });
  });
  // Never Express's HTML error page (it shows a stack outside production).
  app.use(((_error, _request, response, _next) => {
    response.status(500).json({
      error: { code: "INTERNAL_SERVER_ERROR", message: "Metrics could not be collected." },
    });
  }) satisfies ErrorRequestHandler);
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.port, settings.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

/** True for a loopback address or name (`127.x.x.x`, `::1`, `localhost`). */
const isLoopback = (host: string) =>
  /^127\./.test(host) || host === "::1" || host.toLowerCase() === "localhost";

const urlOf = (server: Server) => {
  const { address, family, port } = server.address() as AddressInfo;
  return `http://${family === "IPv6" ? `[${address}]` : address}:${port}`;
};

/**
 * Decides where `/metrics` is served, from METRICS_TOKEN and METRICS_PORT:
 * - METRICS_PORT set: only on a server of its own at METRICS_HOST (loopback by default):METRICS_PORT,
 *   behind the bearer when METRICS_TOKEN is set too; the gateway's port answers 404.
 * - else METRICS_TOKEN set: on the gateway's port, behind `Authorization: Bearer <METRICS_TOKEN>`.
 * - else in production: not served (404 on the gateway's port), and a warning is logged, so the
 *   operator learns why the scrape fails.
 * - else (development): open on the gateway's port.
 * Rejects when the metrics port cannot be listened on.
 */
export async function startMetricsEndpoint(
  options: MetricsEndpointOptions,
): Promise<MetricsEndpoint> {
  const { settings, registry, logger } = options;
  if (settings.port !== undefined) {
    const server = await listenMetricsServer(registry, { ...settings, port: settings.port });
    const url = urlOf(server);
    logger.info({ url: `${url}/metrics`, bearer: settings.token !== undefined }, "metrics served");
    if (options.production && settings.token === undefined && !isLoopback(settings.host)) {
      logger.warn(
        { host: settings.host },
        "metrics are served without METRICS_TOKEN on an address other than loopback",
      );
    }
    return {
      publicRoute: notServedRoute(),
      url,
      close: () =>
        new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeIdleConnections();
        }),
    };
  }
  const closeNothing = async () => {};
  if (settings.token !== undefined) {
    return {
      publicRoute: scrapeRoute(registry, settings.token),
      url: undefined,
      close: closeNothing,
    };
  }
  if (options.production) {
    logger.warn(
      "metrics are not served in production without METRICS_TOKEN (bearer on this port) or METRICS_PORT (a loopback port of their own)",
    );
    return { publicRoute: notServedRoute(), url: undefined, close: closeNothing };
  }
  return { publicRoute: scrapeRoute(registry, undefined), url: undefined, close: closeNothing };
}

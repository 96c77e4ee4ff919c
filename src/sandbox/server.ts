import { setMaxListeners } from "node:events";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  DEFAULT_SANDBOX_PORT,
  MAX_SANDBOX_SEED_SIZE,
  SANDBOX_DEV_WEBHOOK_SECRET,
} from "../shared/sandbox-defaults.js";
import type { SandboxContext } from "./context.js";
import { publishChanges } from "./context.js";
import { serveControl } from "./control/router.js";
import { DEFAULT_RETRY, type RetryPolicy } from "./events/deliver.js";
import { EventPublisher } from "./events/publisher.js";
import { unrecognizedUrl } from "./http/errors.js";
import { FaultPlan } from "./http/faults.js";
import { IdempotencyCache } from "./http/idempotency.js";
import { readBody, sendJson, toStripeError } from "./http/io.js";
import { RequestCounter } from "./http/request-counter.js";
import { newRequestId } from "./http/request-id.js";
import { serveV1 } from "./http/v1.js";
import { nowSeconds } from "./state/ids.js";
import { RefreshRunner } from "./state/refresh.js";
import { createSeededStore } from "./state/seed.js";

/** How to start a sandbox; every field is optional. Invalid values make startSandbox reject. */
export interface SandboxOptions {
  /** Port to listen on; default DEFAULT_SANDBOX_PORT (12111); 0 picks a free one. */
  port?: number;
  /** Interface to bind; default "127.0.0.1". */
  host?: string;
  /**
   * Event destinations; empty means events are recorded (GET /v1/events, GET /_sandbox/events),
   * not delivered.
   */
  webhookUrls?: string[];
  /** whsec_ secret used to sign deliveries; default SANDBOX_DEV_WEBHOOK_SECRET. */
  webhookSecret?: string;
  /** Extra generated accounts for benchmarks, spread over generated customers; default 0. */
  seedSize?: number;
  /** Delivery retries: exponential backoff with jitter. Defaults: 5 attempts, 500 ms base, 30 s cap. */
  webhookRetry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  /**
   * The clock of the event log, in Unix seconds: events' `created` and the 30 days the Events
   * API keeps them. Default: the system clock. Tests move it forward to age events out; it must
   * not go back.
   */
  eventClock?: () => number;
}

/** A running sandbox. */
export interface SandboxHandle {
  /** Base URL, e.g. "http://127.0.0.1:12111". */
  url: string;
  port: number;
  /** Replaces the event destinations (embedded mode learns the gateway's port after start). */
  setWebhookUrls(urls: string[]): void;
  /** Stops the server and all pending deliveries, refreshes and delays; leaves nothing running. */
  close(): Promise<void>;
}

/**
 * Starts a sandbox: a fresh seeded store served over HTTP (`/v1/financial_connections/*` and
 * `/v1/events` in Stripe's wire format, `/_sandbox/*` control API). Resolves once listening;
 * rejects when the options are invalid (message names the option) or the port cannot be bound.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<SandboxHandle> {
  const port = options.port ?? DEFAULT_SANDBOX_PORT;
  const host = options.host ?? "127.0.0.1";
  const seedSize = options.seedSize ?? 0;
  const retry = retryPolicy(options.webhookRetry);
  checkOptions(port, seedSize, options.webhookSecret);

  const shutdown = new AbortController();
  // Every request paused by an injected delay listens on this one signal until its pause ends
  // (see pause in http/io.ts, which removes its listener): as many listeners as delayed requests
  // in flight, bounded by them, so no listener count means a leak here.
  setMaxListeners(0, shutdown.signal);
  const store = createSeededStore({ now: nowSeconds(), seedSize });
  const events = new EventPublisher({
    webhookUrls: options.webhookUrls ?? [],
    secret: options.webhookSecret ?? SANDBOX_DEV_WEBHOOK_SECRET,
    retry,
    now: options.eventClock ?? nowSeconds,
  });
  const context: SandboxContext = {
    store,
    events,
    refresher: new RefreshRunner(store, (account, eventType) =>
      publishChanges(context, [{ type: eventType, account, previousAttributes: null }], null),
    ),
    counter: new RequestCounter(),
    faults: new FaultPlan(),
    idempotency: new IdempotencyCache(),
    baseUrl: "",
  };

  const server = http.createServer((request, response) => {
    void handle(context, request, response, shutdown.signal);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const boundPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${boundPort}`;
  context.baseUrl = url;

  let closing: Promise<void> | undefined;
  return {
    url,
    port: boundPort,
    setWebhookUrls: (urls) => events.setWebhookUrls(urls),
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        shutdown.abort();
        context.refresher.close();
        events.close();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(
  context: SandboxContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
  shutdown: AbortSignal,
): Promise<void> {
  const requestId = newRequestId();
  response.setHeader("Request-Id", requestId);
  try {
    const url = new URL(request.url ?? "/", "http://sandbox.local");
    const body = await readBody(request);
    if (url.pathname === "/v1" || url.pathname.startsWith("/v1/")) {
      await serveV1(context, request, response, url, body, requestId, shutdown);
    } else if (url.pathname.startsWith("/_sandbox/")) {
      serveControl(context, request, response, url, body);
    } else {
      const error = unrecognizedUrl(request.method ?? "GET", url.pathname);
      sendJson(response, error.status, error.toBody());
    }
  } catch (error) {
    const stripeError = toStripeError(error);
    sendJson(response, stripeError.status, stripeError.toBody());
  }
}

function retryPolicy(overrides: SandboxOptions["webhookRetry"]): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...stripUndefined(overrides ?? {}) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new Error(
      `webhookRetry.maxAttempts must be a positive integer, got ${policy.maxAttempts}`,
    );
  }
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= policy.baseDelayMs)) {
    throw new Error("webhookRetry needs 0 <= baseDelayMs <= maxDelayMs");
  }
  return policy;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function checkOptions(port: number, seedSize: number, secret: string | undefined): void {
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`port must be an integer between 0 and 65535, got ${port}`);
  }
  if (!Number.isInteger(seedSize) || seedSize < 0 || seedSize > MAX_SANDBOX_SEED_SIZE) {
    throw new Error(
      `seedSize must be an integer between 0 and ${MAX_SANDBOX_SEED_SIZE}, got ${seedSize}`,
    );
  }
  if (secret !== undefined && !secret.startsWith("whsec_")) {
    throw new Error("webhookSecret must start with whsec_");
  }
}

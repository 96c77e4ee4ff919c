import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * The dashboard query the rate-limit tests send through the upstream: it reads Stripe now
 * (`refresh: true`, past the read model), 4 Stripe calls per query for a customer with 3
 * authorizations.
 */
export const STRIPE_READING_DASHBOARD = `query Dashboard { accounts(first: 100, refresh: true) { nodes { id status health { state }
  authorization { id status } } } }`;

/** What the upstream saw: every `/v1` request's arrival time and the status it got. */
export interface UpstreamStats {
  /** `/v1` requests received (forwarded + refused). */
  requests: number;
  /** Requests answered 429 by the emulated Stripe limit (never forwarded). */
  rateLimited: number;
  /** Most requests that arrived within any one-second window. */
  maxPerSecond: number;
  /** Requests over the time from the first arrival to the last (0 with fewer than 2). */
  meanPerSecond: number;
  /** Milliseconds from the first arrival to the last. */
  spanMs: number;
}

/** A proxy in front of a Stripe-compatible API that answers 429 like Stripe over its limit. */
export interface RateLimitedUpstream {
  /** Base URL to point the gateway's Stripe client at. */
  url: string;
  stats(): UpstreamStats;
  /** Forgets what was recorded and refills the emulated bucket. */
  reset(): void;
  close(): Promise<void>;
}

/** Most arrivals inside any window of `windowMs` (arrivals sorted ascending). */
export function maxInWindow(arrivals: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < arrivals.length; end++) {
    while ((arrivals[end] ?? 0) - (arrivals[start] ?? 0) >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * Most requests a token bucket of this shape can let start within `elapsedMs`: its capacity, plus
 * what it refills meanwhile. Measured from an instant taken before a burst's first request to one
 * taken after its last answer, it bounds every request of the burst whatever the machine's load:
 * each was granted inside that window, and delays between a grant and its arrival upstream (which
 * bunch arrivals into one second on a loaded machine) only move arrivals, never grants.
 */
export function mostGrantsWithin(
  shape: { capacity: number; refillPerSecond: number },
  elapsedMs: number,
): number {
  return shape.capacity + (shape.refillPerSecond * elapsedMs) / 1000;
}

const RATE_LIMIT_BODY = JSON.stringify({
  error: {
    code: "rate_limit",
    message: "Too many requests hit the API too quickly.",
    type: "invalid_request_error",
  },
});

/**
 * Starts an HTTP proxy on port 0 that forwards everything to `target` and records each `/v1`
 * request's arrival. It emulates Stripe's limiter, a token bucket of `limitPerSecond` tokens
 * refilled at `limitPerSecond` a second: a `/v1` request that finds the bucket empty gets a
 * Stripe-shaped 429 (`rate_limit`) and never reaches `target`. Control calls (`/_sandbox/...`)
 * pass untouched and unrecorded.
 */
export async function startRateLimitedUpstream(
  target: string,
  limitPerSecond: number,
): Promise<RateLimitedUpstream> {
  const targetUrl = new URL(target);
  let arrivals: number[] = [];
  let rateLimited = 0;
  let tokens = limitPerSecond;
  let refilledAt = performance.now();
  const takeToken = (at: number): boolean => {
    tokens = Math.min(limitPerSecond, tokens + ((at - refilledAt) * limitPerSecond) / 1000);
    refilledAt = at;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const server: Server = createServer((incoming, outgoing) => {
    const at = performance.now();
    if (incoming.url?.startsWith("/v1")) {
      arrivals.push(at);
      if (!takeToken(at)) {
        rateLimited += 1;
        incoming.resume();
        outgoing.writeHead(429, { "content-type": "application/json" }).end(RATE_LIMIT_BODY);
        return;
      }
    }
    const forward = httpRequest(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forward.on("error", () => outgoing.destroy());
    incoming.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => {
      const spanMs = arrivals.length > 1 ? (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0) : 0;
      return {
        requests: arrivals.length,
        rateLimited,
        maxPerSecond: maxInWindow(arrivals, 1000),
        meanPerSecond: spanMs > 0 ? ((arrivals.length - 1) * 1000) / spanMs : 0,
        spanMs,
      };
    },
    reset: () => {
      arrivals = [];
      rateLimited = 0;
      tokens = limitPerSecond;
      refilledAt = performance.now();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { type SandboxHandle, startSandbox } from "../../src/sandbox/server.js";
import { type GatewayHandle, startGateway } from "../../src/server/gateway.js";
import { bucketShapeOf } from "../../src/stripe/rate-limiter.js";
import { FAST_RATE_LIMIT_RETRY } from "../support/gateway.js";
import {
  mostGrantsWithin,
  type RateLimitedUpstream,
  STRIPE_READING_DASHBOARD,
  startRateLimitedUpstream,
} from "../support/rate-limited-upstream.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";

/** Stripe's limit the emulated upstream enforces, and the limit every instance is configured with. */
const LIMIT = 40;
/** Concurrent dashboard queries sent to each instance (4 Stripe calls each). */
const PER_INSTANCE = 20;
/** First attempts answered 500, each retried by stripe-node (STRIPE_MAX_RETRIES 2). */
const FAULTED = 30;

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const handle of open.splice(0).reverse()) await handle.close();
});

/** A sandbox behind the 429 proxy and two gateway instances in front, sharing `env`. */
async function twoInstances(env: Record<string, string>) {
  const sandbox: SandboxHandle = await startSandbox({ port: 0 });
  open.push(sandbox);
  const upstream: RateLimitedUpstream = await startRateLimitedUpstream(sandbox.url, LIMIT);
  open.push(upstream);
  const config = loadConfig({
    STRIPE_MAX_RETRIES: "2",
    RATE_LIMIT_COST_PER_MINUTE: "100000000",
    // The flood reads Stripe with refresh: true: its limiter, not the refresh budget, is under test.
    RATE_LIMIT_REFRESHES_PER_MINUTE: "1000000",
    // The whole burst in flight at once, as before the fair gate: the limiter is under test, and
    // with a few operations at a time the armed 500s would land on fewer calls, past their retries.
    GRAPHQL_MAX_ACTIVE_PER_CUSTOMER: "1000",
    STRIPE_RATE_LIMIT_PER_SECOND: String(LIMIT),
    REDIS_KEY_PREFIX: `test-${randomUUID()}`,
    ...env,
  });
  const gateways: GatewayHandle[] = [];
  for (let instance = 0; instance < 2; instance++) {
    const gateway = await startGateway({
      config,
      logger: createLogger("silent"),
      stripeApiBase: upstream.url,
      rateLimitRetry: FAST_RATE_LIMIT_RETRY,
      port: 0,
    });
    open.push(gateway);
    gateways.push(gateway);
  }
  const response = await fetch(`${sandbox.url}/_sandbox/customers`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ accounts: 10, authorizations: 3 }),
  });
  const customer = (await response.json()) as { id: string };
  const token = await signToken(config.auth, { customerId: customer.id });
  const armed = await fetch(`${sandbox.url}/_sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ status: 500, count: FAULTED }),
  });
  expect(armed.ok).toBe(true);
  const burst = () =>
    Promise.all(
      gateways.flatMap((gateway) =>
        Array.from({ length: PER_INSTANCE }, async () => {
          const answer = await fetch(`${gateway.url}/graphql`, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: STRIPE_READING_DASHBOARD }),
          });
          return (await answer.json()) as { errors?: unknown[] };
        }),
      ),
    );
  return { upstream, burst, shape: bucketShapeOf(config.stripe.rateLimit) };
}

const redisUp = await redisAvailableFor("the deployment-wide Stripe budget tests");

describe.skipIf(!redisUp)("one Stripe budget for the whole deployment (REDIS_URL)", () => {
  it("two instances on one Redis send at most the limit in any second, retries included: zero 429s", async () => {
    // A queue long and patient enough that this burst is shaped, not refused.
    const { upstream, burst, shape } = await twoInstances({
      REDIS_URL,
      STRIPE_QUEUE_MAX_WAIT_MS: "30000",
    });
    const before = performance.now();
    const answers = await burst();
    const elapsedMs = performance.now() - before;
    const stats = upstream.stats();
    expect(stats.rateLimited).toBe(0);
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
    // Every first attempt and every retry reached the upstream (plus each instance's start-up sweep).
    expect(stats.requests).toBeGreaterThanOrEqual(2 * PER_INSTANCE * 4 + FAULTED);
    expect(stats.requests).toBeLessThanOrEqual(2 * PER_INSTANCE * 4 + FAULTED + 2);
    // One bucket for both (burst 8, refilled at 32/s): every request of the burst was granted
    // while it ran, so together no more than that one bucket lets start in that time (+2: each
    // instance's start-up sweep may have been granted before). A bucket per instance would let
    // twice that through. Arrivals per second are not compared: a loaded machine bunches them.
    expect(stats.requests).toBeLessThanOrEqual(mostGrantsWithin(shape, elapsedMs) + 2);
  });

  it("falls back to each instance's share (limit / STRIPE_RATE_LIMIT_INSTANCES) when Redis is unreachable", async () => {
    const { upstream, burst, shape } = await twoInstances({
      REDIS_URL: "redis://127.0.0.1:1",
      STRIPE_RATE_LIMIT_INSTANCES: "2",
      STRIPE_QUEUE_MAX_WAIT_MS: "30000",
    });
    const before = performance.now();
    const answers = await burst();
    const elapsedMs = performance.now() - before;
    const stats = upstream.stats();
    expect(stats.rateLimited).toBe(0);
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
    // Each instance keeps to half the bucket (burst 4, refilled at 16/s): together, the whole one.
    expect(stats.requests).toBeLessThanOrEqual(mostGrantsWithin(shape, elapsedMs) + 2);
  });
});

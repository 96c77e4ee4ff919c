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

/** Stripe's limit the emulated upstream enforces in these tests (per second). */
const UPSTREAM_LIMIT = 50;
/** Concurrent dashboard queries in a burst: 4 Stripe calls each, 160 in all. */
const BURST = 40;

const running: { sandbox: SandboxHandle; upstream: RateLimitedUpstream; gateway: GatewayHandle }[] =
  [];
afterEach(async () => {
  for (const { sandbox, upstream, gateway } of running.splice(0)) {
    await gateway.close();
    await upstream.close();
    await sandbox.close();
  }
});

/**
 * A sandbox behind the rate-limited proxy (`upstreamLimit` per second), and a gateway (limiter
 * from `env`) in front.
 */
async function limitedStack(env: Record<string, string>, upstreamLimit = UPSTREAM_LIMIT) {
  const sandbox = await startSandbox({ port: 0 });
  const upstream = await startRateLimitedUpstream(sandbox.url, upstreamLimit);
  // The per-tenant cost budget is another concern: lifted so the burst measures only the limiter.
  const config = loadConfig({
    STRIPE_MAX_RETRIES: "0",
    RATE_LIMIT_COST_PER_MINUTE: "100000000",
    // The flood reads Stripe with refresh: true: its limiter, not the refresh budget, is under test.
    RATE_LIMIT_REFRESHES_PER_MINUTE: "1000000",
    // The whole burst in flight at once, as before the fair gate: the limiter is under test, and
    // with a few operations at a time the armed 500s would land on fewer calls, past their retries.
    GRAPHQL_MAX_ACTIVE_PER_CUSTOMER: "1000",
    // Its 160 calls are one customer's: the fair limiter's refusals of a customer's backlog (100
    // calls waiting, 5 s waited) are fair-limiter.test.ts's concern, and a loaded machine that
    // slows the burst would reach them.
    STRIPE_QUEUE_MAX_PER_CUSTOMER: "1000",
    STRIPE_QUEUE_MAX_WAIT_MS: "60000",
    ...env,
  });
  const gateway = await startGateway({
    config,
    logger: createLogger("silent"),
    stripeApiBase: upstream.url,
    rateLimitRetry: FAST_RATE_LIMIT_RETRY,
    port: 0,
  });
  running.push({ sandbox, upstream, gateway });
  const response = await fetch(`${sandbox.url}/_sandbox/customers`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ accounts: 10, authorizations: 3 }),
  });
  const customer = (await response.json()) as { id: string };
  const token = await signToken(config.auth, { customerId: customer.id });
  const burst = () =>
    Promise.all(
      Array.from({ length: BURST }, async () => {
        const answer = await fetch(`${gateway.url}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: STRIPE_READING_DASHBOARD }),
        });
        return (await answer.json()) as {
          data?: { accounts: { nodes: unknown[] } };
          errors?: unknown[];
        };
      }),
    );
  /** Arms a sandbox fault: the next `count` `/v1` requests answer `status`. */
  const fault = async (status: number, count: number) => {
    const armed = await fetch(`${sandbox.url}/_sandbox/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ status, count }),
    });
    expect(armed.ok).toBe(true);
  };
  return { upstream, burst, fault, shape: bucketShapeOf(config.stripe.rateLimit) };
}

describe("the client-side Stripe rate limiter", () => {
  it("keeps a burst of concurrent dashboard queries under the upstream's limit: zero 429s, every query answered", async () => {
    const { upstream, burst, shape } = await limitedStack({
      STRIPE_RATE_LIMIT_PER_SECOND: String(UPSTREAM_LIMIT),
    });
    const before = performance.now();
    const answers = await burst();
    const elapsedMs = performance.now() - before;
    const stats = upstream.stats();
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
    expect(answers.every((answer) => answer.data?.accounts.nodes.length === 10)).toBe(true);
    // Each query reads Stripe (refresh: true); the start-up event sweep may add its one list.
    expect(stats.requests).toBeGreaterThanOrEqual(BURST * 4);
    expect(stats.requests).toBeLessThanOrEqual(BURST * 4 + 1);
    expect(stats.rateLimited).toBe(0);
    // Shaped by the limiter's bucket (burst 10, refilled at 40/s): every request was granted
    // while the burst ran, so no more than the bucket lets start in that time (+1: the start-up
    // sweep's list may have been granted before). Arrivals per second are not compared: a
    // loaded machine delays some requests between grant and arrival and bunches them. The
    // bucket's per-second bound itself is token-bucket.test.ts's and fair-limiter.test.ts's.
    expect(stats.requests).toBeLessThanOrEqual(mostGrantsWithin(shape, elapsedMs) + 1);
  });

  it("is what prevents the 429s: with a limit far above the upstream's, the same burst is refused upstream", async () => {
    // An upstream of 5 a second: the burst's 160 calls would need 32 s to fit, so a loaded
    // machine cannot slow the burst enough to stay under it by chance.
    const { upstream, burst } = await limitedStack({ STRIPE_RATE_LIMIT_PER_SECOND: "10000" }, 5);
    await burst();
    expect(upstream.stats().rateLimited).toBeGreaterThan(0);
  });

  it("counts stripe-node's network retries: retried 500s take tokens too, so the upstream still sees zero 429s", async () => {
    const { upstream, burst, fault, shape } = await limitedStack({
      STRIPE_RATE_LIMIT_PER_SECOND: String(UPSTREAM_LIMIT),
      STRIPE_MAX_RETRIES: "2",
    });
    const FAULTED = 60;
    await fault(500, FAULTED);
    const before = performance.now();
    const answers = await burst();
    const elapsedMs = performance.now() - before;
    const stats = upstream.stats();
    expect(answers.every((answer) => answer.errors === undefined)).toBe(true);
    expect(stats.rateLimited).toBe(0);
    // Every faulted first attempt was retried once by stripe-node, and the retry reached upstream.
    // Every first attempt and every retry reached the upstream (plus the start-up event sweep's list).
    expect(stats.requests).toBeGreaterThanOrEqual(BURST * 4 + FAULTED);
    expect(stats.requests).toBeLessThanOrEqual(BURST * 4 + FAULTED + 1);
    // Retries included, no more than the bucket lets start while the burst ran (see above).
    expect(stats.requests).toBeLessThanOrEqual(mostGrantsWithin(shape, elapsedMs) + 1);
  });
});

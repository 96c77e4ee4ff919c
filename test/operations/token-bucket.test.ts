import { describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { createTokenBucket } from "../../src/stripe/token-bucket.js";
import { maxInWindow } from "../support/rate-limited-upstream.js";

describe("createTokenBucket", () => {
  it("lets `capacity` calls start at once and queues the rest at the refill rate, in order", async () => {
    const bucket = createTokenBucket({ capacity: 3, refillPerSecond: 50 });
    const order: number[] = [];
    const run = Array.from({ length: 8 }, (_, index) =>
      bucket.schedule(async () => {
        order.push(index);
      }),
    );
    expect(bucket.queued()).toBe(5);
    await Promise.all(run);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(bucket.queued()).toBe(0);
  });

  it("never lets more than capacity + refill calls start in any one-second window, and does not idle (controlled clock)", async () => {
    // The bucket's clock and its timers are vitest's fake ones: the start times are the
    // bucket's own schedule, which no scheduling jitter on a loaded machine can shift.
    vi.useFakeTimers({ now: 0 });
    try {
      const bucket = createTokenBucket({ capacity: 4, refillPerSecond: 16, now: () => Date.now() });
      const started: number[] = [];
      const all = Promise.all(
        Array.from({ length: 40 }, () =>
          bucket.schedule(async () => {
            started.push(Date.now());
          }),
        ),
      );
      await vi.runAllTimersAsync();
      await all;
      expect(started).toHaveLength(40);
      expect(maxInWindow(started, 1000)).toBeLessThanOrEqual(4 + 16);
      // The first `capacity` at once, then one every 1000 / 16 = 62.5 ms (a timer fires on the
      // whole millisecond after the token is due): 40 calls in (40 - 4) / 16 = 2.25 s.
      started.forEach((at, index) => {
        const due = Math.max(0, index - 3) * 62.5;
        expect(at).toBeGreaterThanOrEqual(due);
        expect(at).toBeLessThanOrEqual(due + 1);
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("passes a task's rejection through and keeps serving", async () => {
    const bucket = createTokenBucket({ capacity: 1, refillPerSecond: 100 });
    await expect(bucket.schedule(() => Promise.reject(new Error("upstream down")))).rejects.toThrow(
      "upstream down",
    );
    await expect(bucket.schedule(async () => "ok")).resolves.toBe("ok");
  });

  it("refuses options it cannot honour, naming the value", () => {
    expect(() => createTokenBucket({ capacity: 0, refillPerSecond: 1 })).toThrow(
      "capacity must be a whole number >= 1, got 0",
    );
    expect(() => createTokenBucket({ capacity: 1, refillPerSecond: 0 })).toThrow(
      "refillPerSecond must be a positive number, got 0",
    );
  });
});

describe("rate limit configuration", () => {
  it("defaults to Stripe's test-mode limit (25/s, burst 5) for test keys and the sandbox", () => {
    expect(loadConfig({}).stripe.rateLimit).toMatchObject({ perSecond: 25, burst: 5 });
    expect(
      loadConfig({
        STRIPE_SECRET_KEY: "sk_test_abc123",
        STRIPE_API_BASE: "http://x.test",
        STRIPE_WEBHOOK_SECRET: "whsec_test123",
        AUTH_JWT_SECRET: "a-test-secret-of-enough-length-0000000000",
      }).stripe.rateLimit,
    ).toMatchObject({ perSecond: 25, burst: 5 });
  });

  it("defaults to Stripe's live-mode limit (100/s, burst 20) for live keys", () => {
    const config = loadConfig({
      STRIPE_SECRET_KEY: "sk_live_abc123",
      STRIPE_WEBHOOK_SECRET: "whsec_live123",
      AUTH_JWT_SECRET: "a-production-secret-of-enough-length-000000",
    });
    expect(config.stripe.rateLimit).toMatchObject({ perSecond: 100, burst: 20 });
  });

  it("takes STRIPE_RATE_LIMIT_PER_SECOND and STRIPE_RATE_LIMIT_BURST, and refuses a burst at or over the limit", () => {
    expect(
      loadConfig({ STRIPE_RATE_LIMIT_PER_SECOND: "40", STRIPE_RATE_LIMIT_BURST: "2" }).stripe
        .rateLimit,
    ).toMatchObject({ perSecond: 40, burst: 2 });
    expect(() =>
      loadConfig({ STRIPE_RATE_LIMIT_PER_SECOND: "10", STRIPE_RATE_LIMIT_BURST: "10" }),
    ).toThrow(
      "STRIPE_RATE_LIMIT_BURST: the burst (10) must be below the rate limit per second (10)",
    );
    expect(() => loadConfig({ STRIPE_RATE_LIMIT_PER_SECOND: "fast" })).toThrow(
      "STRIPE_RATE_LIMIT_PER_SECOND",
    );
  });

  it("bounds each customer's queue: STRIPE_QUEUE_MAX_PER_CUSTOMER (default 100) and STRIPE_QUEUE_MAX_WAIT_MS (default 5000)", () => {
    expect(loadConfig({}).stripe.rateLimit).toMatchObject({
      maxQueuePerCustomer: 100,
      maxWaitMs: 5_000,
    });
    expect(
      loadConfig({ STRIPE_QUEUE_MAX_PER_CUSTOMER: "7", STRIPE_QUEUE_MAX_WAIT_MS: "250" }).stripe
        .rateLimit,
    ).toMatchObject({ maxQueuePerCustomer: 7, maxWaitMs: 250 });
    expect(() => loadConfig({ STRIPE_QUEUE_MAX_PER_CUSTOMER: "0" })).toThrow(
      "STRIPE_QUEUE_MAX_PER_CUSTOMER",
    );
  });

  it("takes STRIPE_RATE_LIMIT_INSTANCES (default 1), the share each instance keeps to while Redis is down", () => {
    expect(loadConfig({}).stripe.rateLimit.instances).toBe(1);
    expect(loadConfig({ STRIPE_RATE_LIMIT_INSTANCES: "3" }).stripe.rateLimit.instances).toBe(3);
    expect(() => loadConfig({ STRIPE_RATE_LIMIT_INSTANCES: "0" })).toThrow(
      "STRIPE_RATE_LIMIT_INSTANCES",
    );
  });
});

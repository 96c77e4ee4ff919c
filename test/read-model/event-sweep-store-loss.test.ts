/**
 * A Redis restarted without persistence loses the sweep's cursor and the webhook dedupe together.
 * The sweep then starts from that moment, as on a fresh deployment: it must not re-list the
 * minute before (its overlap) and publish again, to every subscriber, the events the webhooks
 * had already published. Found by the chaos suite (test/chaos/): each Redis restart re-published
 * the last minute's lifecycle events.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack } from "../support/gateway.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";
import { controlOf, createCustomer } from "../support/sandbox-control.js";
import { waitFor } from "../support/wait.js";

const redisUp = await redisAvailableFor("the sweep's store-loss test");
const prefix = `sweep-loss-${randomUUID()}`;

/** What a restart without persistence does to this deployment: every key of its prefix is gone. */
async function loseEveryKey(): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    for (let cursor = "0"; ; ) {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
      if (cursor === "0") break;
    }
  } finally {
    redis.disconnect();
  }
}

describe.skipIf(!redisUp)("the event sweep after its store lost everything", () => {
  let stack: TestStack;
  beforeAll(async () => {
    // The timer's sweeps an hour apart: this test runs each sweep itself.
    stack = await startStack({
      env: { REDIS_URL, REDIS_KEY_PREFIX: prefix, EVENT_SWEEP_INTERVAL_S: "3600" },
    });
    await stack.gateway.eventSweep.first;
  });
  afterAll(async () => {
    await stack?.close();
    await loseEveryKey();
  });

  it("re-publishes none of the events the webhooks already published", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const accountId = customer.accounts[0] as string;
    const { events } = await controlOf(stack).account(accountId, "deactivate", {
      cause: "account_closed",
    });
    for (const eventId of events) await controlOf(stack).acknowledged(eventId);
    // Stripe's `created` is in whole seconds: the loss comes in a later second than the event
    // (an event of the very second the sweep finds its store empty in is listed again).
    const createdSecond = Math.floor(Date.now() / 1000);
    await waitFor(
      () => (Math.floor(Date.now() / 1000) > createdSecond ? true : undefined),
      "the next second",
    );

    await loseEveryKey();
    const first = await stack.gateway.eventSweep.runOnce();
    // The next sweep lists from its new cursor minus the overlap: still after the loss.
    const second = await stack.gateway.eventSweep.runOnce();

    expect(first.swept).toBe(true);
    expect(second.swept).toBe(true);
    expect(first.outcomes.published ?? 0).toBe(0);
    expect(second.outcomes.published ?? 0).toBe(0);
  });

  it("still catches up what was missed after the loss when its first sweep failed", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const accountId = customer.accounts[0] as string;
    await loseEveryKey();
    await controlOf(stack).fault({ status: 500, route: "GET /v1/events", count: 1 });
    const failed = await stack.gateway.eventSweep.runOnce();
    expect(failed.swept).toBe(false);

    await controlOf(stack).setWebhookMode("drop");
    try {
      const { events } = await controlOf(stack).account(accountId, "deactivate", {
        cause: "account_closed",
      });
      expect(events.length).toBeGreaterThan(0);
      // The next sweep starts in a later second than the missed event was created in.
      const createdSecond = Math.floor(Date.now() / 1000);
      await waitFor(
        () => (Math.floor(Date.now() / 1000) > createdSecond ? true : undefined),
        "the next second",
      );
      const next = await stack.gateway.eventSweep.runOnce();
      expect(next.swept).toBe(true);
      expect(next.outcomes.published ?? 0).toBe(events.length);
    } finally {
      await controlOf(stack).setWebhookMode("deliver");
    }
  });
});

import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  type EventDedupe,
  HANDLED_EVENT_TTL_SECONDS,
  inMemoryDedupe,
  PROCESSING_TTL_SECONDS,
  redisDedupe,
} from "../../src/webhooks/event-dedupe.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";

const THREE_DAYS = 3 * 24 * 60 * 60;
const reachable = await redisAvailableFor("the Redis event-dedupe tests");

/** What every dedupe store promises. */
function dedupeContract(name: string, make: () => Promise<EventDedupe>) {
  describe(name, () => {
    const stores: EventDedupe[] = [];
    afterAll(async () => {
      await Promise.all(stores.map((store) => store.close()));
    });
    const fresh = async () => {
      const store = await make();
      stores.push(store);
      return store;
    };

    it("lets exactly one of many concurrent claims of an event win", async () => {
      const store = await fresh();
      const id = `evt_${randomUUID()}`;
      const results = await Promise.all(Array.from({ length: 10 }, () => store.claim(id)));
      expect(results.filter((result) => result === "claimed")).toHaveLength(1);
      expect(results.filter((result) => result === "in_progress")).toHaveLength(9);
    });

    it("answers done after completion, and claimable again after a release", async () => {
      const store = await fresh();
      const done = `evt_${randomUUID()}`;
      await store.claim(done);
      await store.complete(done);
      expect(await store.claim(done)).toBe("done");
      const failed = `evt_${randomUUID()}`;
      await store.claim(failed);
      await store.release(failed);
      expect(await store.claim(failed)).toBe("claimed");
    });
  });
}

describe("webhook event dedupe", () => {
  it("remembers handled events at least 3 days (Stripe retries for up to 3)", () => {
    expect(HANDLED_EVENT_TTL_SECONDS).toBeGreaterThanOrEqual(THREE_DAYS);
  });

  dedupeContract("in memory", async () => inMemoryDedupe());

  describe("in memory, its bounds", () => {
    it("forgets the oldest id first when full", async () => {
      const store = inMemoryDedupe(2);
      for (const id of ["evt_a", "evt_b", "evt_c"]) {
        await store.claim(id);
        await store.complete(id);
      }
      expect(await store.claim("evt_c")).toBe("done");
      expect(await store.claim("evt_b")).toBe("done");
      expect(await store.claim("evt_a")).toBe("claimed");
    });

    it("lets a claim whose handler never finished be taken over once its processing time is up", async () => {
      let clock = 0;
      const store = inMemoryDedupe(10, () => clock);
      expect(await store.claim("evt_stuck")).toBe("claimed");
      expect(await store.claim("evt_stuck")).toBe("in_progress");
      clock += PROCESSING_TTL_SECONDS * 1000;
      expect(await store.claim("evt_stuck")).toBe("claimed");
      await store.complete("evt_stuck");
      clock += (HANDLED_EVENT_TTL_SECONDS - 1) * 1000;
      expect(await store.claim("evt_stuck")).toBe("done");
    });
  });

  describe.skipIf(!reachable)("in Redis", () => {
    const prefix = `dedupe-test-${randomUUID()}`;
    dedupeContract("store", () => redisDedupe(REDIS_URL, prefix));

    it("stores a handled event id in Redis with a TTL of at least 3 days", async () => {
      const store = await redisDedupe(REDIS_URL, prefix);
      const id = `evt_${randomUUID()}`;
      await store.claim(id);
      await store.complete(id);
      const probe = new Redis(REDIS_URL);
      const ttl = await probe.ttl(`${prefix}:webhook-event:${id}`);
      probe.disconnect();
      await store.close();
      expect(ttl).toBeGreaterThanOrEqual(THREE_DAYS);
    });
  });
});

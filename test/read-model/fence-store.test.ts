import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { FENCE_TTL_MS, type FenceStore, inMemoryFenceStore } from "../../src/read-model/fences.js";
import { redisFenceStore } from "../../src/read-model/redis-fences.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";

/*
 * The read-your-writes fences (src/read-model/fences.ts) behave alike in memory and in Redis:
 * open sessions until closed or expired, `after` values that only grow, customers kept apart.
 */

const reachable = await redisAvailableFor("the Redis fence store tests");
const stores: [string, (now: () => number) => Promise<FenceStore>, boolean][] = [
  ["in memory", async (now) => inMemoryFenceStore(1000, now), false],
  ["in Redis", (now) => redisFenceStore(REDIS_URL, `test-${randomUUID()}`, now), !reachable],
];

describe.each(stores)("the fence store %s", (_name, open, skip) => {
  let store: FenceStore | undefined;
  let clock = 1_000_000;
  const now = () => clock;
  afterEach(async () => {
    await store?.close();
  });

  it.skipIf(skip)("an open session is listed until it is closed; afters only grow", async () => {
    store = await open(now);
    await store.open("cus_a", "fcauth_1", "fcsess_1");
    await store.open("cus_a", "fcauth_1", "fcsess_2");
    expect((await store.fences("cus_a")).get("fcauth_1")?.openSessions.sort()).toEqual([
      "fcsess_1",
      "fcsess_2",
    ]);
    await store.raise("cus_a", "fcauth_1", {
      closedSession: "fcsess_1",
      authorizationAfter: 50,
      accountsAfter: 40,
    });
    await store.raise("cus_a", "fcauth_1", { authorizationAfter: 10, accountsAfter: 60 });
    expect((await store.fences("cus_a")).get("fcauth_1")).toEqual({
      openSessions: ["fcsess_2"],
      authorizationAfter: 50,
      accountsAfter: 60,
    });
  });

  it.skipIf(skip)(
    "customers are kept apart, and an open session stops counting after the TTL",
    async () => {
      store = await open(now);
      await store.open("cus_a", "fcauth_1", "fcsess_1");
      expect((await store.fences("cus_b")).size).toBe(0);
      clock += FENCE_TTL_MS + 1;
      expect((await store.fences("cus_a")).get("fcauth_1")?.openSessions ?? []).toEqual([]);
    },
  );
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadModelStore } from "../../src/read-model/store.js";
import type { StripeAccount } from "../../src/stripe/wire-types.js";
import { storesUnderTest } from "../support/read-model.js";
import { redisAvailableFor } from "../support/redis.js";

const reachable = await redisAvailableFor("the Redis read-model store tests");

/** An account as the store sees it (only the fields it reads). */
const account = (id: string, customer: string, status = "active") =>
  ({
    id,
    object: "financial_connections.account",
    status,
    created: 1,
    account_holder: { type: "customer", customer },
  }) as unknown as StripeAccount;

const stores = storesUnderTest(reachable);

describe.each(stores)("the read-model store %s", (_name, open, skip) => {
  let store: ReadModelStore;
  beforeAll(async () => {
    if (!skip) store = await open();
  });
  afterAll(async () => {
    if (!skip) {
      await store.clear();
      await store.close();
    }
  });

  it.skipIf(skip)("keeps the newer state whatever order writes arrive in", async () => {
    expect(await store.put("account", "cus_a", account("fca_1", "cus_a", "active"), 2_000)).toBe(
      true,
    );
    expect(await store.put("account", "cus_a", account("fca_1", "cus_a", "inactive"), 1_000)).toBe(
      false,
    );
    expect((await store.get("account", "cus_a", "fca_1"))?.object.status).toBe("active");
    expect((await store.get("account", "cus_a", "fca_1"))?.checkedAt).toBe(2_000);
  });

  it.skipIf(skip)("replaces whatever is stored when told to (a refresh: true read)", async () => {
    await store.put("account", "cus_r", account("fca_r", "cus_r", "inactive"), 9_000);
    expect(await store.put("account", "cus_r", account("fca_r", "cus_r"), 1_000, true)).toBe(true);
    expect(await store.get("account", "cus_r", "fca_r")).toMatchObject({
      object: { status: "active" },
      checkedAt: 1_000,
    });
    await store.put("account", "cus_r", account("fca_r", "cus_r", "inactive"), 9_000);
    await store.putAccounts("cus_r", [account("fca_r", "cus_r", "disconnected")], 2_000, true);
    expect(await store.get("account", "cus_r", "fca_r")).toMatchObject({
      object: { status: "disconnected" },
      checkedAt: 2_000,
    });
  });

  it.skipIf(skip)(
    "never lets a reader change what another reads (nor the writer, after)",
    async () => {
      const written = account("fca_shared", "cus_shared", "active");
      await store.put("account", "cus_shared", written, 1);
      written.status = "inactive";
      const first = await store.get("account", "cus_shared", "fca_shared");
      const tamper = () => {
        (first?.object as { status: string }).status = "disconnected";
        (first?.object.account_holder as { customer: string }).customer = "cus_thief";
      };
      // In memory the shared copy is frozen (the write throws); from Redis each read is its own.
      try {
        tamper();
      } catch (error) {
        expect(error).toBeInstanceOf(TypeError);
      }
      const second = await store.get("account", "cus_shared", "fca_shared");
      expect(second?.object.status).toBe("active");
      expect(second?.object.account_holder?.customer).toBe("cus_shared");
    },
  );

  it.skipIf(skip)("reaches one customer's objects only through that customer's keys", async () => {
    await store.put("account", "cus_owner", account("fca_own", "cus_owner"), 1);
    expect(await store.get("account", "cus_other", "fca_own")).toBeUndefined();
    // An id that spells out another customer's key reaches nothing.
    expect(await store.get("account", "cus", "owner:account:fca_own")).toBeUndefined();
    await store.putAccounts("cus_owner", [account("fca_own", "cus_owner")], 1);
    expect(await store.accounts("cus_other")).toBeUndefined();
    expect((await store.accounts("cus_owner"))?.map((entry) => entry.object.id)).toEqual([
      "fca_own",
    ]);
  });

  it.skipIf(skip)("adds to a customer's set only once the set is loaded", async () => {
    await store.put("account", "cus_set", account("fca_new", "cus_set"), 5);
    await store.addToSet("cus_set", "fca_new");
    expect(await store.accounts("cus_set")).toBeUndefined();
    await store.putAccounts("cus_set", [account("fca_old", "cus_set")], 3);
    await store.addToSet("cus_set", "fca_new");
    expect((await store.accounts("cus_set"))?.map((entry) => entry.object.id).sort()).toEqual([
      "fca_new",
      "fca_old",
    ]);
  });

  it.skipIf(skip)("an empty loaded set is loaded (a customer without accounts)", async () => {
    await store.putAccounts("cus_empty", [], 1);
    expect(await store.accounts("cus_empty")).toEqual([]);
  });

  it.skipIf(skip)("remembers a customer's misses, per customer, and counts them", async () => {
    expect(await store.misses("cus_miss", "fca_x")).toEqual({ remembered: false, count: 0 });
    expect(await store.noteMiss("cus_miss", "fca_x", 60_000, 60_000)).toBe(1);
    expect(await store.noteMiss("cus_miss", "fca_y", 60_000, 60_000)).toBe(2);
    expect(await store.misses("cus_miss", "fca_x")).toEqual({ remembered: true, count: 2 });
    expect(await store.misses("cus_other", "fca_x")).toEqual({ remembered: false, count: 0 });
  });

  it.skipIf(skip)("gives a lease to one owner at a time", async () => {
    expect(await store.lease("sweep", "instance-1", 60_000)).toBe(true);
    expect(await store.lease("sweep", "instance-2", 60_000)).toBe(false);
    expect(await store.lease("sweep", "instance-1", 60_000)).toBe(true);
  });
});

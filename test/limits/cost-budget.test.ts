import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import {
  BUDGET_WINDOW_MS,
  type CostBudget,
  inMemoryCostBudget,
} from "../../src/limits/cost-budget.js";
import { redisCostBudget } from "../../src/limits/redis-cost-budget.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";

const reachable = await redisAvailableFor("the Redis cost-budget tests");
/** Whole-millisecond rounding of Date.now() and of Redis's PTTL. */
const CLOCK_EPSILON_MS = 2;

/** The contract both stores keep; `make` gives a fresh budget of `limit` points. */
function budgetContract(make: (limit: number) => Promise<CostBudget>) {
  const budgets: CostBudget[] = [];
  const fresh = async (limit: number) => {
    const budget = await make(limit);
    budgets.push(budget);
    return budget;
  };
  afterAll(async () => {
    for (const budget of budgets) await budget.close();
  });

  it("allows spending up to the limit and refuses one point more", async () => {
    const budget = await fresh(10);
    expect(await budget.spend("cus_a", 10)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await budget.spend("cus_a", 1)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it("charges nothing for a refused spend", async () => {
    const budget = await fresh(10);
    await budget.spend("cus_a", 6);
    expect(await budget.spend("cus_a", 5)).toMatchObject({ allowed: false, remaining: 4 });
    expect(await budget.spend("cus_a", 4)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it("keeps each customer's budget apart", async () => {
    const budget = await fresh(10);
    await budget.spend("cus_a", 10);
    expect(await budget.spend("cus_b", 3)).toMatchObject({ allowed: true, remaining: 7 });
  });

  it("refills one whole window after the first spend, no sooner and no later", async () => {
    const budget = await fresh(10);
    const before = Date.now();
    const { resetAt } = await budget.spend("cus_a", 1);
    const after = Date.now();
    // The window opened between `before` and `after`: load can only move it later, never shorten
    // it, so a window of any other length falls outside these bounds.
    expect(resetAt.getTime()).toBeGreaterThanOrEqual(before + BUDGET_WINDOW_MS - CLOCK_EPSILON_MS);
    expect(resetAt.getTime()).toBeLessThanOrEqual(after + BUDGET_WINDOW_MS);
  });
}

describe("the in-memory cost budget", () => {
  budgetContract(async (limit) => inMemoryCostBudget(limit));

  describe("its spendNow, answered now, charges and refuses as spend does", () => {
    budgetContract(async (limit) => {
      const budget = inMemoryCostBudget(limit);
      const spendNow = budget.spendNow;
      if (spendNow === undefined) throw new Error("the in-memory budget answers spends now");
      return {
        spend: (customerId, cost) => {
          const spent = spendNow(customerId, cost);
          // Answered now: a result, not a promise of one.
          expect(spent).not.toBeInstanceOf(Promise);
          return Promise.resolve(spent);
        },
        close: () => budget.close(),
      };
    });
  });

  it("shares one budget between spend and spendNow", async () => {
    const budget = inMemoryCostBudget(10);
    await budget.spend("cus_a", 6);
    expect(budget.spendNow?.("cus_a", 5)).toMatchObject({ allowed: false, remaining: 4 });
    expect(budget.spendNow?.("cus_a", 4)).toMatchObject({ allowed: true, remaining: 0 });
    expect(await budget.spend("cus_a", 1)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it("opens a customer's window at its first spend and refills when the window closes", async () => {
    let now = 1_000_000;
    const budget = inMemoryCostBudget(10, () => now);
    await budget.spend("cus_a", 10);
    now += BUDGET_WINDOW_MS - 1;
    expect((await budget.spend("cus_a", 1)).allowed).toBe(false);
    now += 1;
    expect(await budget.spend("cus_a", 1)).toEqual({
      allowed: true,
      remaining: 9,
      resetAt: new Date(now + BUDGET_WINDOW_MS),
    });
  });
});

describe.skipIf(!reachable)("the Redis cost budget", () => {
  budgetContract((limit) => redisCostBudget(REDIS_URL, `test-${randomUUID()}`, limit));

  it("keeps the customer's key for one window from its first spend (PTTL), not extended by later spends", async () => {
    const prefix = `test-${randomUUID()}`;
    const key = `${prefix}:cost:cus_a`;
    const budget = await redisCostBudget(REDIS_URL, prefix, 10);
    const redis = new Redis(REDIS_URL);
    try {
      const before = Date.now();
      await budget.spend("cus_a", 1);
      const opened = await redis.pttl(key);
      const elapsed = Date.now() - before;
      expect(opened).toBeLessThanOrEqual(BUDGET_WINDOW_MS);
      expect(opened).toBeGreaterThanOrEqual(BUDGET_WINDOW_MS - elapsed - CLOCK_EPSILON_MS);
      await budget.spend("cus_a", 1);
      expect(await redis.pttl(key)).toBeLessThanOrEqual(opened);
    } finally {
      redis.disconnect();
      await budget.close();
    }
  });

  it("is shared by every instance on the same Redis and prefix", async () => {
    const prefix = `test-${randomUUID()}`;
    const one = await redisCostBudget(REDIS_URL, prefix, 10);
    const two = await redisCostBudget(REDIS_URL, prefix, 10);
    try {
      await one.spend("cus_a", 7);
      expect(await two.spend("cus_a", 4)).toMatchObject({ allowed: false, remaining: 3 });
      expect(await two.spend("cus_a", 3)).toMatchObject({ allowed: true, remaining: 0 });
    } finally {
      await one.close();
      await two.close();
    }
  });
});

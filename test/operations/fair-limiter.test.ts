import { describe, expect, it } from "vitest";
import { createFairLimiter, SYSTEM_CALLER } from "../../src/stripe/fair-limiter.js";
import { StripeBudgetRefusedError } from "../../src/stripe/stripe-budget-refused.js";

/** Queues `count` bounded acquisitions for `caller`, recording `caller` in `order` as each is granted. */
function enqueue(
  limiter: ReturnType<typeof createFairLimiter>,
  caller: string,
  count: number,
  order: string[],
  bounded = true,
) {
  return Array.from({ length: count }, () =>
    limiter.acquire(caller, bounded).then(() => {
      order.push(caller);
    }),
  );
}

describe("createFairLimiter", () => {
  it("serves waiting customers in turn: a flooder's backlog does not delay another customer's calls", async () => {
    const limiter = createFairLimiter({
      capacity: 1,
      refillPerSecond: 200,
      maxQueuePerCaller: 100,
      maxWaitMs: 10_000,
    });
    const order: string[] = [];
    const flood = enqueue(limiter, "cus_flood", 30, order);
    const quiet = enqueue(limiter, "cus_quiet", 3, order);
    await Promise.all([...flood, ...quiet]);
    // The two alternate while both wait, though the flood asked first and 30 times.
    const quietTurns = order.flatMap((caller, index) => (caller === "cus_quiet" ? [index] : []));
    expect(quietTurns).toEqual([1, 3, 5]);
  });

  it("serves a customer that arrives during another's backlog first (least recent usage): the burst delays only its own calls", async () => {
    const limiter = createFairLimiter({
      capacity: 1,
      refillPerSecond: 200,
      maxQueuePerCaller: 100,
      maxWaitMs: 10_000,
    });
    const order: string[] = [];
    const flood = enqueue(limiter, "cus_flood", 40, order);
    await Promise.all(flood.slice(0, 10));
    const arrivedAt = order.length;
    const quiet = enqueue(limiter, "cus_quiet", 3, order);
    await Promise.all([...flood, ...quiet]);
    const quietTurns = order.flatMap((caller, index) => (caller === "cus_quiet" ? [index] : []));
    // Round-robin would alternate (every other token); least usage first gives the quiet
    // customer the next tokens in a row, at most one flood grant already on its way between.
    const first = quietTurns[0] ?? -1;
    expect(first - arrivedAt).toBeLessThanOrEqual(1);
    expect(quietTurns).toEqual([first, first + 1, first + 2]);
  });

  it("shares equally between customers that all want every token", async () => {
    const limiter = createFairLimiter({
      capacity: 1,
      refillPerSecond: 500,
      maxQueuePerCaller: 100,
      maxWaitMs: 10_000,
    });
    const order: string[] = [];
    const calls = ["cus_a", "cus_b"].flatMap((caller) => enqueue(limiter, caller, 30, order));
    await Promise.all(calls);
    const firstHalf = order.slice(0, 30);
    const aTurns = firstHalf.filter((caller) => caller === "cus_a").length;
    expect(Math.abs(aTurns - 15)).toBeLessThanOrEqual(2);
  });

  it("forgets the usage of customers idle for long (bounded memory over many customers)", async () => {
    let clock = 0;
    const limiter = createFairLimiter({
      capacity: 1_000_000,
      refillPerSecond: 1,
      maxQueuePerCaller: 1,
      maxWaitMs: 10_000,
      usageHalfLifeMs: 10,
      now: () => clock,
    });
    for (let customer = 0; customer < 5_000; customer++) {
      await limiter.acquire(`cus_${customer}`, true);
      clock += 100;
    }
    expect(limiter.trackedCallers()).toBeLessThanOrEqual(130);
  });

  it("gives system work its reserved share while customers flood", async () => {
    const limiter = createFairLimiter({
      capacity: 1,
      refillPerSecond: 200,
      maxQueuePerCaller: 100,
      maxWaitMs: 10_000,
      systemTurnEvery: 4,
    });
    const order: string[] = [];
    const floods = ["cus_a", "cus_b", "cus_c"].flatMap((caller) =>
      enqueue(limiter, caller, 20, order),
    );
    const system = enqueue(limiter, SYSTEM_CALLER, 2, order);
    await Promise.all([...floods, ...system]);
    const systemTurns = order.flatMap((caller, index) => (caller === SYSTEM_CALLER ? [index] : []));
    // Among 62 grants, system got one of every four while it waited, not a place behind 60.
    expect(systemTurns.every((turn) => turn <= 9)).toBe(true);
  });

  it("refuses a customer's bounded call at once when its queue is full, with a Retry-After", async () => {
    const limiter = createFairLimiter({
      capacity: 1,
      refillPerSecond: 0.001,
      maxQueuePerCaller: 3,
      maxWaitMs: 60_000,
    });
    await limiter.acquire("cus_flood", true);
    const waiting = Array.from({ length: 3 }, () => limiter.acquire("cus_flood", true));
    const refused = await limiter.acquire("cus_flood", true).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StripeBudgetRefusedError);
    expect((refused as StripeBudgetRefusedError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(limiter.queued()).toBe(3);
    // Another customer is not refused for the flooder's full queue, nor is an unbounded retry.
    const other = limiter.acquire("cus_other", true);
    const retry = limiter.acquire("cus_flood", false);
    expect(limiter.queued()).toBe(5);
    for (const call of [...waiting, other, retry]) call.catch(() => {});
  });

  it("refuses a bounded call that waited longer than the maximum wait, and forgets it", async () => {
    const limiter = createFairLimiter({
      capacity: 1,
      refillPerSecond: 0.001,
      maxQueuePerCaller: 10,
      maxWaitMs: 50,
    });
    await limiter.acquire("cus_slow", true);
    const refused = await limiter.acquire("cus_slow", true).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StripeBudgetRefusedError);
    expect((refused as Error).message).toContain("waited too long");
    expect(limiter.queued()).toBe(0);
  });

  it("holds at most maxQueuePerCaller bounded waiters per customer under a flood (bounded memory)", () => {
    const limiter = createFairLimiter({
      capacity: 1,
      refillPerSecond: 0.001,
      maxQueuePerCaller: 5,
      maxWaitMs: 60_000,
    });
    const calls = Array.from({ length: 10_000 }, () => limiter.acquire("cus_flood", true));
    for (const call of calls) call.catch(() => {});
    expect(limiter.queued()).toBe(5);
  });
});

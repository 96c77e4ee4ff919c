import { randomUUID } from "node:crypto";
import type { Client } from "graphql-ws";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUDGET_WINDOW_MS } from "../../src/limits/cost-budget.js";
import { startAnotherGateway, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { liveClient } from "../support/live.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";
import { createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

/** Whole-millisecond rounding of Date.now() and of Redis's PTTL. */
const CLOCK_EPSILON_MS = 2;
/** Four accounts' worth and four points: 4 × 22 + 4. */
const BUDGET = 92;
/** 1 (account) + 20 (a lookup by id: two Stripe reads at worst) + 1 (id) = 22 points. */
const ACCOUNT = "query One($id: ID!) { account(id: $id) { id } }";
const ACCOUNT_COST = 22;
/** Four aliased `__typename`: 4 points. */
const FOUR_POINTS = "{ a: __typename b: __typename c: __typename d: __typename }";
const ONE_POINT = "{ __typename }";

interface Cost {
  requested: number;
  remaining: number;
  resetAt: string;
}

interface Answer {
  status: number;
  retryAfter: string | null;
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
  cost?: Cost;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: String(BUDGET) } });
});
afterAll(() => stack.close());

/** Posts one operation as the customer and keeps what the rate limit is seen through. */
async function post(
  customer: SandboxCustomer,
  query: string,
  variables: Record<string, unknown> = { id: customer.accounts[0] },
  gatewayUrl = stack.gateway.url,
): Promise<Answer> {
  const response = await fetch(`${gatewayUrl}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${await tokenFor(stack, customer.id)}`,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<Answer, "status" | "cost"> & {
    extensions?: { cost?: Cost };
  };
  return {
    status: response.status,
    retryAfter: response.headers.get("retry-after"),
    data: body.data,
    errors: body.errors,
    cost: body.extensions?.cost,
  };
}

/** Spends `times` × ACCOUNT_COST of the customer's budget over HTTP. */
async function spendAccounts(customer: SandboxCustomer, times: number): Promise<Answer> {
  let last: Answer | undefined;
  for (let i = 0; i < times; i++) last = await post(customer, ACCOUNT);
  if (last === undefined) throw new Error("spent nothing");
  return last;
}

describe("the per-customer cost budget over HTTP", () => {
  it("reports each operation's cost, the budget left and when it refills in extensions.cost", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const before = Date.now();
    const first = await post(customer, ACCOUNT);
    expect(first.errors).toBeUndefined();
    expect(first.cost).toMatchObject({ requested: ACCOUNT_COST, remaining: BUDGET - ACCOUNT_COST });
    // One whole window from this first spend: it opened between `before` and now (load can
    // only move it later), so a window of any other length falls outside these bounds.
    const resetAt = Date.parse(first.cost?.resetAt ?? "");
    expect(resetAt).toBeGreaterThanOrEqual(before + BUDGET_WINDOW_MS - CLOCK_EPSILON_MS);
    expect(resetAt).toBeLessThanOrEqual(Date.now() + BUDGET_WINDOW_MS);

    const second = await post(customer, ACCOUNT);
    expect(second.cost).toEqual({
      requested: ACCOUNT_COST,
      remaining: BUDGET - 2 * ACCOUNT_COST,
      resetAt: first.cost?.resetAt,
    });
  });

  it("spends the budget to its last point, then refuses with RATE_LIMITED, 429 and Retry-After, charging nothing for a refusal", async () => {
    const customer = await createCustomer(stack, 1, 1);
    expect((await spendAccounts(customer, 4)).cost?.remaining).toBe(4);

    const tooDear = await post(customer, ACCOUNT);
    expect(tooDear.status).toBe(429);
    expect(tooDear.data ?? undefined).toBeUndefined();
    expect(tooDear.errors?.map((error) => error.extensions?.code)).toEqual(["RATE_LIMITED"]);
    expect(Number(tooDear.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(tooDear.retryAfter)).toBeLessThanOrEqual(60);
    expect(tooDear.cost).toMatchObject({ requested: ACCOUNT_COST, remaining: 4 });

    const exactlyTheRest = await post(customer, FOUR_POINTS);
    expect(exactlyTheRest.status).toBe(200);
    expect(exactlyTheRest.cost).toMatchObject({ requested: 4, remaining: 0 });

    const onePointOver = await post(customer, ONE_POINT);
    expect(onePointOver.status).toBe(429);
    expect(onePointOver.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
  });

  it("leaves another customer's budget untouched", async () => {
    const exhausted = await createCustomer(stack, 1, 1);
    const other = await createCustomer(stack, 1, 1);
    await spendAccounts(exhausted, 4);
    expect((await post(exhausted, ACCOUNT)).status).toBe(429);

    const unaffected = await post(other, ACCOUNT);
    expect(unaffected.status).toBe(200);
    expect(unaffected.errors).toBeUndefined();
    expect(unaffected.cost?.remaining).toBe(BUDGET - ACCOUNT_COST);
  });
});

const redisUp = await redisAvailableFor("the Redis-kept cost budget over HTTP");

describe.skipIf(!redisUp)("the per-customer cost budget kept in Redis (REDIS_URL)", () => {
  it("reports when it refills one whole window after the first spend, as the customer's Redis key expires (PTTL)", async () => {
    const prefix = `rate-limit-${randomUUID()}`;
    const gateway = await startAnotherGateway(stack, {
      REDIS_URL,
      REDIS_KEY_PREFIX: prefix,
      RATE_LIMIT_COST_PER_MINUTE: String(BUDGET),
    });
    const redis = new Redis(REDIS_URL);
    try {
      const customer = await createCustomer(stack, 1, 1);
      const before = Date.now();
      const first = await post(customer, ACCOUNT, { id: customer.accounts[0] }, gateway.url);
      const ttl = await redis.pttl(`${prefix}:cost:${customer.id}`);
      const elapsed = Date.now() - before;
      expect(first.cost).toMatchObject({
        requested: ACCOUNT_COST,
        remaining: BUDGET - ACCOUNT_COST,
      });
      const resetAt = Date.parse(first.cost?.resetAt ?? "");
      expect(resetAt).toBeGreaterThanOrEqual(before + BUDGET_WINDOW_MS - CLOCK_EPSILON_MS);
      expect(resetAt).toBeLessThanOrEqual(Date.now() + BUDGET_WINDOW_MS);
      expect(ttl).toBeLessThanOrEqual(BUDGET_WINDOW_MS);
      expect(ttl).toBeGreaterThanOrEqual(BUDGET_WINDOW_MS - elapsed - CLOCK_EPSILON_MS);
    } finally {
      redis.disconnect();
      await gateway.close();
    }
  });
});

describe("the per-customer cost budget over WebSocket", () => {
  let customer: SandboxCustomer;
  let ws: Client;
  beforeAll(async () => {
    customer = await createCustomer(stack, 1, 1);
    ws = await liveClient(stack, customer.id);
  });
  afterAll(() => ws.dispose());

  it("draws on the same budget as HTTP, reports it, and refuses with RATE_LIMITED when spent", async () => {
    const id = customer.accounts[0];
    expect((await post(customer, ACCOUNT)).cost?.remaining).toBe(BUDGET - ACCOUNT_COST);

    const overSocket = await wsOperation(ws, ACCOUNT, { id });
    expect(overSocket.errors).toBeUndefined();
    expect(overSocket.extensions?.cost).toMatchObject({
      requested: ACCOUNT_COST,
      remaining: BUDGET - 2 * ACCOUNT_COST,
    });

    for (let i = 0; i < 6; i++) await wsOperation(ws, ACCOUNT, { id });
    const refused = await wsOperation(ws, ACCOUNT, { id });
    expect(refused.data ?? undefined).toBeUndefined();
    expect(refused.errors?.map((error) => error.extensions?.code)).toEqual(["RATE_LIMITED"]);
    expect(refused.errors?.[0]?.extensions?.cost).toMatchObject({ remaining: 4 });
  });
});

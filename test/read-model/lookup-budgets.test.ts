import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MISS_BUDGET } from "../../src/read-model/read-model.js";
import {
  graphql,
  startAnotherGateway,
  startStack,
  type TestStack,
  tokenFor,
} from "../support/gateway.js";
import { sseFeed } from "../support/http-subscriptions.js";
import { liveClient } from "../support/live.js";
import { coldCustomer } from "../support/read-model.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";
import {
  createCustomer,
  requestCounts,
  resetRequests,
  type SandboxCustomer,
} from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

/*
 * Issue 20, MEDIUM 1: the miss budget (ids the read model does not know, looked up at Stripe,
 * per customer and minute) covers every id kind and `refresh: true`, and `refresh: true` spends
 * a per-customer refresh budget of its own, on every transport. Past either, the lookups answer
 * RATE_LIMITED (with `retryAfter`) without a Stripe call. Stripe calls are counted by the
 * sandbox (`GET /_sandbox/requests`).
 */

/** The refresh budget of this file's gateway: small, so a few requests spend it. */
const REFRESHES_PER_MINUTE = 3;

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      RATE_LIMIT_COST_PER_MINUTE: "10000000",
      GRAPHQL_MAX_COST: "100000",
      RATE_LIMIT_REFRESHES_PER_MINUTE: String(REFRESHES_PER_MINUTE),
    },
  });
  // Webhooks would fill the read model behind the test's back: every customer stays cold.
  stack.sandbox.setWebhookUrls([]);
});
afterAll(() => stack?.close());

type Transport = "http" | "ws" | "sse";
interface Outcome {
  data: Record<string, unknown> | null | undefined;
  errors: { code: unknown; retryAfter: unknown }[];
}

const errorsOf = (errors: unknown[] | undefined): Outcome["errors"] =>
  (errors ?? []).map((error) => {
    const extensions = (error as { extensions?: Record<string, unknown> }).extensions ?? {};
    return { code: extensions.code, retryAfter: extensions.retryAfter };
  });

/** Runs `query` as `customer` over `transport` and resolves with its answer. */
async function run(transport: Transport, customer: string, query: string): Promise<Outcome> {
  if (transport === "http") {
    const answer = await graphql(stack, query, {}, customer);
    return { data: answer.data, errors: errorsOf(answer.errors) };
  }
  if (transport === "ws") {
    const client = await liveClient(stack, customer);
    try {
      const answer = await wsOperation(client, query);
      return { data: answer.data, errors: errorsOf(answer.errors) };
    } finally {
      await client.dispose();
    }
  }
  const live = sseFeed(stack, await tokenFor(stack, customer), query);
  await live.changes.until(() => (live.completed() ? true : undefined), "the SSE answer");
  return { data: live.events[0] ?? null, errors: errorsOf(live.errors) };
}

/** Stripe calls the sandbox counted since the last reset (the event sweep's lists aside). */
async function stripeCalls(): Promise<Record<string, number>> {
  const { routes } = await requestCounts(stack);
  return Object.fromEntries(Object.entries(routes).filter(([route]) => route !== "GET /v1/events"));
}
const total = (routes: Record<string, number>) =>
  Object.values(routes).reduce((sum, count) => sum + count, 0);

const ids = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `"${prefix}${String(index).padStart(8, "0")}"`);

/** Each RATE_LIMITED error says when to retry. */
function expectRetryAfter(outcome: Outcome) {
  const limited = outcome.errors.filter((error) => error.code === "RATE_LIMITED");
  expect(limited.length).toBeGreaterThan(0);
  for (const error of limited) expect(Number(error.retryAfter)).toBeGreaterThanOrEqual(1);
}

describe("the miss budget covers every id kind", () => {
  it.each([
    ["accounts", "fca_NoSuchAcct"],
    ["authorizations", "fcauth_NoSuchAuth"],
    ["relink sessions", "fcsess_NoSuchSess"],
  ])(
    `nodes(ids: [100 unknown %s]) looks up at most ${MISS_BUDGET} of them (and lists the account set once); the rest answer RATE_LIMITED`,
    async (_kind, prefix) => {
      const customer = await coldCustomer(stack, 1, 1);
      await resetRequests(stack);
      const answer = await run(
        "http",
        customer.id,
        `{ nodes(ids: [${ids(prefix, 100).join(", ")}]) { id } }`,
      );
      const calls = await stripeCalls();
      expect(total(calls)).toBeLessThanOrEqual(MISS_BUDGET + 1);
      expect(answer.errors).toHaveLength(100);
      for (const error of answer.errors)
        expect(["NOT_FOUND", "RATE_LIMITED"]).toContain(error.code);
      expectRetryAfter(answer);

      // Asked again within the minute: no Stripe lookup at all.
      await resetRequests(stack);
      const again = await run(
        "http",
        customer.id,
        `{ nodes(ids: [${ids(prefix, 100).join(", ")}]) { id } }`,
      );
      expect(again.errors).toHaveLength(100);
      expect(total(await stripeCalls())).toBeLessThanOrEqual(1);
    },
  );

  it.each<Transport>(["http", "ws", "sse"])(
    "over %s: account(id, refresh: true) beside nodes(ids: [99 unknown ids]) and nodes(ids: [100 fcsess_ ids]) stay within the miss budget",
    async (transport) => {
      const customer: SandboxCustomer = await coldCustomer(stack, 1, 1);
      const own = customer.accounts[0] ?? "";
      await resetRequests(stack);
      const refreshing = await run(
        transport,
        customer.id,
        `{ account(id: "${own}", refresh: true) { id }
         nodes(ids: [${ids("fca_Unknown", 99).join(", ")}]) { id } }`,
      );
      // The refreshed account, at most MISS_BUDGET unknown ids, and one listing of the account set.
      expect(total(await stripeCalls())).toBeLessThanOrEqual(1 + MISS_BUDGET + 1);
      expect(refreshing.data?.account).toEqual({ id: own });
      expect(refreshing.errors).toHaveLength(99);
      expectRetryAfter(refreshing);

      await resetRequests(stack);
      const sessions = await run(
        transport,
        customer.id,
        `{ nodes(ids: [${ids("fcsess_Unknown", 100).join(", ")}]) { id } }`,
      );
      expect(sessions.errors).toHaveLength(100);
      expectRetryAfter(sessions);
      // The customer's misses of the minute are spent: no session is looked up.
      expect(total(await stripeCalls())).toBeLessThanOrEqual(1);
    },
  );
});

describe("refresh: true spends a per-customer refresh budget (RATE_LIMIT_REFRESHES_PER_MINUTE)", () => {
  it(`past ${REFRESHES_PER_MINUTE} refreshes in a minute, on any transport, refresh: true answers RATE_LIMITED without a Stripe call; reads without it still answer`, async () => {
    const customer = await coldCustomer(stack, 2, 1);
    const own = customer.accounts[0] ?? "";
    const refresh = `{ account(id: "${own}", refresh: true) { id } }`;
    const transports: Transport[] = ["http", "ws", "sse"];
    for (const transport of transports.slice(0, REFRESHES_PER_MINUTE)) {
      await resetRequests(stack);
      const answer = await run(transport, customer.id, refresh);
      expect(answer.errors).toEqual([]);
      expect(total(await stripeCalls())).toBeGreaterThanOrEqual(1);
    }
    for (const transport of transports) {
      await resetRequests(stack);
      const refused = await run(transport, customer.id, refresh);
      expect(refused.errors.map((error) => error.code)).toEqual(["RATE_LIMITED"]);
      expectRetryAfter(refused);
      const list = await run(
        transport,
        customer.id,
        "{ accounts(first: 10, refresh: true) { nodes { id } } }",
      );
      expect(list.errors.map((error) => error.code)).toEqual(["RATE_LIMITED"]);
      expect(total(await stripeCalls())).toBe(0);
    }
    // Without refresh, the read model answers (it holds what the refreshes read).
    const plain = await run("http", customer.id, `{ account(id: "${own}") { id } }`);
    expect(plain).toEqual({ data: { account: { id: own } }, errors: [] });
  });
});

describe("account actions and the refresh budget", () => {
  it(`an action's precondition read asks Stripe without spending a refresh: ${REFRESHES_PER_MINUTE + 1} actions, then ${REFRESHES_PER_MINUTE} refreshes still answer`, async () => {
    const customer = await coldCustomer(stack, 2, 1);
    const own = customer.accounts[0] ?? "";
    const action = `mutation { refreshAccount(input: { accountId: "${own}", features: [BALANCE] }) { account { id } userErrors { code } } }`;
    for (let count = 0; count <= REFRESHES_PER_MINUTE; count += 1) {
      await resetRequests(stack);
      const answer = await run("http", customer.id, action);
      expect(answer.errors).toEqual([]);
      expect(answer.data).toEqual({ refreshAccount: { account: { id: own }, userErrors: [] } });
      // The precondition read and the action itself both reached Stripe.
      const calls = await stripeCalls();
      expect(calls["GET /v1/financial_connections/accounts/{account}"]).toBeGreaterThanOrEqual(1);
    }
    for (let count = 0; count < REFRESHES_PER_MINUTE; count += 1) {
      const refreshed = await run(
        "http",
        customer.id,
        `{ account(id: "${own}", refresh: true) { id } }`,
      );
      expect(refreshed.errors).toEqual([]);
    }
    const refused = await run(
      "http",
      customer.id,
      `{ account(id: "${own}", refresh: true) { id } }`,
    );
    expect(refused.errors.map((error) => error.code)).toEqual(["RATE_LIMITED"]);
  });
});

const redisUp = await redisAvailableFor("the shared refresh budget test");

describe.skipIf(!redisUp)("the refresh budget with REDIS_URL", () => {
  it("is shared by every instance: refreshes on one instance spend the budget of the other", async () => {
    const env = {
      REDIS_URL,
      REDIS_KEY_PREFIX: `test-${randomUUID()}`,
      RATE_LIMIT_COST_PER_MINUTE: "10000000",
      RATE_LIMIT_REFRESHES_PER_MINUTE: "2",
    };
    const shared = await startStack({ env });
    const other = await startAnotherGateway(shared, env);
    try {
      const customer = await createCustomer(shared, 1, 1);
      const query = `{ account(id: "${customer.accounts[0]}", refresh: true) { id } }`;
      const post = async (url: string) => {
        const response = await fetch(`${url}/graphql`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${await tokenFor(shared, customer.id)}`,
          },
          body: JSON.stringify({ query }),
        });
        const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
        return (body.errors ?? []).map((error) => error.extensions?.code);
      };
      expect(await post(shared.gateway.url)).toEqual([]);
      expect(await post(other.url)).toEqual([]);
      expect(await post(shared.gateway.url)).toEqual(["RATE_LIMITED"]);
      expect(await post(other.url)).toEqual(["RATE_LIMITED"]);
    } finally {
      await other.close();
      await shared.close();
    }
  });
});

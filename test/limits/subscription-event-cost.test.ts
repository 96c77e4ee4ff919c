import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRIPE_READ_COST } from "../../src/limits/cost-model.js";
import { estimateCost, estimateEventCost } from "../../src/limits/estimate-cost.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { graphql, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { bodyText, multipartRequest, sseFeed } from "../support/http-subscriptions.js";
import { type Feed, feed, liveClient, registered, waitForSubscribers } from "../support/live.js";
import {
  controlOf,
  createCustomer,
  requestCounts,
  resetRequests,
} from "../support/sandbox-control.js";
import { Changes } from "../support/wait.js";

/*
 * A subscription's Stripe-reading fields that the read model does not answer (an account's
 * transactions and owners) are read on every event delivered: each event is charged their cost
 * to the customer's cost budget, and an event the budget cannot cover is delivered with those
 * fields null and RATE_LIMITED, without the Stripe call.
 */

const schema = buildGatewaySchema();
const TRANSACTIONS_ROUTE = "GET /v1/financial_connections/transactions";

/** Reads the payload of the Stripe reads per event; the rest is the read model's. */
const STRIPE_PER_EVENT = `subscription { accountStatusChanged { eventId type account { id status
  transactions(first: 5) { nodes { id } } } } }`;
/** Only what the event and the read model carry. */
const READ_MODEL_ONLY = `subscription { accountStatusChanged { eventId type account { id status
  health { state } } } }`;
const PROBE = "{ __typename }";

type Event = {
  accountStatusChanged: {
    eventId: string;
    type: string;
    account: { id: string; status: string; transactions: { nodes: { id: string }[] } | null };
  };
};

const eventCostOf = (query: string) => estimateEventCost(schema, { document: parse(query) });
const priceOf = (query: string) => estimateCost(schema, { document: parse(query) });

/** What the customer has left, read from a cheap query's `extensions.cost`, and what it cost. */
async function remainingAfterProbe(stack: TestStack, customerId: string) {
  const answer = await graphql<unknown>(stack, PROBE, {}, customerId);
  const { extensions } = answer as {
    extensions?: { cost?: { remaining?: number; requested: number } };
  };
  const cost = extensions?.cost;
  if (cost?.remaining === undefined) throw new Error(`no cost report: ${JSON.stringify(answer)}`);
  return { requested: cost.requested, remaining: cost.remaining };
}

/** Deactivates or reactivates the account and waits for the event at `live`. */
async function nextEvent(stack: TestStack, live: Feed<Event>, accountId: string) {
  const before = live.events.length;
  const action = before % 2 === 0 ? "deactivate" : "reactivate";
  await controlOf(stack).account(accountId, action);
  return live.changes.until(
    () => (live.events.length > before ? live.events[before] : undefined),
    `event ${before + 1} (${action})`,
  );
}

describe("subscription events are charged per event for their Stripe reads", () => {
  let stack: TestStack;
  afterAll(() => stack?.close());
  beforeAll(async () => {
    stack = await startStack();
  });

  it("the pricing: transactions under the event cost per event; the read model's fields do not", () => {
    expect(eventCostOf(STRIPE_PER_EVENT)).toBeGreaterThanOrEqual(STRIPE_READ_COST);
    expect(eventCostOf(READ_MODEL_ONLY)).toBe(0);
    expect(eventCostOf(PROBE)).toBe(0);
    // A query pays its transactions once, when it runs: nothing per event.
    expect(eventCostOf("{ accounts { nodes { transactions { nodes { id } } } } }")).toBe(0);
    // Per event, each field of the Stripe read counts as a query prices it, also through fragments.
    const transactions = "transactions(first: 5) { nodes { id } }";
    const read =
      priceOf(`{ account(id: "fca_1") { ${transactions} } }`) -
      priceOf(`{ account(id: "fca_1") { __typename } }`) +
      1;
    expect(eventCostOf(`subscription { accountDeactivated { account { ${transactions} } } }`)).toBe(
      read,
    );
    expect(
      eventCostOf(`subscription { accountDeactivated { ...E } } fragment E on AccountLifecycleEvent {
        account { ... on Account { ${transactions} } } }`),
    ).toBe(read);
    // Under a list (an authorization's accounts, 10 assumed), once per item.
    expect(
      eventCostOf(`subscription { accountDeactivated { account { authorization { accounts {
        ${transactions} } } } } }`),
    ).toBe(10 * read);
  });

  it("(a) each delivered event spends the per-event cost, and makes at most estimate/10 Stripe calls", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const accountId = customer.accounts[0] ?? "";
    const client = await liveClient(stack, customer.id);
    const live = await registered(stack.gateway, customer.id, () =>
      feed<Event>(client, STRIPE_PER_EVENT),
    );
    const start = await remainingAfterProbe(stack, customer.id);
    const perEvent = eventCostOf(STRIPE_PER_EVENT);

    await resetRequests(stack);
    for (let event = 0; event < 2; event += 1) {
      const delivered = await nextEvent(stack, live, accountId);
      expect(delivered.accountStatusChanged.account.transactions).not.toBeNull();
    }
    expect(live.errors).toEqual([]);
    const calls = (await requestCounts(stack)).routes[TRANSACTIONS_ROUTE] ?? 0;
    expect(calls, "each event reads the transactions from Stripe").toBe(2);
    expect(calls / 2).toBeLessThanOrEqual(perEvent / STRIPE_READ_COST);

    const after = await remainingAfterProbe(stack, customer.id);
    expect(start.remaining - after.requested - (after.remaining ?? 0)).toBe(2 * perEvent);
    live.stop();
    await client.dispose();
  });

  it("(b) a selection the read model answers spends nothing per event", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const accountId = customer.accounts[0] ?? "";
    const client = await liveClient(stack, customer.id);
    const live = (await registered(stack.gateway, customer.id, () =>
      feed(client, READ_MODEL_ONLY),
    )) as unknown as Feed<Event>;
    const start = await remainingAfterProbe(stack, customer.id);
    for (let event = 0; event < 2; event += 1) await nextEvent(stack, live, accountId);
    expect(live.errors).toEqual([]);
    const after = await remainingAfterProbe(stack, customer.id);
    expect(start.remaining - after.requested - (after.remaining ?? 0)).toBe(0);
    live.stop();
    await client.dispose();
  });
});

describe("an event the budget cannot cover", () => {
  let stack: TestStack;
  const perEvent = eventCostOf(STRIPE_PER_EVENT);
  beforeAll(async () => {
    // The subscribe and one event fit in a customer's minute; the second event does not.
    const budget = priceOf(STRIPE_PER_EVENT) + perEvent + Math.floor(perEvent / 2);
    stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: String(budget) } });
  });
  afterAll(() => stack?.close());

  const subscribers: Record<string, (customerId: string) => Promise<Feed<Event>>> = {
    "graphql-ws": async (customerId) => {
      const client = await liveClient(stack, customerId);
      const live = feed<Event>(client, STRIPE_PER_EVENT);
      const stop = () => {
        live.stop();
        void client.dispose();
      };
      return { ...live, stop };
    },
    "graphql-sse": async (customerId) =>
      sseFeed<Event>(stack, await tokenFor(stack, customerId), STRIPE_PER_EVENT),
  };

  it.each(Object.keys(subscribers))(
    "(c) over %s: arrives with the Stripe-read fields null and RATE_LIMITED, with no Stripe call, and the subscription stays open",
    async (transport) => {
      const customer = await createCustomer(stack, 1, 1);
      const accountId = customer.accounts[0] ?? "";
      const subscribe = subscribers[transport] as (customerId: string) => Promise<Feed<Event>>;
      let live: Feed<Event> | undefined;
      await registered(stack.gateway, customer.id, () => {
        const pending: Feed<Event> = { events: [], errors: [], changes: new Changes(), stop() {} };
        void subscribe(customer.id).then((started) => {
          live = started;
          started.changes.watch(() => pending.changes.notify());
        });
        return pending;
      });
      if (live === undefined) throw new Error("registered before the client resolved");

      const first = await nextEvent(stack, live, accountId);
      expect(first.accountStatusChanged.account.transactions).not.toBeNull();
      expect(live.errors).toEqual([]);

      await resetRequests(stack);
      const second = await nextEvent(stack, live, accountId);
      expect(second.accountStatusChanged.type).toBe("REACTIVATED");
      expect(second.accountStatusChanged.account.status).toBe("ACTIVE");
      expect(second.accountStatusChanged.account.transactions).toBeNull();
      expect(live.errors).toHaveLength(1);
      const error = live.errors[0] as { path?: unknown[]; extensions?: Record<string, unknown> };
      expect(error.extensions?.code).toBe("RATE_LIMITED");
      expect(error.extensions?.retryAfter).toBeGreaterThanOrEqual(1);
      expect(error.path).toEqual(["accountStatusChanged", "account", "transactions"]);
      expect((await requestCounts(stack)).routes[TRANSACTIONS_ROUTE] ?? 0).toBe(0);

      // Still open: the next event is delivered too (refused again, the window has not turned).
      const third = await nextEvent(stack, live, accountId);
      expect(third.accountStatusChanged.type).toBe("DEACTIVATED");
      live.stop();
    },
  );

  it("(c) over multipart HTTP: the refused event is delivered with RATE_LIMITED and the stream stays open", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const accountId = customer.accounts[0] ?? "";
    const token = await tokenFor(stack, customer.id);
    const response = await multipartRequest(stack, token, STRIPE_PER_EVENT);
    expect(response.status).toBe(200);
    const body = bodyText(response);
    await waitForSubscribers(stack.gateway, customer.id, 1);
    const eventsIn = (text: string) => text.split('"accountStatusChanged"').length - 1;
    const nextPart = async (action: "deactivate" | "reactivate") => {
      const before = eventsIn(body.text);
      await controlOf(stack).account(accountId, action);
      await body.changes.until(
        () => (eventsIn(body.text) > before ? true : undefined),
        `the ${action} event's part`,
      );
    };
    await nextPart("deactivate");
    expect(body.text).not.toContain("RATE_LIMITED");
    await resetRequests(stack);
    await nextPart("reactivate");
    expect(body.text).toContain('"transactions":null');
    expect(body.text).toContain('"code":"RATE_LIMITED"');
    expect(body.text).toMatch(/"retryAfter":\d+/);
    expect((await requestCounts(stack)).routes[TRANSACTIONS_ROUTE] ?? 0).toBe(0);
    await nextPart("deactivate");
    expect(body.ended).toBe(false);
    body.cancel();
  });
});

/** One subscription's results as the client received them, `extensions` included. */
interface ResultLog {
  results: { data?: unknown; extensions?: { cost?: Record<string, unknown> } }[];
  changes: Changes;
  stop(): void;
}

describe("each subscription event carries its own charge in extensions.cost", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: "100000" } });
  });
  afterAll(() => stack?.close());

  const record = (): ResultLog & { push(result: unknown): void } => {
    const log = { results: [] as ResultLog["results"], changes: new Changes(), stop() {} };
    return {
      ...log,
      push: (result: unknown) => {
        log.results.push(result as ResultLog["results"][number]);
        log.changes.notify();
      },
    };
  };
  const transports: Record<string, (customerId: string, query: string) => Promise<ResultLog>> = {
    "graphql-ws": async (customerId, query) => {
      const client = await liveClient(stack, customerId);
      const log = record();
      const stop = client.subscribe(
        { query },
        { next: log.push, error: log.push, complete: () => {} },
      );
      return {
        ...log,
        stop: () => {
          stop();
          void client.dispose();
        },
      };
    },
    "graphql-sse": async (customerId, query) => {
      const { createClient } = await import("graphql-sse");
      const client = createClient({
        url: `${stack.gateway.url}/graphql/stream`,
        singleConnection: false,
        headers: { authorization: `Bearer ${await tokenFor(stack, customerId)}` },
        retryAttempts: 0,
      });
      const log = record();
      const stop = client.subscribe(
        { query },
        { next: log.push, error: log.push, complete: () => {} },
      );
      return {
        ...log,
        stop: () => {
          stop();
          client.dispose();
        },
      };
    },
    multipart: async (customerId, query) => {
      const response = await multipartRequest(stack, await tokenFor(stack, customerId), query);
      const body = bodyText(response);
      const log = record();
      let parsed = 0;
      body.changes.watch(() => {
        const parts = body.text.split("--graphql").slice(1, -1);
        for (; parsed < parts.length; parsed += 1) {
          const json = (parts[parsed] ?? "").split("\r\n\r\n")[1]?.trim();
          const part = json ? (JSON.parse(json) as { payload?: unknown }) : {};
          if (part.payload) log.push(part.payload);
        }
      });
      return { ...log, stop: body.cancel };
    },
  };

  it.each(Object.keys(transports))(
    "over %s: an event with Stripe reads reports what it was charged and what is left after it; one without reports 0",
    async (transport) => {
      const open = transports[transport] as (
        customerId: string,
        query: string,
      ) => Promise<ResultLog>;
      const customer = await createCustomer(stack, 1, 1);
      const accountId = customer.accounts[0] ?? "";
      let charged: ResultLog | undefined;
      let free: ResultLog | undefined;
      const before = fanoutSize(stack, customer.id);
      charged = await open(customer.id, STRIPE_PER_EVENT);
      free = await open(customer.id, READ_MODEL_ONLY);
      await waitForSubscribers(stack.gateway, customer.id, before + 2);

      const perEvent = eventCostOf(STRIPE_PER_EVENT);
      expect(perEvent).not.toBe(priceOf(STRIPE_PER_EVENT));
      for (const [index, action] of (["deactivate", "reactivate"] as const).entries()) {
        await controlOf(stack).account(accountId, action);
        for (const log of [charged, free])
          await log.changes.until(
            () => (log.results.length > index ? true : undefined),
            `${transport} event ${index + 1}`,
          );
      }
      const costs = charged.results.map((result) => result.extensions?.cost);
      expect(costs.map((cost) => cost?.requested)).toEqual([perEvent, perEvent]);
      const [first, second] = costs as [
        { remaining: number },
        { remaining: number; resetAt: unknown },
      ];
      // Nothing else spends this customer's budget between the two events but the other events (0).
      expect(first.remaining - second.remaining).toBe(perEvent);
      expect(typeof second.resetAt).toBe("string");
      expect(free.results.map((result) => result.extensions?.cost?.requested)).toEqual([0, 0]);
      charged.stop();
      free.stop();
    },
  );
});

/** Subscriptions of `customerId` registered on the stack's bus now. */
const fanoutSize = (stack: TestStack, customerId: string) =>
  stack.gateway.accountEvents.fanout.subscribersOf(customerId);

import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { STRIPE_READ_COST } from "../../src/limits/cost-model.js";
import { estimateCost, estimateEventCost } from "../../src/limits/estimate-cost.js";
import { MISS_BUDGET } from "../../src/read-model/read-model.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { type Feed, feed, liveClient, registered } from "../support/live.js";
import {
  controlOf,
  createCustomer,
  ROUTES,
  requestCounts,
  resetRequests,
  type SandboxCustomer,
} from "../support/sandbox-control.js";
import { Changes } from "../support/wait.js";

/*
 * The cost model against the Stripe calls operations really make, in their worst case: a fresh
 * customer (nothing of it in the read model), ids the read model does not know, `refresh: true`.
 * Each row's estimate must be at least STRIPE_READ_COST per Stripe call the sandbox counted.
 */

const schema = buildGatewaySchema();
const priceOf = (query: string) => estimateCost(schema, { document: parse(query) });

/** Stripe calls the sandbox counted since the last reset, the catch-up sweep's event lists aside. */
async function stripeCalls(stack: TestStack): Promise<number> {
  const { routes } = await requestCounts(stack);
  return Object.entries(routes)
    .filter(([route]) => route !== "GET /v1/events")
    .reduce((sum, [, count]) => sum + count, 0);
}

/** Runs `query` as `customer` and counts the Stripe calls it made. */
async function callsOf(stack: TestStack, customer: string, query: string): Promise<number> {
  await resetRequests(stack);
  const answer = await graphql(stack, query, {}, customer);
  if (answer.status !== 200) throw new Error(`${query} answered ${answer.status}`);
  return stripeCalls(stack);
}

const unknownIds = (count: number, prefix: string) =>
  Array.from({ length: count }, (_, index) => `"${prefix}${index}"`).join(", ");

/** One row: a query built for a fresh customer (its ids), run once in its worst case. */
interface Row {
  name: string;
  accounts?: number;
  query: (customer: SandboxCustomer) => string;
}

const ROWS: Row[] = [
  { name: "account(id) of an unknown id", query: () => '{ account(id: "fca_unknown1") { id } }' },
  { name: "account(id) cold", query: (c) => `{ account(id: "${c.accounts[0]}") { id status } }` },
  {
    name: "account(id, refresh: true) with its authorization",
    query: (c) =>
      `{ account(id: "${c.accounts[0]}", refresh: true) { id authorization { id status } } }`,
  },
  {
    name: "authorization(id) cold, with its accounts",
    query: (c) => `{ authorization(id: "${c.authorizations[0]}") { id accounts { id } } }`,
  },
  { name: "node(id) of an unknown id", query: () => '{ node(id: "fcauth_unknown1") { id } }' },
  {
    name: "nodes(ids) of the customer's accounts, cold",
    accounts: 5,
    query: (c) => `{ nodes(ids: [${c.accounts.map((id) => `"${id}"`).join(", ")}]) { id } }`,
  },
  ...[1, 4, 12, 30].map((count) => ({
    name: `nodes(ids) of ${count} unknown ids`,
    query: () => `{ nodes(ids: [${unknownIds(count, "fca_unknownN")}]) { id } }`,
  })),
  // Issue 20: the miss budget covers every id kind and refresh: true (within the budget, the
  // worst case is still one read per id, and the listing unknown ids are checked against).
  {
    name: "nodes(ids) of 30 unknown relink session ids",
    query: () => `{ nodes(ids: [${unknownIds(30, "fcsess_unknownN")}]) { id } }`,
  },
  {
    name: "account(id, refresh: true) beside nodes(ids) of 30 unknown ids",
    query: (c) => `{ account(id: "${c.accounts[0]}", refresh: true) { id }
      nodes(ids: [${unknownIds(30, "fca_unknownR")}]) { id } }`,
  },
  {
    name: "accounts(refresh: true) with authorizations and transactions",
    accounts: 4,
    query: () => `{ accounts(first: 100, refresh: true) { nodes { id authorization { id }
      transactions(first: 5) { nodes { id } } } } }`,
  },
  {
    name: "accounts cold (no refresh)",
    accounts: 3,
    query: () => "{ accounts(first: 10) { nodes { id status authorization { id } } } }",
  },
];

describe("estimated cost against the Stripe calls made (worst case: cold read model, unknown ids)", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack();
    // Webhooks would fill the read model (and re-read accounts): every row starts cold.
    stack.sandbox.setWebhookUrls([]);
  });
  afterAll(() => stack?.close());

  it.each(ROWS)("$name: estimate >= Stripe calls", async (row) => {
    const customer = await createCustomer(stack, row.accounts ?? 2, 2);
    const query = row.query(customer);
    const calls = await callsOf(stack, customer.id, query);
    expect(calls, "the worst case makes Stripe calls").toBeGreaterThan(0);
    expect(priceOf(query)).toBeGreaterThanOrEqual(calls * STRIPE_READ_COST);
  });

  it("a lookup by id past the customer's unknown-id budget: the listing and the read, both priced", async () => {
    const customer = await createCustomer(stack, 2, 2);
    // Spend the minute's misses without listing the account set.
    await callsOf(
      stack,
      customer.id,
      `{ nodes(ids: [${unknownIds(MISS_BUDGET, "fca_spent")}]) { id } }`,
    );
    const query = `{ authorization(id: "${customer.authorizations[0]}") { id } }`;
    const calls = await callsOf(stack, customer.id, query);
    // The account set is listed to check the id against, then the authorization is read.
    expect(calls).toBe(2);
    expect(priceOf(query)).toBeGreaterThanOrEqual(calls * STRIPE_READ_COST);
  });

  it("prices nodes(ids) by the number of ids: each id one Stripe read more", () => {
    const price = (count: number) =>
      priceOf(`{ nodes(ids: [${unknownIds(count, "fca_x")}]) { id } }`);
    for (const count of [1, 2, 10, 50, 99])
      expect(price(count + 1) - price(count)).toBeGreaterThanOrEqual(STRIPE_READ_COST);
    // Past 100 ids the query is refused (BAD_USER_INPUT): the price stops growing there.
    expect(price(101)).toBe(price(100));
  });

  it("prices refresh: true as the cold read it forces, no lower than the calls it makes", async () => {
    const customer = await createCustomer(stack, 3, 3);
    const query = `{ accounts(first: 100, refresh: true) { nodes { id authorization { id } } } }`;
    // Twice: the second finds everything in the read model and still reads Stripe.
    await callsOf(stack, customer.id, query);
    const calls = await callsOf(stack, customer.id, query);
    expect(calls).toBe(1 + 3); // the listing, and each of the 3 authorizations
    expect(priceOf(query)).toBeGreaterThanOrEqual(calls * STRIPE_READ_COST);
    // Without refresh the same warm query makes no Stripe call, at the same price (the estimate
    // cannot know the read model is warm).
    const warm = query.replace(", refresh: true", "");
    expect(await callsOf(stack, customer.id, warm)).toBe(0);
    expect(priceOf(warm)).toBe(priceOf(query));
  });
});

describe("subscriptions are priced per subscribe, and per event for the Stripe reads of each event", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(() => stack?.close());

  it("subscribing makes no Stripe call, and an event delivered to three subscribers is read once", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const accountId = customer.accounts[0] ?? "";
    const query = `subscription { accountStatusChanged { eventId type account { id status health { state } } } }`;
    await resetRequests(stack);
    const clients = await Promise.all([1, 2, 3].map(() => liveClient(stack, customer.id)));
    const feeds: Feed<unknown>[] = [];
    for (const client of clients)
      feeds.push(await registered(stack.gateway, customer.id, () => feed(client, query)));
    expect(await stripeCalls(stack)).toBe(0);

    await resetRequests(stack);
    await controlOf(stack).account(accountId, "deactivate");
    const changes = new Changes();
    for (const live of feeds) live.changes.watch(() => changes.notify());
    await changes.until(
      () => (feeds.every((live) => live.events.length > 0) ? true : undefined),
      "the event at every subscriber",
    );
    for (const live of feeds) expect(live.errors).toEqual([]);
    // The gateway's re-reads for the event (system work: the account, and the authorization a
    // deactivation can take down), not one per subscriber.
    expect(await stripeCalls(stack)).toBeLessThanOrEqual(2);
    // Priced once, at subscribe: its fields, and no Stripe read.
    expect(priceOf(query)).toBeLessThan(STRIPE_READ_COST);
    for (const live of feeds) live.stop();
    await Promise.all(clients.map((client) => client.dispose()));
  });

  it("an event whose selection reads Stripe (transactions, owners): per event, estimate >= Stripe calls", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const accountId = customer.accounts[0] ?? "";
    const query = `subscription { accountDeactivated { eventId account { id
      transactions(first: 3) { nodes { id } } owners { nodes { id } } } } }`;
    const client = await liveClient(stack, customer.id);
    const live = await registered(stack.gateway, customer.id, () => feed(client, query));
    await resetRequests(stack);
    await controlOf(stack).account(accountId, "deactivate");
    await live.changes.until(
      () => (live.events.length > 0 ? true : undefined),
      "the event at the subscriber",
    );
    // The re-reads of the account and its authorization for the event are the gateway's (system
    // work); the rest is the subscriber's.
    const systemWork: string[] = [
      "GET /v1/events",
      ROUTES.retrieveAccount,
      ROUTES.retrieveAuthorization,
    ];
    const { routes } = await requestCounts(stack);
    const perEvent = Object.entries(routes)
      .filter(([route]) => !systemWork.includes(route))
      .reduce((sum, [, count]) => sum + count, 0);
    expect(perEvent, "the event's transactions and owners are read from Stripe").toBeGreaterThan(0);
    expect(estimateEventCost(schema, { document: parse(query) })).toBeGreaterThanOrEqual(
      perEvent * STRIPE_READ_COST,
    );
    live.stop();
    await client.dispose();
  });
});

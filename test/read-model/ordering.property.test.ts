import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ReadModelStore, StoredKind, StoredObjects } from "../../src/read-model/store.js";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer, storesUnderTest } from "../support/read-model.js";
import { redisAvailableFor } from "../support/redis.js";
import { controlOf } from "../support/sandbox-control.js";
import { deliverSigned } from "../support/webhook.js";

const redisReachable = await redisAvailableFor("the Redis read-model ordering property");

/*
 * The store's rule, "an older state never overwrites a newer one", as a model-based property:
 * writes of known versions of a few objects (single objects, and full account lists) arrive in
 * any order, some at once; after each batch, and at the end, the store holds for every object the
 * newest version written so far. The same property run against a store that breaks the rule
 * (every write wins) must find a counterexample: the property can fail.
 */

/** The objects of one run: two accounts and one authorization of one customer. */
const OBJECTS = [
  { kind: "account", id: "fca_a" },
  { kind: "account", id: "fca_b" },
  { kind: "authorization", id: "fcauthz_a" },
] as const satisfies readonly { kind: StoredKind; id: string }[];
const STATUSES = ["active", "inactive", "disconnected"] as const;

/** When version `version` of an object was Stripe's state: later versions are newer. */
const checkedAtOf = (version: number) => 1_700_000_000_000 + version * 1_000;

/** Version `version` of an object of `customer` (its status and a field naming the version). */
function stateOf<K extends StoredKind>(kind: K, id: string, customer: string, version: number) {
  return {
    id,
    object: `financial_connections.${kind}`,
    status: STATUSES[version % STATUSES.length],
    created: 1,
    account_holder: { type: "customer", customer },
    metadata: { version: String(version) },
  } as unknown as StoredObjects[K];
}

/** A write the gateway makes: one object's state (a webhook, a read, a write-through), or a full list. */
type Write = { via: "put"; object: number; version: number } | { via: "list"; version: number };
const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({
    via: fc.constant("put" as const),
    object: fc.nat(OBJECTS.length - 1),
    version: fc.nat(30),
  }),
  fc.record({ via: fc.constant("list" as const), version: fc.nat(30) }),
);
/** Batches of writes: each batch is sent at once, batches one after another. */
const batches = fc.array(fc.array(write, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 8,
});

/** Sends one write to the store. */
function send(store: ReadModelStore, customer: string, next: Write): Promise<unknown> {
  if (next.via === "list") {
    const accounts = OBJECTS.filter((object) => object.kind === "account").map((object) =>
      stateOf("account", object.id, customer, next.version),
    );
    return store.putAccounts(customer, accounts, checkedAtOf(next.version));
  }
  const { kind, id } = OBJECTS[next.object] as (typeof OBJECTS)[number];
  return store.put(
    kind,
    customer,
    stateOf(kind, id, customer, next.version),
    checkedAtOf(next.version),
  );
}

/** The versions each write brings, per object index. */
const versionsOf = (next: Write): [number, number][] =>
  next.via === "put"
    ? [[next.object, next.version]]
    : OBJECTS.flatMap((object, index) =>
        object.kind === "account" ? [[index, next.version] as [number, number]] : [],
      );

/** The property over the store `storeOf()` gives: every object holds the newest version written. */
function newestWinsProperty(storeOf: () => ReadModelStore) {
  return fc.asyncProperty(batches, async (plan) => {
    const store = storeOf();
    const customer = `cus_${randomUUID()}`;
    const newest = new Map<number, number>();
    const expectNewest = async () => {
      for (const [index, version] of newest) {
        const { kind, id } = OBJECTS[index] as (typeof OBJECTS)[number];
        const stored = await store.get(kind, customer, id);
        expect(stored?.object).toEqual(stateOf(kind, id, customer, version));
      }
    };
    for (const batch of plan) {
      await Promise.all(batch.map((next) => send(store, customer, next)));
      for (const next of batch)
        for (const [index, version] of versionsOf(next))
          newest.set(index, Math.max(newest.get(index) ?? -1, version));
      await expectNewest();
    }
    // A loaded list serves each account's newest state too.
    const listed = await store.accounts(customer);
    if (listed !== undefined)
      for (const { object } of listed) {
        const index = OBJECTS.findIndex((candidate) => candidate.id === object.id);
        expect(object).toEqual(stateOf("account", object.id, customer, newest.get(index) ?? -1));
      }
  });
}

/**
 * The mutant: the store with the rule broken. Each write is dated by its arrival instead of by
 * its `checkedAt`, so whatever arrives last wins (last-write-wins).
 */
function lastWriteWins(store: ReadModelStore): ReadModelStore {
  let arrival = 0;
  return {
    ...store,
    put: (kind, customer, object, _checkedAt) => store.put(kind, customer, object, ++arrival),
    putAccounts: (customer, accounts, _checkedAt) =>
      store.putAccounts(customer, accounts, ++arrival),
  };
}

const stores = storesUnderTest(redisReachable);

describe.each(stores)("property: the store %s keeps the newest state", (_name, open, skip) => {
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

  it.skipIf(skip)(
    "whatever order and grouping writes arrive in",
    async () => {
      await fc.assert(
        newestWinsProperty(() => store),
        { numRuns: 150 },
      );
    },
    60_000,
  );

  it.skipIf(skip)(
    "the property fails for a store where the last write wins",
    async () => {
      const mutant = lastWriteWins(store);
      const result = await fc.check(
        newestWinsProperty(() => mutant),
        { numRuns: 150 },
      );
      expect(result.failed).toBe(true);
      expect(String(result.errorInstance)).toMatch(/expected/);
    },
    60_000,
  );
});

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: "100000000" } });
});
afterAll(() => stack.close());

const stripeGet = async (path: string) => {
  const response = await fetch(`${stack.sandbox.url}${path}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  return response;
};

/** The account's status as the gateway shows it (a plain read: the read model's state). */
async function gatewayStatus(customerId: string, accountId: string, refresh = false) {
  const answer = await graphql<{ account: { status: string } | null }>(
    stack,
    "query($id: ID!, $refresh: Boolean) { account(id: $id, refresh: $refresh) { status } }",
    { id: accountId, refresh },
    customerId,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data?.account?.status;
}

type Step =
  | { kind: "change"; action: "deactivate" | "reactivate" }
  | { kind: "deliver"; pick: number }
  | { kind: "read" }
  | { kind: "refresh" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("change" as const),
    action: fc.constantFrom("deactivate" as const, "reactivate" as const),
  }),
  fc.record({ kind: fc.constant("deliver" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("read" as const) }),
  fc.record({ kind: fc.constant("refresh" as const) }),
);

describe("property: events, reads and revalidations in any order end in Stripe's final state", () => {
  it("the read model (and queries) show Stripe's final status once every event is delivered", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        async (steps, finalOrder) => {
          await controlOf(stack).setWebhookMode("deliver");
          const customer = await coldCustomer(stack, 1, 1);
          const [accountId] = customer.accounts as [string];
          await gatewayStatus(customer.id, accountId);
          // From here, Stripe's deliveries are the test's to make, in the order it chooses.
          await controlOf(stack).setWebhookMode("drop");
          const pending: string[] = [];
          const deliver = async (eventId: string) => {
            const event = await (await stripeGet(`/v1/events/${eventId}`)).text();
            const answer = await deliverSigned(stack, event);
            expect(answer.status).toBe(200);
          };
          // Reads run concurrently with the next step, as they would in production.
          const inFlight: Promise<unknown>[] = [];
          for (const current of steps) {
            if (current.kind === "change") {
              const result = await controlOf(stack)
                .account(accountId, current.action)
                .catch(() => undefined); // e.g. reactivating an active account: nothing changes
              pending.push(...(result?.events ?? []));
            } else if (current.kind === "deliver" && pending.length > 0) {
              await deliver(pending[current.pick % pending.length] ?? "");
            } else if (current.kind === "read") {
              inFlight.push(gatewayStatus(customer.id, accountId));
            } else if (current.kind === "refresh") {
              inFlight.push(gatewayStatus(customer.id, accountId, true));
            }
          }
          await Promise.all(inFlight);
          // Every event is delivered at last, in an order of the property's choosing (late ones too).
          const order = pending
            .map((eventId, index) => ({ eventId, key: finalOrder[index % finalOrder.length] ?? 0 }))
            .sort((a, b) => a.key - b.key);
          await Promise.all(order.map(({ eventId }) => deliver(eventId)));

          const stripe = (await (
            await stripeGet(`/v1/financial_connections/accounts/${accountId}`)
          ).json()) as { status: string };
          const stored = await stack.gateway.readModel.store.get("account", customer.id, accountId);
          expect(stored?.object.status).toBe(stripe.status);
          expect((await gatewayStatus(customer.id, accountId))?.toLowerCase()).toBe(stripe.status);
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);
});

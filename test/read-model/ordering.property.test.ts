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
 * writes of known versions of a few objects (single objects, and full account lists, some of
 * which leave an account out) arrive in any order, some at once; after each batch, and at the
 * end, the store holds for every object the newest version written so far, and the account set
 * of the newest list. Two writes of one version may carry different states (Stripe's state read
 * twice in one millisecond, say): neither is older, so the rule lets the later one win (the
 * stored `checkedAt` is not later); of writes sent at once, either may be the later. The same
 * property run against a store that breaks the rule (every write wins) must find a
 * counterexample: the property can fail.
 */

/** The objects of one run: two accounts and one authorization of one customer. */
const OBJECTS = [
  { kind: "account", id: "fca_a" },
  { kind: "account", id: "fca_b" },
  { kind: "authorization", id: "fcauthz_a" },
] as const satisfies readonly { kind: StoredKind; id: string }[];
/** The indexes of OBJECTS that are accounts (what a full list may hold). */
const ACCOUNT_INDEXES = OBJECTS.flatMap((object, index) =>
  object.kind === "account" ? [index] : [],
);
const STATUSES = ["active", "inactive", "disconnected"] as const;

/** When version `version` of an object was Stripe's state: later versions are newer. */
const checkedAtOf = (version: number) => 1_700_000_000_000 + version * 1_000;

/**
 * Variant `variant` of version `version` of an object of `customer`: its status, and fields
 * naming the version and the variant (two variants of one version are different states).
 */
function stateOf<K extends StoredKind>(
  kind: K,
  id: string,
  customer: string,
  version: number,
  variant = 0,
) {
  return {
    id,
    object: `financial_connections.${kind}`,
    status: STATUSES[(version + variant) % STATUSES.length],
    created: 1,
    account_holder: { type: "customer", customer },
    metadata: { version: String(version), variant: String(variant) },
  } as unknown as StoredObjects[K];
}

/**
 * A write the gateway makes: one object's state (a webhook, a read, a write-through), or a full
 * list of the accounts in `members` (an account unlinked since is left out).
 */
type Write =
  | { via: "put"; object: number; version: number; variant: number }
  | { via: "list"; version: number; variant: number; members: number[] };
const write: fc.Arbitrary<Write> = fc.oneof(
  fc.record({
    via: fc.constant("put" as const),
    object: fc.nat(OBJECTS.length - 1),
    // Few versions: equal versions (with different variants) come up often.
    version: fc.nat(8),
    variant: fc.nat(2),
  }),
  fc.record({
    via: fc.constant("list" as const),
    version: fc.nat(8),
    variant: fc.nat(2),
    members: fc.subarray(ACCOUNT_INDEXES),
  }),
);
/** Batches of writes: each batch is sent at once, batches one after another. */
const batches = fc.array(fc.array(write, { minLength: 1, maxLength: 4 }), {
  minLength: 1,
  maxLength: 8,
});

/** Sends one write to the store. */
function send(store: ReadModelStore, customer: string, next: Write): Promise<unknown> {
  if (next.via === "list") {
    const accounts = next.members.map((index) =>
      stateOf("account", OBJECTS[index]?.id ?? "", customer, next.version, next.variant),
    );
    return store.putAccounts(customer, accounts, checkedAtOf(next.version));
  }
  const { kind, id } = OBJECTS[next.object] as (typeof OBJECTS)[number];
  return store.put(
    kind,
    customer,
    stateOf(kind, id, customer, next.version, next.variant),
    checkedAtOf(next.version),
  );
}

/** The states (version, variant) each write brings, per object index. */
const statesOf = (next: Write): [number, { version: number; variant: number }][] =>
  next.via === "put"
    ? [[next.object, next]]
    : next.members.map((index) => [index, next] as [number, { version: number; variant: number }]);

/** What the model expects of one thing stored: its newest version, and the writes that may hold it. */
interface Expected<T> {
  version: number;
  /** Any of these may be stored (writes of the newest version sent at once). */
  candidates: T[];
}

/**
 * The model after one batch: the newest of `before` and the batch's `written` (each with its
 * version). A batch write of a version at least as new as the stored one replaces it (ties: the
 * later write wins, and any of the batch's writes of that version may have been the later).
 */
function afterBatch<T extends { version: number }>(
  before: Expected<T> | undefined,
  written: T[],
): Expected<T> | undefined {
  const newest = Math.max(-1, ...written.map((item) => item.version));
  if (newest < 0 || (before !== undefined && newest < before.version)) return before;
  return { version: newest, candidates: written.filter((item) => item.version === newest) };
}

/** The property over the store `storeOf()` gives: every object holds the newest version written. */
function newestWinsProperty(storeOf: () => ReadModelStore) {
  return fc.asyncProperty(batches, async (plan) => {
    const store = storeOf();
    const customer = `cus_${randomUUID()}`;
    const objects = new Map<number, Expected<{ version: number; variant: number }>>();
    let list: Expected<{ version: number; variant: number; members: number[] }> | undefined;
    for (const batch of plan) {
      await Promise.all(batch.map((next) => send(store, customer, next)));
      for (const index of OBJECTS.keys()) {
        const written = batch.flatMap((next) =>
          statesOf(next).flatMap(([object, state]) => (object === index ? [state] : [])),
        );
        const expected = afterBatch(objects.get(index), written);
        if (expected === undefined) continue;
        const { kind, id } = OBJECTS[index] as (typeof OBJECTS)[number];
        const stored = (await store.get(kind, customer, id))?.object;
        const match = expected.candidates.find(
          (state) =>
            JSON.stringify(stateOf(kind, id, customer, state.version, state.variant)) ===
            JSON.stringify(stored),
        );
        expect(stored, `${id} after a batch`).toEqual(
          stateOf(kind, id, customer, expected.version, (match ?? expected.candidates[0])?.variant),
        );
        // The state the store kept is now the one to beat.
        objects.set(index, { version: expected.version, candidates: match ? [match] : [] });
      }
      list = afterBatch(
        list,
        batch.flatMap((next) => (next.via === "list" ? [next] : [])),
      );
      if (list === undefined) continue;
      // The account set is the newest list's: an account it left out is not listed, and each
      // listed account shows its newest state.
      const listed = await store.accounts(customer);
      expect(listed, "the account set after a list").toBeDefined();
      const ids = (listed ?? []).map(({ object }) => object.id).sort();
      const members = list.candidates.map((candidate) =>
        candidate.members.map((index) => OBJECTS[index]?.id).sort(),
      );
      expect(members, "the account set after a batch").toContainEqual(ids);
      list = {
        version: list.version,
        candidates: list.candidates.filter(
          (candidate) =>
            JSON.stringify(candidate.members.map((index) => OBJECTS[index]?.id).sort()) ===
            JSON.stringify(ids),
        ),
      };
      for (const { object } of listed ?? []) {
        const index = OBJECTS.findIndex((candidate) => candidate.id === object.id);
        const newest = objects.get(index)?.candidates[0];
        expect(object).toEqual(
          stateOf("account", object.id, customer, newest?.version ?? -1, newest?.variant),
        );
      }
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

/** A step: Stripe's state changes (the account toggles active / inactive), an event is delivered, a read. */
type Step =
  | { kind: "change" }
  | { kind: "deliver"; pick: number }
  | { kind: "read" }
  | { kind: "refresh" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("change" as const) }),
  fc.record({ kind: fc.constant("deliver" as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant("read" as const) }),
  fc.record({ kind: fc.constant("refresh" as const) }),
);

describe("property: events, reads and revalidations in any order end in Stripe's final state", () => {
  it("queries show Stripe's final status once every event is delivered, and so does the read model once its background re-reads are done", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Every run changes Stripe's state at least once: a run that changes nothing would compare
        // the first status with itself.
        fc
          .array(step, { minLength: 1, maxLength: 8 })
          .filter((steps) => steps.some((candidate) => candidate.kind === "change")),
        fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
        async (steps, finalOrder) => {
          await controlOf(stack).setWebhookMode("deliver");
          const customer = await coldCustomer(stack, 1, 1);
          const [accountId] = customer.accounts as [string];
          expect(await gatewayStatus(customer.id, accountId)).toBe("ACTIVE");
          /** Stripe's status as the steps made it (the model). */
          let status: "active" | "inactive" = "active";
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
              // The action that changes the status: a failure fails the run (none is swallowed).
              const action = status === "active" ? "deactivate" : "reactivate";
              const result = await controlOf(stack).account(accountId, action);
              status = status === "active" ? "inactive" : "active";
              expect(result.events.length).toBeGreaterThan(0);
              pending.push(...result.events);
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
          // The steps did change Stripe's state: the control route worked every time.
          expect(stripe.status).toBe(status);
          // Answers agree at once: an event the gateway could not order (several changes in one
          // second) fences the account until its background re-read has stored Stripe's state.
          expect((await gatewayStatus(customer.id, accountId))?.toLowerCase()).toBe(stripe.status);
          await stack.gateway.readModel.rereads.idle();
          const stored = await stack.gateway.readModel.store.get("account", customer.id, accountId);
          expect(stored?.object.status).toBe(stripe.status);
        },
      ),
      { numRuns: 20 },
    );
  }, 120_000);
});

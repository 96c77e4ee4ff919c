import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, startAnotherGateway, startStack, type TestStack } from "../support/gateway.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";
import {
  requestCounts,
  resetRequests,
  type SandboxCustomer,
  seededCustomers,
} from "../support/sandbox-control.js";

let stack: TestStack;
let alice: SandboxCustomer;
let bob: SandboxCustomer;
let aliceSession: string;
let bobSession: string;

/** Creates a relink session for `customer` on its first authorization, straight on the sandbox. */
async function createSession(customer: SandboxCustomer): Promise<string> {
  const body = new URLSearchParams({
    "account_holder[type]": "customer",
    "account_holder[customer]": customer.id,
    "permissions[]": "balances",
    "relink_options[authorization]": customer.authorizations[0] ?? "",
  });
  const response = await fetch(`${stack.sandbox.url}/v1/financial_connections/sessions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${SANDBOX_DEV_API_KEY}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body,
  });
  return ((await response.json()) as { id: string }).id;
}

/** The stack whose gateway fills the read model (the tests' `stack` may query another instance). */
let warmer: TestStack;
let closeStacks: () => Promise<void> = async () => {};
const redisReachable = await redisAvailableFor("tenant isolation across instances on Redis");

async function seed(): Promise<void> {
  [alice, bob] = (await seededCustomers(stack)) as [SandboxCustomer, SandboxCustomer];
  aliceSession = await createSession(alice);
  bobSession = await createSession(bob);
}

/** One gateway with the in-memory read model: it fills the read model and answers the tests. */
async function oneInstance(): Promise<void> {
  const single = await startStack();
  stack = single;
  warmer = single;
  closeStacks = () => single.close();
  await seed();
}

/** Two gateways on one Redis: instance 1 fills the shared read model, instance 2 answers. */
async function twoInstances(): Promise<void> {
  const env = { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}` };
  const first = await startStack({ env });
  const second = await startAnotherGateway(first, env);
  stack = { ...first, gateway: second };
  warmer = first;
  closeStacks = async () => {
    await first.gateway.readModel.store.clear();
    await second.close();
    await first.close();
  };
  await seed();
}

const bobIds = () => [...bob.accounts, ...bob.authorizations, bobSession];

type Errors =
  | { message: string; path?: (string | number)[]; extensions?: { code?: string } }[]
  | undefined;
const codesAt = (errors: Errors, key: string) =>
  (errors ?? []).filter((error) => error.path?.[0] === key).map((error) => error.extensions?.code);

/** Reads every object of both customers, so the read model holds them all. */
async function warmBoth(): Promise<void> {
  const query = "{ accounts(first: 100) { nodes { id authorization { id } } } }";
  for (const customer of [alice, bob]) {
    const answer = await graphql(warmer, query, {}, customer.id);
    expect(answer.errors).toBeUndefined();
  }
}

const clearAndWarm = async () => {
  await warmer.gateway.readModel.store.clear();
  await warmBoth();
};

// Every test runs with an empty read model, again with both customers' objects in it, and again
// with them in Redis, filled by one instance and read through another.
describe.each([
  {
    readModel: "cold",
    open: oneInstance,
    prepare: () => stack.gateway.readModel.store.clear(),
    skip: false,
    warm: false,
    inRedis: false,
  },
  {
    readModel: "warm",
    open: oneInstance,
    prepare: clearAndWarm,
    skip: false,
    warm: true,
    inRedis: false,
  },
  {
    readModel: "warm in Redis, read by a second instance:",
    open: twoInstances,
    prepare: clearAndWarm,
    skip: !redisReachable,
    warm: true,
    inRedis: true,
  },
])("$readModel read model", ({ open, prepare, skip, warm, inRedis }) => {
  beforeAll(async () => {
    if (!skip) await open();
  }, 30_000);
  afterAll(() => (skip ? undefined : closeStacks()));
  beforeEach((context) => {
    if (skip) context.skip();
    return prepare();
  });

  it(`is the read model the tests name: ${warm ? "answered without Stripe" : "read from Stripe"}${inRedis ? ", from the keys in Redis" : ""}`, async () => {
    await resetRequests(stack);
    const answer = await graphql(
      stack,
      "{ accounts(first: 100) { nodes { id authorization { id } } } }",
      {},
      alice.id,
    );
    expect(answer.errors).toBeUndefined();
    const calls = (await requestCounts(stack)).total;
    if (warm) expect(calls).toBe(0);
    else expect(calls).toBeGreaterThan(0);
    if (inRedis) {
      // Instance 2 holds nothing of its own: what it answered from is instance 1's keys in Redis.
      const redis = new Redis(REDIS_URL);
      try {
        const root = `${stack.config.redisKeyPrefix}:read-model:${encodeURIComponent(alice.id)}`;
        expect(await redis.exists(`${root}:account-set`)).toBe(1);
        expect(
          await redis.exists(`${root}:account:${encodeURIComponent(alice.accounts[0] ?? "")}`),
        ).toBe(1);
      } finally {
        redis.disconnect();
      }
      expect(stack.gateway).not.toBe(warmer.gateway);
    }
  });

  describe("tenant isolation: customer A asking for customer B's objects", () => {
    it.each([
      ["account", "account"],
      ["authorization", "authorization"],
      ["relinkSession", "session"],
      ["node", "node"],
    ])("Query.%s answers every id of B with null and NOT_FOUND", async (field) => {
      for (const id of bobIds()) {
        if (field === "account" && !id.startsWith("fca_")) continue;
        if (field === "authorization" && !id.startsWith("fcauth_")) continue;
        if (field === "relinkSession" && !id.startsWith("fcsess_")) continue;
        const response = await graphql(
          stack,
          `query($id: ID!) { x: ${field}(id: $id) { id } }`,
          { id },
          alice.id,
        );
        expect(response.data?.x, `${field}(${id})`).toBeNull();
        expect(codesAt(response.errors, "x")).toEqual(["NOT_FOUND"]);
        expect(JSON.stringify(response)).not.toMatch(new RegExp(bob.id));
      }
    });

    it("answers a foreign id exactly like a missing one: same message shape, code and Stripe calls", async () => {
      const ask = async (id: string) => {
        await resetRequests(stack);
        const response = await graphql(
          stack,
          "query($id: ID!) { account(id: $id) { id } }",
          { id },
          alice.id,
        );
        return { response, calls: (await requestCounts(stack)).total };
      };
      const foreign = await ask(bob.accounts[0] ?? "");
      const missing = await ask("fca_NoSuchAccount0001");
      expect(foreign.calls).toBe(missing.calls);
      expect(foreign.response.errors?.[0]?.extensions).toEqual(
        missing.response.errors?.[0]?.extensions,
      );
      expect(foreign.response.errors?.[0]?.message.replace(bob.accounts[0] ?? "", "ID")).toBe(
        missing.response.errors?.[0]?.message.replace("fca_NoSuchAccount0001", "ID"),
      );
    });

    it("never lists B's accounts, whatever the filter", async () => {
      const response = await graphql<Record<string, { nodes: { id: string }[] }>>(
        stack,
        `{
        all: accounts(first: 100) { nodes { id } }
        broken: accounts(filter: { health: [RELINK_REQUIRED, INACTIVE_NOT_REPAIRABLE, DISCONNECTED, EXPIRING, HEALTHY, UNKNOWN] }) { nodes { id } }
        attention: accounts(filter: { needsAttention: true }) { nodes { id } }
        active: accounts(filter: { status: [ACTIVE, INACTIVE, DISCONNECTED, UNKNOWN] }) { nodes { id } }
      }`,
        {},
        alice.id,
      );
      const listed = Object.values(response.data ?? {}).flatMap((connection) =>
        connection.nodes.map((node) => node.id),
      );
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.filter((id) => bob.accounts.includes(id))).toEqual([]);
      expect(listed.every((id) => alice.accounts.includes(id))).toBe(true);
    });

    it("shows only the viewer's accounts under nested fields", async () => {
      const response = await graphql<{
        accounts: { nodes: { authorization: { accounts: { id: string }[] } | null }[] };
      }>(
        stack,
        "{ accounts(first: 100) { nodes { authorization { accounts { id } } } } }",
        {},
        alice.id,
      );
      const nested = (response.data?.accounts.nodes ?? []).flatMap(
        (node) => node.authorization?.accounts ?? [],
      );
      expect(nested.length).toBeGreaterThan(0);
      expect(nested.every((account) => alice.accounts.includes(account.id))).toBe(true);
    });

    it("property: any mix of own and foreign ids in one operation returns exactly the own ones", async () => {
      const own = () => [...alice.accounts, ...alice.authorizations, aliceSession];
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.oneof(fc.constantFrom(...own()), fc.constantFrom(...bobIds())), {
            minLength: 1,
            maxLength: 12,
          }),
          async (ids) => {
            const aliases = ids
              .map((id, index) => `n${index}: node(id: "${id}") { id }`)
              .join("\n");
            const response = await graphql<Record<string, unknown>>(
              stack,
              `query Mixed($ids: [ID!]!) { list: nodes(ids: $ids) { id } ${aliases} }`,
              { ids },
              alice.id,
            );
            const list = (response.data?.list ?? []) as ({ id: string } | null)[];
            ids.forEach((id, index) => {
              const mine = own().includes(id);
              expect(list[index]).toEqual(mine ? { id } : null);
              expect(response.data?.[`n${index}`]).toEqual(mine ? { id } : null);
            });
            const foreignCount = ids.filter((id) => !own().includes(id)).length;
            const notFound = (response.errors ?? []).filter(
              (error) => error.extensions?.code === "NOT_FOUND",
            );
            expect(notFound).toHaveLength(foreignCount * 2);
            expect(response.errors ?? []).toHaveLength(foreignCount * 2);
          },
        ),
        { numRuns: 25 },
      );
    });
  });

  describe("per-operation caches and the read model", () => {
    it("never serve one customer's objects to another: B after A costs B's own calls", async () => {
      const query = "{ accounts(first: 100) { nodes { id authorization { id } } } }";
      await stack.gateway.readModel.store.clear();
      await resetRequests(stack);
      await graphql(stack, query, {}, bob.id);
      const bobAlone = (await requestCounts(stack)).total;

      await stack.gateway.readModel.store.clear();
      await resetRequests(stack);
      const aliceAnswer = await graphql(stack, query, {}, alice.id);
      const afterAlice = (await requestCounts(stack)).total;
      const bobAnswer = await graphql<{ accounts: { nodes: { id: string }[] } }>(
        stack,
        query,
        {},
        bob.id,
      );
      const bobAfterAlice = (await requestCounts(stack)).total - afterAlice;

      expect(aliceAnswer.errors).toBeUndefined();
      expect(bobAfterAlice).toBe(bobAlone);
      expect(bobAnswer.data?.accounts.nodes.map((node) => node.id).sort()).toEqual(
        [...bob.accounts].sort(),
      );
    });
  });
});

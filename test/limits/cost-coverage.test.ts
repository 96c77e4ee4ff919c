import { getNamedType, isObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { costDirectivesOf } from "../../src/limits/cost-directives.js";
import { SEED_IDS } from "../../src/sandbox/state/seed.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { control, createCustomer } from "../support/sandbox-control.js";
import { probeStripeReach, type ReachReport } from "../support/stripe-reach.js";

const schema = buildGatewaySchema();
const alice = SEED_IDS.customers.alice;
const { accounts, authorizations } = SEED_IDS;
const MISSING_ACCOUNT = "fca_NoSuchAccount01";

/** Each mutation run twice: on a fresh customer's account, and on a missing one (a user error). */
const MUTATION_INPUTS: Record<string, ((accountId: string) => string)[]> = {
  createRelinkSession: [
    (id) => `{ accountId: "${id}", permissions: [BALANCES] }`,
    () => `{ accountId: "${MISSING_ACCOUNT}", permissions: [BALANCES] }`,
  ],
  refreshAccount: [
    (id) => `{ accountId: "${id}", features: [BALANCE] }`,
    () => `{ accountId: "${MISSING_ACCOUNT}", features: [BALANCE] }`,
  ],
  disconnectAccount: [
    (id) => `{ accountId: "${id}" }`,
    () => `{ accountId: "${MISSING_ACCOUNT}" }`,
  ],
  subscribeAccountTransactions: [
    (id) => `{ accountId: "${id}" }`,
    () => `{ accountId: "${MISSING_ACCOUNT}" }`,
  ],
  unsubscribeAccountTransactions: [
    (id) => `{ accountId: "${id}" }`,
    () => `{ accountId: "${MISSING_ACCOUNT}" }`,
  ],
};

/** Object types only a subscription leads to: their fields run per pushed event, off HTTP. */
function reachedBySubscriptionOnly(): string[] {
  const root = schema.getSubscriptionType();
  const found = new Set<string>(root ? [root.name] : []);
  const queue = root ? [root] : [];
  for (let type = queue.shift(); type; type = queue.shift()) {
    for (const field of Object.values(type.getFields())) {
      const next = getNamedType(field.type);
      if (isObjectType(next) && !found.has(next.name)) {
        found.add(next.name);
        queue.push(next);
      }
    }
  }
  return [...found];
}

describe("every field whose resolver reaches Stripe declares its cost", () => {
  let stack: TestStack;
  let report: ReachReport;

  beforeAll(async () => {
    stack = await startStack();
    // Webhook deliveries re-read accounts from Stripe: they would be counted as a probe's calls.
    stack.sandbox.setWebhookUrls([]);
    // A finished relink session of Alice's, naming an account, so its every field has a value.
    const created = await graphql<{
      createRelinkSession: { relinkSession: { id: string } | null };
    }>(
      stack,
      `mutation { createRelinkSession(input: { accountId: "${accounts.aliceRelink}", permissions: [BALANCES] }) { relinkSession { id } } }`,
      {},
      alice,
    );
    const session = created.data?.createRelinkSession.relinkSession?.id;
    if (!session) throw new Error(`no relink session: ${JSON.stringify(created)}`);
    await control(stack, "POST", `/_sandbox/sessions/${session}/complete`, { outcome: "relinked" });
    const ids = {
      // A cash account with every permission, and a credit card: between them every field has a value.
      Account: [accounts.aliceChecking, accounts.aliceExpiringCard],
      Authorization: [authorizations.aliceStripeBank],
      RelinkSession: [session],
    };
    report = await probeStripeReach(stack, schema, {
      customer: alice,
      ids: { ...ids, Node: Object.values(ids).flat() },
      mutationInputs: MUTATION_INPUTS,
      freshCustomer: async () => {
        const customer = await createCustomer(stack, 1, 1);
        return { customer: customer.id, accountId: customer.accounts[0] ?? "" };
      },
    });
  }, 120_000);
  afterAll(() => stack?.close());

  it("finds no field that calls Stripe without a @cost", () => {
    const costs = costDirectivesOf(schema);
    const uncosted = report.fields
      .filter((field) => field.stripeCalls > 0 && !(costs.get(field.coordinate)?.weight ?? 0))
      .map((field) => `${field.coordinate} (${field.stripeCalls} Stripe calls, no @cost)`);
    expect(uncosted).toEqual([]);
  });

  it("sees Stripe calls, on queries and on mutations (the probe is not blind)", () => {
    const calling = report.fields.filter((field) => field.stripeCalls > 0);
    expect(calling.some((field) => field.coordinate.startsWith("Query."))).toBe(true);
    expect(calling.some((field) => field.coordinate.startsWith("Mutation."))).toBe(true);
    expect(calling.some((field) => !/^(Query|Mutation)\./.test(field.coordinate))).toBe(true);
  });

  it("probes every field under a real parent, and every object field with a value", () => {
    // A field that only ever resolved to null (or under no parent) could not show its calls.
    expect(report.unreachedTypes).toEqual([]);
    expect(report.fields.filter((field) => field.refused).map((field) => field.coordinate)).toEqual(
      [],
    );
    const neverResolved = report.fields
      .filter((field) => field.composite && !field.resolved)
      .map((field) => field.coordinate);
    expect(neverResolved).toEqual([]);
    expect(
      report.unprobedTypes.filter((name) => !reachedBySubscriptionOnly().includes(name)),
    ).toEqual([]);
  });
});

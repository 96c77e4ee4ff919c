import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import {
  controlOf,
  createCustomer,
  ROUTES,
  requestCounts,
  resetRequests,
} from "../support/sandbox-control.js";
import { nextSecond, waitFor } from "../support/wait.js";
import { accountEvent, deliverSigned } from "../support/webhook.js";

const DASHBOARD = "{ accounts(first: 100) { nodes { id status authorization { id } } } }";
interface Dashboard {
  accounts: { nodes: { id: string; status: string; authorization: { id: string } | null }[] };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: "10000000" } });
});
afterAll(() => stack.close());
beforeEach(async () => {
  await controlOf(stack).setWebhookMode("deliver");
});

/** The status the gateway's dashboard shows for one account. */
async function statusOf(customerId: string, accountId: string): Promise<string | undefined> {
  const answer = await graphql<Dashboard>(stack, DASHBOARD, {}, customerId);
  expect(answer.errors).toBeUndefined();
  return answer.data?.accounts.nodes.find((node) => node.id === accountId)?.status;
}

/** The event the sandbox recorded with this id, as Stripe sends it (from `GET /v1/events/{id}`). */
async function eventJson(eventId: string): Promise<string> {
  const response = await fetch(`${stack.sandbox.url}/v1/events/${eventId}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe("webhooks keep the read model current", () => {
  it("a deactivation is visible to the next query once its webhook is acknowledged", async () => {
    const customer = await createCustomer(stack, 2, 1);
    const [accountId] = customer.accounts as [string];
    expect(await statusOf(customer.id, accountId)).toBe("ACTIVE");
    await nextSecond();

    const { events } = await controlOf(stack).account(accountId, "deactivate");
    for (const eventId of events) await controlOf(stack).acknowledged(eventId);
    // The authorization the deactivation implies is re-read in the background.
    await stack.gateway.readModel.rereads.idle();
    await resetRequests(stack);

    expect(await statusOf(customer.id, accountId)).toBe("INACTIVE");
    expect((await requestCounts(stack)).total).toBe(0);
  });

  it("out of order: reactivated, then a late deactivated delivery of an earlier second, is stale and leaves the account active", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    expect(await statusOf(customer.id, accountId)).toBe("ACTIVE");

    await controlOf(stack).setWebhookMode("drop");
    const deactivated = await controlOf(stack).account(accountId, "deactivate");
    await controlOf(stack).setWebhookMode("deliver");
    // Dated a second apart: the gateway knows the reactivation is the newer state.
    await nextSecond();
    const reactivated = await controlOf(stack).account(accountId, "reactivate");
    for (const eventId of reactivated.events) await controlOf(stack).acknowledged(eventId);
    expect(await statusOf(customer.id, accountId)).toBe("ACTIVE");

    const late = deactivated.events.find((id) => id.startsWith("evt_")) ?? "";
    const answer = await deliverSigned(stack, await eventJson(late));
    expect(answer).toMatchObject({ status: 200, body: { outcome: "stale" } });
    expect(await statusOf(customer.id, accountId)).toBe("ACTIVE");
  });

  it("account.created adds a newly linked account to its customer's warm set", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const before = await graphql<Dashboard>(stack, DASHBOARD, {}, customer.id);
    expect(before.data?.accounts.nodes).toHaveLength(1);

    const session = await createSandboxSession(customer.id, customer.authorizations[0] ?? "");
    const { events } = await controlOf(stack).completeSession(session, "new_authorization");
    for (const eventId of events) await controlOf(stack).acknowledged(eventId);
    await resetRequests(stack);

    const after = await graphql<Dashboard>(stack, DASHBOARD, {}, customer.id);
    const created = (after.data?.accounts.nodes ?? []).filter(
      (node) => !customer.accounts.includes(node.id),
    );
    expect(created.length).toBeGreaterThan(0);
    expect((await requestCounts(stack)).routes[ROUTES.listAccounts] ?? 0).toBe(0);
  });

  it("events arriving while a re-read of their account is in flight share one follow-up re-read", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const partial = { id: accountId, object: "financial_connections.account" };
    const event = (index: number) =>
      accountEvent("financial_connections.account.refreshed_balance", partial, {
        id: `evt_coalesce${accountId}${index}`,
      });
    // The first re-read is held by the sandbox; nine more events arrive meanwhile.
    await controlOf(stack).fault({ count: 1, delay_ms: 2_000, route: ROUTES.retrieveAccount });
    await resetRequests(stack);
    const first = deliverSigned(stack, event(0));
    await waitFor(
      async () =>
        (await requestCounts(stack)).routes[ROUTES.retrieveAccount] === 1 ? true : undefined,
      "the first re-read to reach the sandbox",
    );
    const rest = await Promise.all(
      Array.from({ length: 9 }, (_, index) => deliverSigned(stack, event(index + 1))),
    );

    for (const answer of [await first, ...rest]) expect(answer.body.outcome).toBe("stored");
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAccount]).toBe(2);
  });
});

/** Creates a relink session for the customer's authorization, straight on the sandbox. */
async function createSandboxSession(customerId: string, authorizationId: string): Promise<string> {
  const response = await fetch(`${stack.sandbox.url}/v1/financial_connections/sessions`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${SANDBOX_DEV_API_KEY}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body: new URLSearchParams({
      "account_holder[type]": "customer",
      "account_holder[customer]": customerId,
      "permissions[]": "balances",
      "relink_options[authorization]": authorizationId,
    }),
  });
  return ((await response.json()) as { id: string }).id;
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";
import { controlOf, ROUTES, requestCounts, resetRequests } from "../support/sandbox-control.js";
import { waitFor } from "../support/wait.js";

const DASHBOARD = "{ accounts(first: 100) { nodes { id status } } }";
interface Dashboard {
  accounts: { nodes: { id: string; status: string }[] };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { EVENT_SWEEP_INTERVAL_S: "1", RATE_LIMIT_COST_PER_MINUTE: "10000000" },
  });
});
afterAll(async () => {
  await controlOf(stack).setWebhookMode("deliver");
  await stack.close();
});

async function statusOf(customerId: string, accountId: string) {
  const answer = await graphql<Dashboard>(stack, DASHBOARD, {}, customerId);
  expect(answer.errors).toBeUndefined();
  return answer.data?.accounts.nodes.find((node) => node.id === accountId)?.status;
}

describe("missed webhooks are caught up from Stripe's Events API", () => {
  it("with webhooks dropped, the periodic sweep (none started by the test) brings a deactivation in", async () => {
    const customer = await coldCustomer(stack, 2, 1);
    const [accountId] = customer.accounts as [string];
    expect(await statusOf(customer.id, accountId)).toBe("ACTIVE");
    // coldCustomer emptied the store, the sweep's cursor with it: a store without a cursor sweeps
    // what is created from its next sweep on (a store that lost its data lost the dedupe too).
    await stack.gateway.eventSweep.runOnce();

    await controlOf(stack).setWebhookMode("drop");
    await resetRequests(stack);
    const { events } = await controlOf(stack).account(accountId, "deactivate");
    expect(events.length).toBeGreaterThan(0);
    // EVENT_SWEEP_INTERVAL_S=1: the timer's sweep (not one the test starts) must bring it in.
    await waitFor(
      async () => ((await statusOf(customer.id, accountId)) === "INACTIVE" ? true : undefined),
      "the sweep to apply the dropped deactivation",
      10_000,
    );
    // Not the webhook (every delivery was dropped), and not a re-read of the customer's list
    // (the reads were answered from the read model): the Events API, which only the sweep lists.
    const deliveries = await controlOf(stack).deliveriesOf(events[0] ?? "");
    expect(deliveries?.length).toBeGreaterThan(0);
    expect(deliveries?.every((delivery) => delivery.status === "dropped")).toBe(true);
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.listAccounts] ?? 0).toBe(0);
    expect(counts.routes["GET /v1/events"]).toBeGreaterThanOrEqual(1);
  });

  it("an event the webhook already handled is a duplicate to the sweep: not applied twice", async () => {
    await controlOf(stack).setWebhookMode("deliver");
    const customer = await coldCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const { events } = await controlOf(stack).account(accountId, "deactivate");
    for (const eventId of events) await controlOf(stack).acknowledged(eventId);
    await resetRequests(stack);

    const result = await stack.gateway.eventSweep.runOnce();

    expect(result.swept).toBe(true);
    expect(result.outcomes.duplicate ?? 0).toBeGreaterThanOrEqual(events.length);
    const counts = await requestCounts(stack);
    // The sweep listed events and re-read nothing: every event was already handled.
    expect(counts.routes[ROUTES.retrieveAccount] ?? 0).toBe(0);
    expect(counts.routes["GET /v1/events"]).toBeGreaterThanOrEqual(1);
  });

  it("the sweep cursor is kept in the store and /metrics shows the sweep lag", async () => {
    await stack.gateway.eventSweep.runOnce();
    const cursor = await stack.gateway.readModel.store.getMeta("event-sweep-cursor");
    expect(Number(cursor)).toBeGreaterThan(Date.now() / 1000 - 120);
    const metrics = await (await fetch(`${stack.gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^fc_gateway_event_sweep_lag_seconds \d/m);
  });
});

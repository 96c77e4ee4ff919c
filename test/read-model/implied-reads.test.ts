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
import { nextSecond } from "../support/wait.js";
import { deliverSigned } from "../support/webhook.js";

/*
 * What an account event implies beyond its account: Stripe sends no event for the authorization
 * whose accounts went down or came back, nor for the sibling accounts a reactivation brings back
 * with it. The webhook intake re-reads them in the background, shared per object by the events
 * that arrive meanwhile, and fences them so a read meanwhile does not serve the older copy.
 */

const DASHBOARD = "{ accounts(first: 100) { nodes { id status authorization { id status } } } }";
interface DashboardNode {
  id: string;
  status: string;
  authorization: { id: string; status: string } | null;
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { RATE_LIMIT_COST_PER_MINUTE: "10000000", EVENT_SWEEP_INTERVAL_S: "3600" },
  });
});
afterAll(() => stack.close());
beforeEach(async () => {
  await controlOf(stack).setWebhookMode("deliver");
  await controlOf(stack).clearFaults();
});

/** The customer's dashboard, by account id. */
async function dashboard(customerId: string): Promise<Map<string, DashboardNode>> {
  const answer = await graphql<{ accounts: { nodes: DashboardNode[] } }>(
    stack,
    DASHBOARD,
    {},
    customerId,
  );
  expect(answer.errors).toBeUndefined();
  return new Map((answer.data?.accounts.nodes ?? []).map((node) => [node.id, node]));
}

/** The event the sandbox recorded with this id, as Stripe sends it (from `GET /v1/events/{id}`). */
async function eventJson(eventId: string): Promise<string> {
  const response = await fetch(`${stack.sandbox.url}/v1/events/${eventId}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

describe("account events re-read what they imply", () => {
  it("the deactivated events of three accounts of one authorization share its background read: at most one in flight and one follow-up", async () => {
    const customer = await createCustomer(stack, 3, 1);
    for (const id of customer.events ?? []) await controlOf(stack).acknowledged(id);
    await dashboard(customer.id);
    // The events are dated after the dashboard's read: their payloads are the newer states.
    await nextSecond();
    // The first read of the authorization is held a while, so the later events arrive during it.
    await controlOf(stack).fault({
      count: 1,
      delay_ms: 1_000,
      route: ROUTES.retrieveAuthorization,
    });
    await resetRequests(stack);

    const { events } = await controlOf(stack).account(customer.accounts[0] ?? "", "deactivate", {
      cause: "access_expired",
      action: "relink_required",
    });
    expect(events).toHaveLength(3);
    for (const id of events) await controlOf(stack).acknowledged(id);
    // Acknowledged: the authorization reads INACTIVE now, whether or not its read landed.
    for (const node of (await dashboard(customer.id)).values()) {
      expect(node.status).toBe("INACTIVE");
      expect(node.authorization?.status).toBe("INACTIVE");
    }
    await stack.gateway.readModel.rereads.idle();

    const counts = await requestCounts(stack);
    // Each account is its event's payload: none is re-read.
    expect(counts.routes[ROUTES.retrieveAccount]).toBeUndefined();
    // Three events, one authorization: the read in flight when later ones arrive cannot answer
    // them (it may predate their change), so they share one follow-up; never one read each.
    expect(counts.routes[ROUTES.retrieveAuthorization]).toBeGreaterThanOrEqual(1);
    expect(counts.routes[ROUTES.retrieveAuthorization]).toBeLessThanOrEqual(2);
  });

  it("a reactivation of one account revalidates its siblings on the authorization (their own events not delivered)", async () => {
    const customer = await createCustomer(stack, 2, 1);
    const [target, sibling] = customer.accounts as [string, string];
    const expired = await controlOf(stack).account(target, "deactivate", {
      cause: "access_expired",
      action: "relink_required",
    });
    for (const id of expired.events) await controlOf(stack).acknowledged(id);
    const before = await dashboard(customer.id);
    expect(before.get(sibling)?.status).toBe("INACTIVE");

    await controlOf(stack).setWebhookMode("drop");
    const reactivated = await controlOf(stack).account(target, "reactivate");
    await controlOf(stack).setWebhookMode("deliver");
    expect(reactivated.events).toHaveLength(2);
    const targetEvent = await eventJson(reactivated.events[0] ?? "");
    expect(JSON.parse(targetEvent).data.object.id).toBe(target);
    expect(await deliverSigned(stack, targetEvent)).toMatchObject({
      status: 200,
      body: { outcome: "published" },
    });

    const after = await dashboard(customer.id);
    expect(after.get(target)?.status).toBe("ACTIVE");
    expect(after.get(sibling)?.status).toBe("ACTIVE");
    expect(after.get(sibling)?.authorization?.status).toBe("ACTIVE");
  });
});

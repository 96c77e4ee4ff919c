import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { CORRECTION_SUFFIX } from "../../src/webhooks/lifecycle-at-once.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { type Feed, feed, liveClient, receivedBefore, registered } from "../support/live.js";
import {
  control,
  controlOf,
  createCustomer,
  ROUTES,
  requestCounts,
  resetRequests,
} from "../support/sandbox-control.js";
import { nextSecond } from "../support/wait.js";
import { deliverSigned } from "../support/webhook.js";

/*
 * A lifecycle event reaches subscribers without waiting for Stripe (issue 23, point 0): a
 * verified event carries the account's state at its `created`, which is published at once; what
 * it implies (the authorization, Stripe sends no event for it) is fenced and re-read in the
 * background, and where the order against the read model's copy is unsure the account is re-read
 * too, and corrected when Stripe's state differs from what was published.
 */

const STATUS_CHANGES = `subscription {
  accountStatusChanged { eventId type account { id status } }
}`;
interface StatusChange {
  accountStatusChanged: { eventId: string; type: string; account: { id: string; status: string } };
}
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

/** The customer's dashboard: its answer's nodes by id, and its errors. */
async function dashboard(customerId: string) {
  const answer = await graphql<{ accounts: { nodes: DashboardNode[] } }>(
    stack,
    "{ accounts(first: 100) { nodes { id status authorization { id status } } } }",
    {},
    customerId,
  );
  const nodes = new Map((answer.data?.accounts.nodes ?? []).map((node) => [node.id, node]));
  return { nodes, errors: answer.errors ?? [] };
}

/** The event the sandbox recorded with this id, as Stripe sends it. */
async function eventOf(eventId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${stack.sandbox.url}/v1/events/${eventId}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

/** A subscription of every lifecycle change of the customer's, registered on the gateway. */
async function statusChanges(customerId: string): Promise<Feed<StatusChange>> {
  const client = await liveClient(stack, customerId);
  return registered(stack.gateway, customerId, () => feed<StatusChange>(client, STATUS_CHANGES));
}

describe("a lifecycle event is published without waiting for Stripe", () => {
  it("reaches its subscriber while Stripe answers every call with 500: no Stripe read had succeeded when it arrived", async () => {
    const customer = await createCustomer(stack, 1, 1);
    for (const id of customer.events ?? []) await controlOf(stack).acknowledged(id);
    const [accountId] = customer.accounts as [string];
    const [authorizationId] = customer.authorizations as [string];
    expect((await dashboard(customer.id)).nodes.get(accountId)?.authorization?.status).toBe(
      "ACTIVE",
    );
    const live = await statusChanges(customer.id);
    // The event is dated after the dashboard's read: its payload is known to be the newer state.
    await nextSecond();
    await resetRequests(stack);
    await controlOf(stack).fault({ status: 500, count: 1_000 });

    const { events } = await controlOf(stack).account(accountId, "deactivate", {
      cause: "access_expired",
      action: "relink_required",
    });
    await live.changes.until(
      () => (live.events.length > 0 ? true : undefined),
      "the deactivation at the subscriber",
    );
    // At delivery the fault was not used up: every Stripe request the gateway had made by then
    // was answered 500 (none succeeded), and the account itself was never asked for.
    const { faults } = await control<{ faults: { remaining: number }[] }>(
      stack,
      "GET",
      "/_sandbox/faults",
    );
    expect(faults[0]?.remaining).toBeGreaterThan(0);
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAccount]).toBeUndefined();
    expect(live.events[0]?.accountStatusChanged).toEqual({
      eventId: events[0],
      type: "DEACTIVATED",
      account: { id: accountId, status: "INACTIVE" },
    });
    const [delivery] = await controlOf(stack).acknowledged(events[0] ?? "");
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 1, last_status_code: 200 });

    // Acknowledged while Stripe still fails: the authorization is not served as the stale
    // ACTIVE copy (its read goes to Stripe, which fails), the account is the event's state.
    const meanwhile = await dashboard(customer.id);
    expect(meanwhile.nodes.get(accountId)?.status).toBe("INACTIVE");
    expect(meanwhile.nodes.get(accountId)?.authorization?.status).not.toBe("ACTIVE");
    expect(meanwhile.errors.length).toBeGreaterThan(0);

    // Stripe answers again: the background re-read (retried) stores the authorization.
    await controlOf(stack).clearFaults();
    await stack.gateway.readModel.rereads.idle();
    const stored = await stack.gateway.readModel.store.get(
      "authorization",
      customer.id,
      authorizationId,
    );
    expect(stored?.object.status).toBe("inactive");
    const after = await dashboard(customer.id);
    expect(after.errors).toEqual([]);
    expect(after.nodes.get(accountId)?.authorization?.status).toBe("INACTIVE");
    live.stop();
  });
});

describe("an event whose order against the read model's copy is unsure (the same second)", () => {
  /**
   * A customer with one account whose copy the read model holds, and the deactivation of that
   * account (its webhook dropped) dated in the second of that copy, so that the gateway cannot
   * tell which is newer. `thenAtStripe` runs after the deactivation, its webhooks dropped too.
   */
  async function unsureDeactivation(thenAtStripe?: (accountId: string) => Promise<unknown>) {
    const customer = await createCustomer(stack, 1, 1);
    for (const id of customer.events ?? []) await controlOf(stack).acknowledged(id);
    const [accountId] = customer.accounts as [string];
    expect((await dashboard(customer.id)).nodes.get(accountId)?.status).toBe("ACTIVE");
    const copy = await stack.gateway.readModel.store.get("account", customer.id, accountId);
    expect(copy).toBeDefined();
    const live = await statusChanges(customer.id);

    await controlOf(stack).setWebhookMode("drop");
    const { events } = await controlOf(stack).account(accountId, "deactivate");
    await thenAtStripe?.(accountId);
    await controlOf(stack).setWebhookMode("deliver");
    const eventId = events[0] ?? "";
    const event = await eventOf(eventId);
    const created = Math.floor((copy?.checkedAt ?? 0) / 1000);
    const answer = await deliverSigned(stack, JSON.stringify({ ...event, created }));
    expect(answer).toMatchObject({ status: 200, body: { outcome: "published" } });
    return { customer, accountId, eventId, live };
  }

  it("is published at once, and corrected when Stripe's state differs (the account was reactivated since)", async () => {
    const { customer, accountId, eventId, live } = await unsureDeactivation((id) =>
      controlOf(stack).account(id, "reactivate"),
    );
    // Acknowledged: the next answer agrees with Stripe (ACTIVE), whatever was published.
    expect((await dashboard(customer.id)).nodes.get(accountId)?.status).toBe("ACTIVE");

    const correction = `${eventId}${CORRECTION_SUFFIX}`;
    const before = await receivedBefore(
      live,
      (event) => event.accountStatusChanged.eventId === correction,
      "the correction",
    );
    expect(before.map((event) => event.accountStatusChanged)).toEqual([
      { eventId, type: "DEACTIVATED", account: { id: accountId, status: "INACTIVE" } },
    ]);
    expect(live.events[1]?.accountStatusChanged).toEqual({
      eventId: correction,
      type: "REACTIVATED",
      account: { id: accountId, status: "ACTIVE" },
    });
    live.stop();
  });

  it("is published at once, and not corrected when Stripe's state is the published one", async () => {
    const { customer, accountId, eventId, live } = await unsureDeactivation();
    expect((await dashboard(customer.id)).nodes.get(accountId)?.status).toBe("INACTIVE");
    // The background re-read has compared Stripe's answer with what was published.
    await stack.gateway.readModel.rereads.idle();
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAccount]).toBeGreaterThan(0);

    // A later change, delivered: the next event the subscriber receives is it, no correction.
    await nextSecond();
    const { events } = await controlOf(stack).account(accountId, "reactivate");
    const reactivation = events[0] ?? "";
    const before = await receivedBefore(
      live,
      (event) => event.accountStatusChanged.eventId === reactivation,
      "the reactivation",
    );
    expect(before.map((event) => event.accountStatusChanged.eventId)).toEqual([eventId]);
    live.stop();
  });
});

import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { type Feed, feed, liveClient, waitForSubscribers } from "../support/live.js";
import { coldCustomer } from "../support/read-model.js";
import { controlOf, ROUTES, requestCounts, resetRequests } from "../support/sandbox-control.js";
import { eventually, nextSecond } from "../support/wait.js";
import { deliverSigned } from "../support/webhook.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { WS_MAX_SUBSCRIPTIONS_PER_SOCKET: "20", RATE_LIMIT_COST_PER_MINUTE: "10000000" },
  });
});
afterAll(() => stack.close());

describe("subscriptions publish what the read model holds", () => {
  it("20 subscriptions on one socket, warm: one event costs one read of its authorization (the account is the event's own state)", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const warm = await graphql(
      stack,
      "{ accounts { nodes { id authorization { id } } } }",
      {},
      customer.id,
    );
    expect(warm.errors).toBeUndefined();
    // The event is dated after the warm read: its payload is known to be the newer state.
    await nextSecond();

    const client = await liveClient(stack, customer.id);
    const feeds = Array.from({ length: 20 }, () =>
      feed<{
        accountDeactivated: { account: { status: string; authorization: { status: string } } };
      }>(
        client,
        "subscription { accountDeactivated { eventId account { status authorization { status } } } }",
      ),
    );
    await waitForSubscribers(stack.gateway, customer.id, 20);
    await resetRequests(stack);

    await controlOf(stack).account(accountId, "deactivate");
    await eventually(
      () => feeds.every((live) => live.events.length === 1),
      5_000,
      "every subscription's event",
    );

    for (const live of feeds) {
      expect(live.events[0]?.accountDeactivated.account.status).toBe("INACTIVE");
      live.stop();
    }
    // A deactivation can take the authorization down: Stripe sends no event for it, it is re-read
    // (in the background: the subscribers do not select it). The account is the event's payload.
    await stack.gateway.readModel.rereads.idle();
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAccount]).toBeUndefined();
    expect(counts.routes[ROUTES.retrieveAuthorization]).toBe(1);
    expect(counts.total).toBe(1);
    await client.dispose();
  });

  it("20 subscriptions on one socket, cold: a deactivation costs one read of its authorization, shared by the intake's background read and the 20 resolutions", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const { client, feeds } = await twentySubscribers(customer.id, "accountDeactivated");
    await resetRequests(stack);

    await controlOf(stack).account(accountId, "deactivate");
    await eventually(
      () => feeds.every((live) => live.events.length === 1 || live.errors.length > 0),
      5_000,
      "every subscription's event",
    );

    expectAuthorizationsOf(feeds, "accountDeactivated", customer.authorizations[0] ?? "");
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAccount]).toBeUndefined();
    expect(counts.routes[ROUTES.retrieveAuthorization]).toBe(1);
    expect(counts.total).toBe(1);
    await client.dispose();
    // A retry of the intake's background re-read must not land in the next test's count.
    await stack.gateway.readModel.rereads.idle();
  });

  it("20 subscriptions on one socket, cold: concurrent resolutions of one event share one read of the authorization they select", async () => {
    // An upcoming deactivation does not re-read the authorization in the intake (its own events
    // do that; they are not delivered here): the 20 resolutions are the ones reading it.
    const customer = await coldCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const { client, feeds } = await twentySubscribers(customer.id, "accountDeactivationUpcoming");
    await controlOf(stack).setWebhookMode("drop");
    const { events } = await controlOf(stack).account(accountId, "upcoming_deactivation");
    await controlOf(stack).setWebhookMode("deliver");
    const accountEvent = await eventJson(events[0] ?? "");
    await resetRequests(stack);

    const answer = await deliverSigned(stack, accountEvent);
    expect(answer.status).toBe(200);
    await eventually(
      () => feeds.every((live) => live.events.length === 1 || live.errors.length > 0),
      5_000,
      "every subscription's event",
    );

    expectAuthorizationsOf(feeds, "accountDeactivationUpcoming", customer.authorizations[0] ?? "");
    const counts = await requestCounts(stack);
    // The account is the event's payload; one read of the one object the subscribers select.
    expect(counts.routes[ROUTES.retrieveAccount]).toBeUndefined();
    expect(counts.routes[ROUTES.retrieveAuthorization]).toBe(1);
    expect(counts.total).toBe(1);
    await client.dispose();
  });
});

type LifecycleField = "accountDeactivated" | "accountDeactivationUpcoming";
type Selected = Record<string, { account: { authorization: { id: string; status: string } } }>;

/** 20 subscriptions of `field` on one socket, each selecting the account's authorization. */
async function twentySubscribers(
  customerId: string,
  field: LifecycleField,
): Promise<{ client: Client; feeds: Feed<Selected>[] }> {
  const client = await liveClient(stack, customerId);
  const feeds = Array.from({ length: 20 }, () =>
    feed<Selected>(client, `subscription { ${field} { account { authorization { id status } } } }`),
  );
  await waitForSubscribers(stack.gateway, customerId, 20);
  return { client, feeds };
}

/** Asserts that every feed received one event, without errors, naming the authorization. */
function expectAuthorizationsOf(feeds: Feed<Selected>[], field: LifecycleField, id: string) {
  for (const live of feeds) {
    expect(live.errors).toEqual([]);
    expect(live.events[0]?.[field]?.account.authorization.id).toBe(id);
    live.stop();
  }
}

/** The event the sandbox recorded with this id, as Stripe sends it (from `GET /v1/events/{id}`). */
async function eventJson(eventId: string): Promise<string> {
  const response = await fetch(`${stack.sandbox.url}/v1/events/${eventId}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  expect(response.status).toBe(200);
  return response.text();
}

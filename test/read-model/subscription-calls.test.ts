import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { feed, liveClient, waitForSubscribers } from "../support/live.js";
import { coldCustomer } from "../support/read-model.js";
import { controlOf, ROUTES, requestCounts, resetRequests } from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: { WS_MAX_SUBSCRIPTIONS_PER_SOCKET: "20", RATE_LIMIT_COST_PER_MINUTE: "10000000" },
  });
});
afterAll(() => stack.close());

describe("subscriptions publish what the read model holds", () => {
  it("20 subscriptions on one socket cost one Stripe call for one event (the intake's re-read)", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const warm = await graphql(
      stack,
      "{ accounts { nodes { id authorization { id } } } }",
      {},
      customer.id,
    );
    expect(warm.errors).toBeUndefined();

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
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAccount]).toBe(1);
    expect(counts.total).toBe(1);
    await client.dispose();
  });
});

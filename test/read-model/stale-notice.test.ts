import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { liveClient, waitForSubscribers } from "../support/live.js";
import { coldCustomer } from "../support/read-model.js";
import { controlOf } from "../support/sandbox-control.js";
import { waitFor } from "../support/wait.js";
import { wsOperation } from "../support/ws-operation.js";

/**
 * An answer that served a read-model copy older than READ_MODEL_MAX_AGE_S says so in
 * `extensions.readModel`, whatever transport carried it: HTTP, a query over graphql-ws, and each
 * result of a subscription.
 */
const DASHBOARD = "{ accounts(first: 100) { nodes { id status checkedAt } } }";
const STATUS_CHANGES = /* GraphQL */ `
  subscription {
    accountStatusChanged { type account { id authorization { id status accounts { id checkedAt } } } }
  }
`;

interface ReadModelNotice {
  stale: boolean;
  oldestCheckedAt: string;
}
type WithExtensions = { extensions?: { readModel?: ReadModelNotice } };

let stack: TestStack;
const clients: Client[] = [];
beforeAll(async () => {
  stack = await startStack({
    env: { READ_MODEL_MAX_AGE_S: "1", RATE_LIMIT_COST_PER_MINUTE: "10000000" },
  });
});
afterAll(async () => {
  for (const client of clients) await client.dispose();
  await stack.close();
});

/** A customer whose stored copies are older than the max age; returns it and their checkedAt. */
async function staleCustomer() {
  const customer = await coldCustomer(stack, 1, 1);
  const answer = await graphql<{ accounts: { nodes: { checkedAt: string }[] } }>(
    stack,
    DASHBOARD,
    {},
    customer.id,
  );
  const checkedAt = answer.data?.accounts.nodes[0]?.checkedAt ?? "";
  await waitFor(
    () => (Date.now() - Date.parse(checkedAt) > 1_000 ? true : undefined),
    "the stored copies to pass READ_MODEL_MAX_AGE_S",
  );
  return { customer, checkedAt };
}

async function socketOf(customerId: string): Promise<Client> {
  const client = await liveClient(stack, customerId);
  clients.push(client);
  return client;
}

describe("the stale-copy notice reaches every transport", () => {
  it("HTTP: a query served a stale copy says so", async () => {
    const { customer, checkedAt } = await staleCustomer();
    const answer = await graphql(stack, DASHBOARD, {}, customer.id);
    expect((answer as WithExtensions).extensions?.readModel).toEqual({
      stale: true,
      oldestCheckedAt: checkedAt,
    });
  });

  it("WebSocket: a query served a stale copy says so", async () => {
    const { customer, checkedAt } = await staleCustomer();
    const answer = await wsOperation(await socketOf(customer.id), DASHBOARD);
    expect(answer.errors).toBeUndefined();
    expect((answer as WithExtensions).extensions?.readModel).toEqual({
      stale: true,
      oldestCheckedAt: checkedAt,
    });
  });

  it("WebSocket: a fresh answer carries no notice", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const answer = await wsOperation(await socketOf(customer.id), DASHBOARD);
    expect(answer.errors).toBeUndefined();
    expect((answer as WithExtensions).extensions?.readModel).toBeUndefined();
  });

  it("WebSocket: a subscription result whose fields were served from a stale copy says so", async () => {
    // Two accounts on one authorization: the event's account and its authorization are re-read
    // by the webhook intake (fresh), the sibling the result lists is a stale copy.
    const customer = await coldCustomer(stack, 2, 1);
    const [accountId, siblingId] = customer.accounts as [string, string];
    const client = await socketOf(customer.id);
    const received: WithExtensions[] = [];
    const stop = client.subscribe(
      { query: STATUS_CHANGES },
      {
        next: (result) => void received.push(result as WithExtensions),
        error: () => {},
        complete: () => {},
      },
    );
    await waitForSubscribers(stack.gateway, customer.id, 1);
    // The accounts are stored by a first read, and then age past the max age.
    const { checkedAt } = await (async () => {
      const answer = await graphql<{ accounts: { nodes: { id: string; checkedAt: string }[] } }>(
        stack,
        DASHBOARD,
        {},
        customer.id,
      );
      const sibling = answer.data?.accounts.nodes.find((node) => node.id === siblingId);
      const siblingCheckedAt = sibling?.checkedAt ?? "";
      await waitFor(
        () => (Date.now() - Date.parse(siblingCheckedAt) > 1_000 ? true : undefined),
        "the stored accounts to pass READ_MODEL_MAX_AGE_S",
      );
      return { checkedAt: siblingCheckedAt };
    })();

    const { events } = await controlOf(stack).account(accountId, "disconnect");
    for (const eventId of events) await controlOf(stack).acknowledged(eventId);
    const pushed = await waitFor(
      () => (received.length > 0 ? received[0] : undefined),
      "the disconnection to be pushed",
    );
    stop();
    expect(pushed.extensions?.readModel).toEqual({ stale: true, oldestCheckedAt: checkedAt });
  });
});

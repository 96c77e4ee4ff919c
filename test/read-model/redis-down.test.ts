import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { controlOf, ROUTES, requestCounts, resetRequests } from "../support/sandbox-control.js";
import { accountEvent, deliverSigned } from "../support/webhook.js";

const DASHBOARD = "{ accounts(first: 100) { nodes { id status authorization { id } } } }";

// A Redis nobody listens on: every read-model command fails at once.
const DOWN = { REDIS_URL: "redis://127.0.0.1:1", RATE_LIMIT_COST_PER_MINUTE: "10000000" };

describe("with Redis unreachable, the read model degrades to Stripe, never to wrong data", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: DOWN });
  });
  afterAll(() => stack?.close());

  it("reads fall back to Stripe: each dashboard costs the lower bound and answers the viewer's data", async () => {
    const customer = await controlOf(stack).createCustomer({ accounts: 3, authorizations: 1 });
    for (const round of [1, 2]) {
      await resetRequests(stack);
      const answer = await graphql<{ accounts: { nodes: { id: string }[] } }>(
        stack,
        DASHBOARD,
        {},
        customer.id,
      );
      expect(answer.errors, `round ${round}`).toBeUndefined();
      expect(answer.data?.accounts.nodes.map((node) => node.id).sort()).toEqual(
        [...customer.accounts].sort(),
      );
      const counts = await requestCounts(stack);
      expect(counts.routes[ROUTES.listAccounts]).toBe(1);
      expect(counts.routes[ROUTES.retrieveAuthorization]).toBe(1);
    }
  });

  it("webhooks answer 5xx so Stripe redelivers", async () => {
    const customer = await controlOf(stack).createCustomer({ accounts: 1, authorizations: 1 });
    const [accountId] = customer.accounts as [string];
    const account = (await (
      await fetch(`${stack.sandbox.url}/v1/financial_connections/accounts/${accountId}`, {
        headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
      })
    ).json()) as Record<string, unknown>;
    const answer = await deliverSigned(
      stack,
      accountEvent("financial_connections.account.refreshed_balance", account, {
        id: `evt_redisdown${accountId}`,
      }),
    );
    expect(answer.status).toBeGreaterThanOrEqual(500);
  });
});

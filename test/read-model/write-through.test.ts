import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRelinkSession } from "../relink/relink-helpers.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";
import {
  controlOf,
  createCustomer,
  requestCounts,
  resetRequests,
  type SandboxCustomer,
} from "../support/sandbox-control.js";

/**
 * With webhooks dropped (and no sweep within the test: EVENT_SWEEP_INTERVAL_S is an hour), only
 * the gateway's own writes can change what the read model holds: what an account mutation or a
 * relink session read obtained from Stripe must be in it, so the next plain query shows it with
 * 0 Stripe calls.
 */
const DASHBOARD = /* GraphQL */ `
  query Dashboard {
    accounts(first: 100) { nodes { id status subscriptions authorization { id status } } }
  }
`;
interface DashboardNode {
  id: string;
  status: string;
  subscriptions: string[];
  authorization: { id: string; status: string } | null;
}
interface DashboardData {
  accounts: { nodes: DashboardNode[] };
}

const OUTCOME = /* GraphQL */ `
  query Outcome($id: ID!) {
    relinkSession(id: $id) {
      outcome
      authorization { id status }
      reconciliation {
        reactivatedAccounts { id status }
        newAccounts { id status }
      }
    }
  }
`;
interface OutcomeData {
  relinkSession: {
    outcome: string;
    authorization: { id: string; status: string } | null;
    reconciliation: {
      reactivatedAccounts: { id: string; status: string }[];
      newAccounts: { id: string; status: string }[];
    } | null;
  };
}

let stack: TestStack;
/** The viewer's dashboard, by account id. */
async function dashboard(customerId: string): Promise<Map<string, DashboardNode>> {
  const answer = await graphql<DashboardData>(stack, DASHBOARD, {}, customerId);
  expect(answer.errors).toBeUndefined();
  return new Map((answer.data?.accounts.nodes ?? []).map((node) => [node.id, node]));
}

/** The next plain dashboard, asserting it cost no Stripe call. */
async function warmDashboard(customerId: string): Promise<Map<string, DashboardNode>> {
  await resetRequests(stack);
  const answer = await dashboard(customerId);
  expect((await requestCounts(stack)).total).toBe(0);
  return answer;
}

async function mutate(name: string, accountId: string, customerId: string) {
  const answer = await graphql<Record<string, { account: { status: string } | null }>>(
    stack,
    `mutation($input: AccountActionInput!) { ${name}(input: $input) { account { status } userErrors { code } } }`,
    { input: { accountId } },
    customerId,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data?.[name]?.account;
}

/** A customer with one authorization whose accounts all need a relink, the read model warm and knowing it. */
async function brokenAuthorization(accounts: number): Promise<SandboxCustomer> {
  const customer = await createCustomer(stack, accounts, 1);
  // An expired login deactivates every account of the authorization.
  const { events } = await controlOf(stack).account(customer.accounts[0] ?? "", "deactivate", {
    cause: "access_expired",
    action: "relink_required",
  });
  for (const eventId of events) await controlOf(stack).acknowledged(eventId);
  const before = await dashboard(customer.id);
  for (const accountId of customer.accounts) {
    expect(before.get(accountId)?.status).toBe("INACTIVE");
    expect(before.get(accountId)?.authorization?.status).toBe("INACTIVE");
  }
  // The deactivations' background re-reads may outlast the dashboard: end them before warm counts.
  await stack.gateway.readModel.rereads.idle();
  return customer;
}

/** Relinks the customer's authorization through the gateway and finishes it with `outcome` (webhooks dropped). */
async function relink(customer: SandboxCustomer, outcome: "relinked" | "new_authorization") {
  const created = await createRelinkSession(stack, customer.id, {
    authorizationId: customer.authorizations[0],
    permissions: ["BALANCES"],
  });
  const sessionId = created.relinkSession?.id ?? "";
  await controlOf(stack).setWebhookMode("drop");
  await controlOf(stack).completeSession(sessionId, outcome);
  const done = await graphql<OutcomeData>(stack, OUTCOME, { id: sessionId }, customer.id);
  expect(done.errors).toBeUndefined();
  return done.data?.relinkSession;
}

const redisReachable = await redisAvailableFor("the Redis read-model write-through tests");
const stores: [string, Record<string, string>, boolean][] = [
  ["in memory", {}, false],
  ["in Redis", { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}` }, !redisReachable],
];

describe.each(stores)(
  "what the gateway obtains from Stripe is written through to the read model %s",
  (_name, storeEnv, skip) => {
    beforeAll(async () => {
      if (skip) return;
      stack = await startStack({
        env: {
          RATE_LIMIT_COST_PER_MINUTE: "10000000",
          EVENT_SWEEP_INTERVAL_S: "3600",
          ...storeEnv,
        },
      });
    });
    afterAll(async () => {
      if (skip) return;
      await controlOf(stack).setWebhookMode("deliver");
      await stack.gateway.readModel.store.clear();
      await stack.close();
    });
    beforeEach(async () => {
      if (!skip) await controlOf(stack).setWebhookMode("deliver");
    });

    it.skipIf(skip)(
      "an account mutation's answer is what the next plain query shows (webhooks dropped)",
      async () => {
        const customer = await createCustomer(stack, 2, 1);
        const [disconnected, subscribed] = customer.accounts as [string, string];
        await dashboard(customer.id);
        await controlOf(stack).setWebhookMode("drop");

        expect((await mutate("disconnectAccount", disconnected, customer.id))?.status).toBe(
          "DISCONNECTED",
        );
        await mutate("subscribeAccountTransactions", subscribed, customer.id);

        const after = await warmDashboard(customer.id);
        expect(after.get(disconnected)?.status).toBe("DISCONNECTED");
        expect(after.get(subscribed)?.subscriptions).toEqual(["TRANSACTIONS"]);
      },
    );

    it.skipIf(skip)(
      "a relinked session's outcome: the repaired accounts and their authorization are active in the next plain query",
      async () => {
        const customer = await brokenAuthorization(2);
        const session = await relink(customer, "relinked");
        expect(session?.outcome).toBe("RELINKED");
        expect(session?.authorization?.status).toBe("ACTIVE");
        expect(
          session?.reconciliation?.reactivatedAccounts.map((account) => account.id).sort(),
        ).toEqual([...customer.accounts].sort());

        const after = await warmDashboard(customer.id);
        for (const accountId of customer.accounts) {
          expect(after.get(accountId)?.status).toBe("ACTIVE");
          expect(after.get(accountId)?.authorization?.status).toBe("ACTIVE");
        }
      },
    );

    it.skipIf(skip)(
      "a relink that linked new credentials: the new accounts are in the next plain query",
      async () => {
        const customer = await brokenAuthorization(1);
        const session = await relink(customer, "new_authorization");
        expect(session?.outcome).toBe("NEW_AUTHORIZATION");
        const created = session?.reconciliation?.newAccounts.map((account) => account.id) ?? [];
        expect(created.length).toBeGreaterThan(0);

        await resetRequests(stack);
        const answer = await graphql<{ accounts: { nodes: { id: string; status: string }[] } }>(
          stack,
          "{ accounts(first: 100) { nodes { id status } } }",
          {},
          customer.id,
        );
        expect((await requestCounts(stack)).total).toBe(0);
        const ids = (answer.data?.accounts.nodes ?? []).map((node) => node.id);
        for (const accountId of [...customer.accounts, ...created])
          expect(ids).toContain(accountId);
      },
    );
  },
);

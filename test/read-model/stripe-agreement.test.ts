import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deriveAccountHealth } from "../../src/health/account-health.js";
import { deriveAuthorizationHealth } from "../../src/health/authorization-health.js";
import type { StripeAccount, StripeAuthorization } from "../../src/stripe/wire-types.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { readModelsUnderTest } from "../support/read-model.js";
import { redisAvailableFor } from "../support/redis.js";
import {
  type AccountAction,
  controlOf,
  type RelinkOutcome,
  type SandboxCustomer,
} from "../support/sandbox-control.js";
import { rawRequest, stripeClient } from "../support/stripe-client.js";
import { listData, pick } from "../support/stripe-json.js";

/*
 * The gateway's consistency promise for webhooks, end to end: once the sandbox (as Stripe) has
 * the webhooks of a lifecycle action acknowledged, the next dashboard shows, for every account
 * and authorization of the customer, what Stripe's own `GET /v1/financial_connections/...`
 * answers, field by field. Stripe sends no event for an authorization whose accounts changed:
 * the gateway has to infer it. No sweep runs within the test (EVENT_SWEEP_INTERVAL_S is an
 * hour) and relink sessions are created straight on the sandbox, so only the webhooks can bring
 * the read model up to date.
 */

const DASHBOARD = /* GraphQL */ `
  query Dashboard {
    accounts(first: 100) {
      nodes {
        id
        status
        permissions
        subscriptions
        balanceRefresh { status }
        health { state cause action expectedDeactivationAt }
        authorization { id status health { state action } }
      }
    }
  }
`;

/** One account of the dashboard, as the gateway answers it (or as Stripe's answer should read). */
interface DashboardAccount {
  id: string;
  status: string;
  permissions: string[];
  subscriptions: string[];
  balanceRefresh: { status: string } | null;
  health: {
    state: string;
    cause: string | null;
    action: string;
    expectedDeactivationAt: string | null;
  };
  authorization: { id: string; status: string; health: { state: string; action: string } } | null;
}

/** Stripe's current state of the customer's accounts and their authorizations. */
interface StripeState {
  accounts: StripeAccount[];
  authorizations: Map<string, StripeAuthorization>;
}

let stack: TestStack;
let stripe: Stripe;

/** The gateway's dashboard for the customer, by account id order. */
async function dashboard(customerId: string): Promise<DashboardAccount[]> {
  const answer = await graphql<{ accounts: { nodes: DashboardAccount[] } }>(
    stack,
    DASHBOARD,
    {},
    customerId,
  );
  expect(answer.errors).toBeUndefined();
  return [...(answer.data?.accounts.nodes ?? [])].sort((a, b) => a.id.localeCompare(b.id));
}

/** What Stripe (the sandbox's `/v1`, through the stripe SDK) answers for the customer now. */
async function stripeState(customerId: string): Promise<StripeState> {
  const listed = await rawRequest(stripe, "GET", "/v1/financial_connections/accounts", {
    account_holder: { customer: customerId },
    limit: 100,
  });
  const accounts = listData(listed) as StripeAccount[];
  const authorizations = new Map<string, StripeAuthorization>();
  for (const id of new Set(accounts.map((account) => String(account.authorization)))) {
    const authorization = await rawRequest(
      stripe,
      "GET",
      `/v1/financial_connections/authorizations/${id}`,
    );
    authorizations.set(id, authorization as StripeAuthorization);
  }
  return { accounts, authorizations };
}

const upper = (value: string) => value.toUpperCase();

/** The dashboard Stripe's state calls for: each field from the Stripe field it shows. */
function dashboardOf(state: StripeState): DashboardAccount[] {
  return state.accounts
    .map((account): DashboardAccount => {
      const health = deriveAccountHealth(account);
      const authorization = state.authorizations.get(String(account.authorization));
      return {
        id: account.id,
        status: upper(account.status),
        permissions: (account.permissions ?? []).map(upper),
        subscriptions: (account.subscriptions ?? []).map(upper),
        balanceRefresh: account.balance_refresh
          ? { status: upper(account.balance_refresh.status) }
          : null,
        health: {
          state: health.state,
          cause: health.cause ?? null,
          action: health.action,
          expectedDeactivationAt: health.expectedDeactivationAt
            ? new Date(health.expectedDeactivationAt).toISOString()
            : null,
        },
        authorization: authorization
          ? {
              id: authorization.id,
              status: upper(authorization.status),
              health: {
                state: deriveAuthorizationHealth(authorization).state,
                action: deriveAuthorizationHealth(authorization).action,
              },
            }
          : null,
      };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Ids of every event the sandbox has emitted so far. */
async function eventIds(): Promise<Set<string>> {
  return new Set((await controlOf(stack).events()).map((event) => String(pick(event, "id"))));
}

/** Waits until every event emitted since `before` was acknowledged by the gateway; returns them. */
async function acknowledgedSince(before: Set<string>): Promise<string[]> {
  const emitted = [...(await eventIds())].filter((id) => !before.has(id));
  for (const id of emitted) await controlOf(stack).acknowledged(id);
  return emitted;
}

/** Runs a control action on an account and waits until its webhooks are acknowledged. */
async function settled(accountId: string, action: AccountAction, body = {}): Promise<void> {
  const { events } = await controlOf(stack).account(accountId, action, body);
  expect(events.length).toBeGreaterThan(0);
  for (const id of events) await controlOf(stack).acknowledged(id);
}

/** Creates a relink session of the authorization straight on the sandbox (not through the gateway). */
async function sandboxRelinkSession(customerId: string, authorizationId: string): Promise<string> {
  const session = await rawRequest(stripe, "POST", "/v1/financial_connections/sessions", {
    account_holder: { type: "customer", customer: customerId },
    permissions: ["balances", "transactions"],
    relink_options: { authorization: authorizationId },
  });
  return String(pick(session, "id"));
}

/** The disconnectAccount mutation through the gateway, as the customer; the payload's status. */
async function gatewayDisconnect(customerId: string, accountId: string) {
  const answer = await graphql<{ disconnectAccount: { account: { status: string } | null } }>(
    stack,
    "mutation($input: AccountActionInput!) { disconnectAccount(input: $input) { account { status } } }",
    { input: { accountId } },
    customerId,
  );
  expect(answer.errors).toBeUndefined();
  return answer.data?.disconnectAccount.account?.status;
}

/** One lifecycle action: how to get a customer ready for it, and the action itself. */
interface Case {
  name: string;
  /** Accounts and authorizations of the customer (accounts go round-robin over authorizations). */
  shape: [accounts: number, authorizations: number];
  /** Brings the customer to the state the action starts from (its webhooks acknowledged). */
  prepare?: (customer: SandboxCustomer) => Promise<void>;
  /**
   * Runs the action and asserts that it succeeded. Returns what it changed besides accounts and
   * authorizations ("session": a failed relink changes only its session), else nothing.
   */
  act: (customer: SandboxCustomer) => Promise<"session" | undefined>;
}

const first = (customer: SandboxCustomer) => customer.accounts[0] ?? "";
const firstAuthorization = (customer: SandboxCustomer) => customer.authorizations[0] ?? "";
const expire = (customer: SandboxCustomer) =>
  settled(first(customer), "deactivate", { cause: "access_expired", action: "relink_required" });

/** Finishes a relink session of the customer's first authorization with `outcome`. */
function relinkCase(outcome: RelinkOutcome, prepare = expire, name: string = outcome): Case {
  return {
    name: `a relink session completed with the outcome ${name}`,
    shape: [3, 2],
    prepare,
    act: async (customer) => {
      const session = await sandboxRelinkSession(customer.id, firstAuthorization(customer));
      const answer = await controlOf(stack).completeSession(session, outcome);
      const status = pick(answer, "session", "status");
      expect(status).toBe(
        outcome === "relinked" || outcome === "new_authorization" ? "succeeded" : "failed",
      );
      return status === "failed" ? "session" : undefined;
    },
  };
}

const CASES: Case[] = [
  {
    name: "deactivate (the account was closed: that account only)",
    shape: [3, 2],
    act: async (customer) => {
      await controlOf(stack).account(first(customer), "deactivate", {
        cause: "account_closed",
        action: "none",
      });
      return undefined;
    },
  },
  {
    name: "expire (the credentials expired: the authorization and every account on it)",
    shape: [3, 2],
    act: async (customer) => {
      await controlOf(stack).account(first(customer), "deactivate", {
        cause: "access_expired",
        action: "relink_required",
      });
      return undefined;
    },
  },
  {
    name: "upcoming deactivation (the credentials will expire)",
    shape: [3, 2],
    act: async (customer) => {
      await controlOf(stack).account(first(customer), "upcoming_deactivation");
      return undefined;
    },
  },
  {
    name: "reactivate (one account of expired credentials)",
    shape: [3, 2],
    prepare: expire,
    act: async (customer) => {
      await controlOf(stack).account(first(customer), "reactivate");
      return undefined;
    },
  },
  {
    name: "disconnect (the only account of its authorization)",
    shape: [2, 2],
    act: async (customer) => {
      await controlOf(stack).account(first(customer), "disconnect");
      return undefined;
    },
  },
  ...(["relinked", "new_authorization", "no_account", "no_authorization", "other"] as const).map(
    (outcome) => relinkCase(outcome),
  ),
  relinkCase(
    "relinked",
    (customer) => settled(first(customer), "upcoming_deactivation"),
    "relinked, renewing expiring credentials",
  ),
  {
    name: "the account action disconnectAccount through the gateway (its authorization's only account)",
    shape: [2, 2],
    act: async (customer) => {
      expect(await gatewayDisconnect(customer.id, first(customer))).toBe("DISCONNECTED");
      return undefined;
    },
  },
];

const redisReachable = await redisAvailableFor("the Redis read model's agreement with Stripe");

describe.each(readModelsUnderTest(redisReachable))(
  "after an action's webhooks are acknowledged, the next dashboard agrees with Stripe (read model %s)",
  (_name, storeEnv, skip) => {
    beforeAll(async () => {
      if (skip) return;
      stack = await startStack({
        env: {
          RATE_LIMIT_COST_PER_MINUTE: "100000000",
          EVENT_SWEEP_INTERVAL_S: "3600",
          ...storeEnv,
        },
      });
      stripe = stripeClient(Number(new URL(stack.sandbox.url).port));
    });
    afterAll(async () => {
      if (skip) return;
      await stack.gateway.readModel.store.clear();
      await stack.close();
    });

    for (const testCase of CASES) {
      it.skipIf(skip)(testCase.name, async () => {
        const [accounts, authorizations] = testCase.shape;
        const customer = await controlOf(stack).createCustomer({ accounts, authorizations });
        for (const id of customer.events ?? []) await controlOf(stack).acknowledged(id);
        await testCase.prepare?.(customer);
        // The read model knows the customer as the action finds it.
        const before = await stripeState(customer.id);
        expect(await dashboard(customer.id)).toEqual(dashboardOf(before));

        const emittedBefore = await eventIds();
        const changed = await testCase.act(customer);
        const events = await acknowledgedSince(emittedBefore);
        expect(events.length).toBeGreaterThan(0);

        const after = await stripeState(customer.id);
        if (changed !== "session") expect(dashboardOf(after)).not.toEqual(dashboardOf(before));
        expect(await dashboard(customer.id)).toEqual(dashboardOf(after));
      });
    }
  },
);

import { describe, expect, it } from "vitest";
import { createDataAccess } from "../../src/data/data-access.js";
import { inProcessBus } from "../../src/pubsub/in-process-bus.js";
import { inMemoryIdempotencyKeys } from "../../src/relink/idempotency-keys.js";
import { createApolloServer } from "../../src/server/apollo.js";
import type { FcApi } from "../../src/stripe/fc-api.js";
import type { StripeAccount } from "../../src/stripe/wire-types.js";
import { fakeFcApi } from "../support/fake-fc-api.js";

/**
 * Stripe's enums are open and older API versions omit `status_details`. The sandbox follows the
 * spec, so it cannot send a value the spec lacks: here a hand-built Stripe answer stands in for
 * the Stripe of tomorrow, behind the same FcApi interface the gateway uses.
 */
function stripeReturning(account: Record<string, unknown>): FcApi {
  return fakeFcApi({
    listAccounts: async () => ({
      object: "list",
      data: [account as unknown as StripeAccount],
      has_more: false,
      url: "/v1/financial_connections/accounts",
    }),
    retrieveAccount: async () => account as unknown as StripeAccount,
  });
}

const BASE = {
  id: "fca_future1",
  object: "financial_connections.account",
  account_holder: { type: "customer", customer: "cus_future" },
  institution_name: "Future Bank",
  display_name: "Future checking",
  last4: "4242",
  livemode: false,
  created: 1_767_225_600,
  permissions: ["balances", "telepathy"],
  subscriptions: [],
  balance: null,
  balance_refresh: null,
  ownership: null,
  ownership_refresh: null,
  transaction_refresh: null,
};

async function run(account: Record<string, unknown>) {
  const server = createApolloServer();
  const response = await server.executeOperation(
    {
      query:
        '{ account(id: "fca_future1") { status category subcategory permissions health { state cause action message } } }',
    },
    {
      contextValue: {
        viewer: { customerId: "cus_future" },
        relinkKeys: inMemoryIdempotencyKeys(),
        data: createDataAccess({
          fc: stripeReturning(account),
          viewer: { customerId: "cus_future" },
          maxConcurrency: 2,
        }),
        stripeCalls: new Map(),
        accountEvents: inProcessBus(),
        staleServedSince: () => undefined,
      },
    },
  );
  if (response.body.kind !== "single") throw new Error("expected a single result");
  return response.body.singleResult;
}

describe("open Stripe enums and older API versions", () => {
  it("maps enum values the schema does not know to UNKNOWN, without an error", async () => {
    const result = await run({
      ...BASE,
      status: "frozen",
      category: "crypto",
      subcategory: "cold_wallet",
      status_details: { inactive: { action: "wait", cause: "solar_flare" } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.account).toEqual({
      status: "UNKNOWN",
      category: "UNKNOWN",
      subcategory: "UNKNOWN",
      permissions: ["BALANCES", "UNKNOWN"],
      health: expect.objectContaining({ state: "UNKNOWN", action: "UNKNOWN" }),
    });
  });

  it("derives health for an inactive account without status_details (an older API version)", async () => {
    const result = await run({
      ...BASE,
      status: "inactive",
      category: "cash",
      subcategory: "checking",
    });
    expect(result.errors).toBeUndefined();
    expect(result.data?.account).toMatchObject({
      status: "INACTIVE",
      health: { state: "UNKNOWN", cause: null, action: "UNKNOWN" },
    });
  });

  it("treats another customer's account exactly like a missing one", async () => {
    const result = await run({
      ...BASE,
      status: "active",
      category: "cash",
      subcategory: "checking",
      account_holder: { type: "customer", customer: "cus_someoneElse" },
    });
    expect(result.data?.account).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    expect(result.errors?.[0]?.message).toBe("Account not found: fca_future1");
  });
});

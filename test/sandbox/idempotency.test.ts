/** Idempotent requests and request ids, as Stripe documents them, seen through the SDK. */
import { randomUUID } from "node:crypto";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { useHarness } from "../support/sandbox-harness.js";
import { stripeError } from "../support/stripe-client.js";

const { h } = useHarness();
let customerId: string;
let accountId: string;

beforeAll(async () => {
  const customer = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
  customerId = customer.id;
  accountId = customer.accounts[0] ?? "";
});

function createSession(
  permissions: Stripe.FinancialConnections.SessionCreateParams.Permission[],
  key: string,
) {
  return h().stripe.financialConnections.sessions.create(
    { account_holder: { type: "customer", customer: customerId }, permissions },
    { idempotencyKey: key },
  );
}

describe("idempotent replay", () => {
  it("replays the same object for the same key and parameters, marked idempotent-replayed", async () => {
    const key = randomUUID();
    const first = await createSession(["balances"], key);
    const again = await createSession(["balances"], key);
    expect(again.id).toBe(first.id);
    expect(again.client_secret).toBe(first.client_secret);
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(first.lastResponse.headers["idempotent-replayed"]).not.toBe("true");
    expect(again.lastResponse.idempotencyKey).toBe(key);
  });

  it("creates a new object for a new key", async () => {
    const a = await createSession(["balances"], randomUUID());
    const b = await createSession(["balances"], randomUUID());
    expect(a.id).not.toBe(b.id);
  });

  it("answers idempotency_error when the key is reused with different parameters", async () => {
    const key = randomUUID();
    await createSession(["balances"], key);
    const err = await stripeError(
      createSession(["ownership"], key),
      Stripe.errors.StripeIdempotencyError,
    );
    expect(err.statusCode).toBe(400);
    expect(err.rawType).toBe("idempotency_error");
  });

  it("answers idempotency_error when the key is reused on another endpoint", async () => {
    const key = randomUUID();
    await createSession(["balances"], key);
    const err = await stripeError(
      h().stripe.financialConnections.accounts.refresh(
        accountId,
        { features: ["balance"] },
        { idempotencyKey: key },
      ),
      Stripe.errors.StripeIdempotencyError,
    );
    expect(err.statusCode).toBe(400);
  });

  it("replays account actions too: a replayed refresh returns the first answer", async () => {
    const key = randomUUID();
    const accounts = h().stripe.financialConnections.accounts;
    const first = await accounts.refresh(
      accountId,
      { features: ["balance"] },
      { idempotencyKey: key },
    );
    const again = await accounts.refresh(
      accountId,
      { features: ["balance"] },
      { idempotencyKey: key },
    );
    expect(again.lastResponse.headers["idempotent-replayed"]).toBe("true");
    expect(again.balance_refresh).toEqual(first.balance_refresh);
  });
});

describe("request ids", () => {
  it("every success carries a distinct Request-Id", async () => {
    const accounts = h().stripe.financialConnections.accounts;
    const a = await accounts.retrieve(accountId);
    const b = await accounts.retrieve(accountId);
    expect(a.lastResponse.requestId).toMatch(/^req_\w+/);
    expect(b.lastResponse.requestId).toMatch(/^req_\w+/);
    expect(a.lastResponse.requestId).not.toBe(b.lastResponse.requestId);
  });

  it("errors carry a Request-Id too", async () => {
    const err = await stripeError(
      h().stripe.financialConnections.accounts.retrieve("fca_missing9"),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.requestId).toMatch(/^req_\w+/);
  });
});

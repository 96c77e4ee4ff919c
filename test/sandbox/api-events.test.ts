/**
 * API calls that change an account or a session emit the events whose descriptions in
 * openapi-fc.json (x-stripeEvent wrapper schemas) say they occur on that change.
 */
import { describe, expect, it } from "vitest";
import { PREVIEW_API_VERSION } from "../../src/shared/sandbox-defaults.js";
import { ACCOUNT_EVENT_TYPES } from "../../src/stripe/event-types.js";
import { deliveredEvent, useHarness } from "../support/sandbox-harness.js";
import { rawRequest } from "../support/stripe-client.js";
import { pick } from "../support/stripe-json.js";

const { h } = useHarness();

async function freshAccount(): Promise<string> {
  const customer = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
  return customer.accounts[0] ?? "";
}

describe("events caused by API calls", () => {
  // "Occurs when a Financial Connections account is disconnected."
  it("POST .../disconnect sends financial_connections.account.disconnected", async () => {
    const id = await freshAccount();
    await h().stripe.financialConnections.accounts.disconnect(id);
    const event = await deliveredEvent(h(), ACCOUNT_EVENT_TYPES.disconnected, id);
    expect(pick(event, "data", "object", "status")).toBe("disconnected");
  });

  // "Occurs when an Account's balance_refresh status transitions from pending to either
  // succeeded or failed." (likewise transactions and ownership)
  it.each([
    ["balance", "balance_refresh", ACCOUNT_EVENT_TYPES.refreshedBalance],
    ["transactions", "transaction_refresh", ACCOUNT_EVENT_TYPES.refreshedTransactions],
    ["ownership", "ownership_refresh", ACCOUNT_EVENT_TYPES.refreshedOwnership],
  ] as const)(
    "refresh of %s ends pending and sends the refreshed event",
    async (feature, field, type) => {
      const id = await freshAccount();
      await h().stripe.financialConnections.accounts.refresh(id, { features: [feature] });
      const event = await deliveredEvent(h(), type, id);
      expect(pick(event, "data", "object", field, "status")).toMatch(/^(succeeded|failed)$/);
      const read = await h().stripe.financialConnections.accounts.retrieve(id);
      expect(pick(read, field, "status")).toBe(pick(event, "data", "object", field, "status"));
    },
  );

  // "Occurs when a Financial Connections Session status transitions from pending to failed,
  // cancelled, or completed."
  it("completing a session sends financial_connections.session.updated", async () => {
    const customer = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const session = await h().stripe.financialConnections.sessions.create({
      account_holder: { type: "customer", customer: customer.id },
      permissions: ["balances"],
    });
    await h().control.completeSession(session.id, "other");
    const event = await deliveredEvent(h(), "financial_connections.session.updated", session.id);
    expect(pick(event, "data", "object", "status")).not.toBe("pending");
  });
});

describe("event envelopes", () => {
  it("carry the rendered API version, test mode, and the object as a later read shows it", async () => {
    const id = await freshAccount();
    const answer = await h().control.account(id, "disconnect");
    const event = await deliveredEvent(h(), ACCOUNT_EVENT_TYPES.disconnected, id);
    expect(answer.events).toContain(event.id);
    expect(event.api_version).toBe(PREVIEW_API_VERSION);
    expect(event.livemode).toBe(false);
    expect(Math.abs(event.created - Date.now() / 1000)).toBeLessThan(60);
    const read = await rawRequest(h().stripe, "GET", `/v1/financial_connections/accounts/${id}`);
    expect(pick(event, "data", "object")).toEqual(read);
  });

  it("are delivered once each when the receiver accepts them", async () => {
    const id = await freshAccount();
    const answer = await h().control.account(id, "disconnect");
    const [eventId = ""] = answer.events;
    await deliveredEvent(h(), ACCOUNT_EVENT_TYPES.disconnected, id);
    // Succeeded means acknowledged: the sandbox makes no further attempt.
    expect(await h().control.deliveriesFinished(eventId)).toMatchObject([
      { status: "succeeded", attempts: 1 },
    ]);
    const copies = h().receiver.deliveries.filter((d) => d.rawBody.includes(`"${eventId}"`));
    expect(copies).toHaveLength(1);
  });
});

/**
 * Every lifecycle transition of the control API delivers its event to the webhook receiver,
 * signed like Stripe signs it, shaped like the spec describes it, and retried on failure.
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { ACCOUNT_EVENT_TYPES } from "../../src/shared/sandbox-defaults.js";
import { assertValid, validateEvent } from "../support/openapi.js";
import {
  deliveriesOf,
  pick,
  safeJson,
  startWebhookReceiver,
  useHarness,
  verifiedEvents,
  WEBHOOK_SECRET,
  waitFor,
} from "../support/sandbox.js";

const { h } = useHarness({ webhookRetry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 200 } });

async function customerWith(accounts: number, authorizations: number) {
  return h().control.createCustomer({ accounts, authorizations });
}

function objectOf(event: Stripe.Event): unknown {
  return pick(event, "data", "object");
}

describe("lifecycle events", () => {
  it("an authorization-level deactivation cascades: one deactivated event per active account", async () => {
    const c = await customerWith(4, 2);
    const target = c.accounts[0] ?? "";
    const answer = await h().control.account(target, "deactivate", {
      cause: "access_expired",
      action: "relink_required",
    });
    const acc = await h().stripe.financialConnections.accounts.retrieve(target);
    const authorization = String(pick(acc, "authorization"));
    const siblings: string[] = [];
    for (const id of c.accounts) {
      const other = await h().stripe.financialConnections.accounts.retrieve(id);
      if (pick(other, "authorization") === authorization) siblings.push(id);
    }
    expect(siblings.length).toBe(2);
    expect(answer.events).toHaveLength(siblings.length);
    const events = await verifiedEvents(h(), answer.events);
    expect(events.map((e) => e.type)).toEqual(siblings.map(() => ACCOUNT_EVENT_TYPES.deactivated));
    expect(new Set(events.map((e) => pick(objectOf(e), "id")))).toEqual(new Set(siblings));
    for (const e of events) {
      expect(pick(objectOf(e), "status")).toBe("inactive");
      expect(pick(objectOf(e), "status_details", "inactive")).toEqual({
        cause: "access_expired",
        action: "relink_required",
      });
    }
    const others = c.accounts.filter((id) => !siblings.includes(id));
    for (const id of others) {
      expect((await h().stripe.financialConnections.accounts.retrieve(id)).status).toBe("active");
    }
    const auth: unknown = await h().stripe.rawRequest(
      "GET",
      `/v1/financial_connections/authorizations/${authorization}`,
    );
    expect(pick(auth, "status")).toBe("inactive");
    expect(pick(auth, "status_details", "inactive", "action")).toBe("relink_required");
  });

  it("the cascade skips accounts of the authorization that are not active", async () => {
    const c = await customerWith(3, 1);
    const [gone = "", target = "", active = ""] = c.accounts;
    await h().control.account(gone, "disconnect");
    const answer = await h().control.account(target, "deactivate", {
      cause: "institution_requirement",
      action: "relink_required",
    });
    const events = await verifiedEvents(h(), answer.events);
    expect(new Set(events.map((e) => pick(objectOf(e), "id")))).toEqual(new Set([target, active]));
    const read = await h().stripe.financialConnections.accounts.retrieve(gone);
    expect(read.status).toBe("disconnected");
  });

  it.each(["account_closed", "account_unavailable"])(
    "an account-level deactivation (%s) touches only that account",
    async (cause) => {
      const c = await customerWith(2, 1);
      const [target = "", sibling = ""] = c.accounts;
      const answer = await h().control.account(target, "deactivate", { cause, action: "none" });
      expect(answer.events).toHaveLength(1);
      const [event] = await verifiedEvents(h(), answer.events);
      expect(event?.type).toBe(ACCOUNT_EVENT_TYPES.deactivated);
      expect(pick(event && objectOf(event), "id")).toBe(target);
      expect(pick(event && objectOf(event), "status_details", "inactive")).toEqual({
        cause,
        action: "none",
      });
      expect((await h().stripe.financialConnections.accounts.retrieve(sibling)).status).toBe(
        "active",
      );
    },
  );

  it("reactivate sends reactivated with an active account and no inactive details", async () => {
    const c = await customerWith(1, 1);
    const id = c.accounts[0] ?? "";
    await h().control.account(id, "deactivate", {
      cause: "access_denied",
      action: "relink_required",
    });
    const answer = await h().control.account(id, "reactivate");
    const [event] = await verifiedEvents(h(), answer.events);
    expect(event?.type).toBe(ACCOUNT_EVENT_TYPES.reactivated);
    expect(pick(event && objectOf(event), "id")).toBe(id);
    expect(pick(event && objectOf(event), "status")).toBe("active");
    expect(pick(event && objectOf(event), "status_details", "inactive")).toBeUndefined();
    const read = await h().stripe.financialConnections.accounts.retrieve(id);
    expect(read.status).toBe("active");
  });

  it("disconnect sends disconnected with a disconnected account", async () => {
    const c = await customerWith(1, 1);
    const id = c.accounts[0] ?? "";
    const answer = await h().control.account(id, "disconnect");
    const [event] = await verifiedEvents(h(), answer.events);
    expect(event?.type).toBe(ACCOUNT_EVENT_TYPES.disconnected);
    expect(pick(event && objectOf(event), "status")).toBe("disconnected");
    expect((await h().stripe.financialConnections.accounts.retrieve(id)).status).toBe(
      "disconnected",
    );
  });

  it("upcoming_deactivation sets status_details.active with the given date and sends the event", async () => {
    const c = await customerWith(1, 1);
    const id = c.accounts[0] ?? "";
    const date = Math.floor(Date.now() / 1000) + 7 * 86_400;
    const answer = await h().control.account(id, "upcoming_deactivation", {
      expected_deactivation_date: date,
    });
    const [event] = await verifiedEvents(h(), answer.events);
    expect(event?.type).toBe(ACCOUNT_EVENT_TYPES.upcomingDeactivation);
    expect(pick(event && objectOf(event), "status")).toBe("active");
    expect(
      pick(event && objectOf(event), "status_details", "active", "expected_deactivation_date"),
    ).toBe(date);
    const read = await h().stripe.financialConnections.accounts.retrieve(id);
    expect(pick(read, "status_details", "active", "expected_deactivation_date")).toBe(date);
  });

  it("upcoming_deactivation without a date picks one in the future", async () => {
    const c = await customerWith(1, 1);
    const answer = await h().control.account(c.accounts[0] ?? "", "upcoming_deactivation");
    const [event] = await verifiedEvents(h(), answer.events);
    const date = pick(
      event && objectOf(event),
      "status_details",
      "active",
      "expected_deactivation_date",
    );
    expect(typeof date === "number" && date > Date.now() / 1000).toBe(true);
  });

  it("events are listed by /_sandbox/events and valid against the spec", async () => {
    const c = await customerWith(1, 1);
    const answer = await h().control.account(c.accounts[0] ?? "", "disconnect");
    const listed = await h().control.events();
    const ids = listed.map((e) => pick(e, "id"));
    for (const id of answer.events) expect(ids).toContain(id);
    for (const e of listed) assertValid(validateEvent(e), `listed event ${String(pick(e, "id"))}`);
  });
});

describe("webhook signatures", () => {
  it("a signature checked with another secret, or over a changed body, is rejected", async () => {
    const c = await customerWith(1, 1);
    const answer = await h().control.account(c.accounts[0] ?? "", "disconnect");
    const [id = ""] = answer.events;
    const delivery = await waitFor(() => deliveriesOf(h().receiver, id)[0], "delivery");
    const header = String(delivery.headers["stripe-signature"]);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}/);
    const webhooks = h().stripe.webhooks;
    expect(webhooks.constructEvent(delivery.rawBody, header, WEBHOOK_SECRET).id).toBe(id);
    expect(() => webhooks.constructEvent(delivery.rawBody, header, "whsec_other")).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(() => webhooks.constructEvent(`${delivery.rawBody} `, header, WEBHOOK_SECRET)).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
    expect(String(delivery.headers["content-type"])).toMatch(/^application\/json/);
  });
});

describe("webhook retries", () => {
  it("retries with backoff after a 500 until the receiver accepts, same event each time", async () => {
    const c = await customerWith(1, 1);
    let failures = 2;
    h().receiver.respond(() => (failures-- > 0 ? 500 : 200));
    const answer = await h().control.account(c.accounts[0] ?? "", "disconnect");
    const [id = ""] = answer.events;
    const attempts = await waitFor(() => {
      const all = deliveriesOf(h().receiver, id);
      return all.length >= 3 ? all : undefined;
    }, "three attempts");
    expect(attempts.map((d) => d.answeredStatus)).toEqual([500, 500, 200]);
    const [a0, a1, a2] = attempts.map((d) => d.receivedAt);
    expect((a1 ?? 0) - (a0 ?? 0)).toBeGreaterThanOrEqual(15);
    expect((a2 ?? 0) - (a0 ?? 0)).toBeGreaterThanOrEqual(50);
    for (const d of attempts) {
      const event = h().stripe.webhooks.constructEvent(
        d.rawBody,
        String(d.headers["stripe-signature"]),
        WEBHOOK_SECRET,
      );
      expect(event.id).toBe(id);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(deliveriesOf(h().receiver, id)).toHaveLength(3);
  });

  it("gives up after maxAttempts when the receiver keeps failing", async () => {
    const c = await customerWith(1, 1);
    h().receiver.respond(() => 500);
    const answer = await h().control.account(c.accounts[0] ?? "", "disconnect");
    const [id = ""] = answer.events;
    await waitFor(
      () => (deliveriesOf(h().receiver, id).length >= 3 ? true : undefined),
      "3 attempts",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deliveriesOf(h().receiver, id)).toHaveLength(3);
    expect(safeJson(deliveriesOf(h().receiver, id)[0]?.rawBody ?? "")).toBeTruthy();
  });
});

describe("webhook destinations", () => {
  it("setWebhookUrls redirects later deliveries, and several URLs each get every event", async () => {
    const second = await startWebhookReceiver();
    try {
      const c = await customerWith(2, 2);
      h().sandbox.setWebhookUrls([second.url]);
      const moved = await h().control.account(c.accounts[0] ?? "", "disconnect");
      const [movedId = ""] = moved.events;
      await waitFor(() => deliveriesOf(second, movedId)[0], "delivery to the new URL");
      h().sandbox.setWebhookUrls([h().receiver.url, second.url]);
      const both = await h().control.account(c.accounts[1] ?? "", "disconnect");
      const [bothId = ""] = both.events;
      await waitFor(() => deliveriesOf(second, bothId)[0], "delivery to the second URL");
      await verifiedEvents(h(), [bothId]);
      expect(deliveriesOf(h().receiver, movedId)).toHaveLength(0);
    } finally {
      h().sandbox.setWebhookUrls([h().receiver.url]);
      await second.close();
    }
  });
});

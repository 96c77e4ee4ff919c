/**
 * Every lifecycle transition of the control API delivers its event to the webhook receiver,
 * signed like Stripe signs it, shaped like the spec describes it, and retried on failure; in drop
 * mode events are recorded but never delivered (missed webhooks).
 */
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { ACCOUNT_EVENT_TYPES, AUTHORIZATION_EVENT_TYPES } from "../../src/stripe/event-types.js";
import { assertValid, validateEvent } from "../support/openapi.js";
import { useHarness, verifiedEvents, WEBHOOK_SECRET } from "../support/sandbox-harness.js";
import { rawRequest } from "../support/stripe-client.js";
import { pick, safeJson } from "../support/stripe-json.js";
import { deliveriesOf, startWebhookReceiver } from "../support/webhook-receiver.js";

const { h } = useHarness({ webhookRetry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 200 } });

/**
 * A new customer, once its `account.created` events have been delivered (so that they cannot
 * reach a receiver that a test then tells to fail).
 */
async function customerWith(accounts: number, authorizations: number) {
  const customer = await h().control.createCustomer({ accounts, authorizations });
  await verifiedEvents(h(), customer.events ?? []);
  return customer;
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

  it("reactivating one account of failed credentials reactivates the authorization and every account they took down", async () => {
    // Stripe: the authorization "describes the overall status of the data connection for all
    // accounts on the authorization"; an active one has no account down for its credentials.
    const c = await customerWith(3, 1);
    const [closed = "", target = "", sibling = ""] = c.accounts;
    await h().control.account(closed, "deactivate", { cause: "account_closed", action: "none" });
    await h().control.account(target, "deactivate", {
      cause: "access_expired",
      action: "relink_required",
    });

    const answer = await h().control.account(target, "reactivate");

    const events = await verifiedEvents(h(), answer.events);
    expect(events.map((e) => e.type)).toEqual([
      ACCOUNT_EVENT_TYPES.reactivated,
      ACCOUNT_EVENT_TYPES.reactivated,
    ]);
    expect(new Set(events.map((e) => pick(objectOf(e), "id")))).toEqual(new Set([target, sibling]));
    for (const id of [target, sibling])
      expect((await h().stripe.financialConnections.accounts.retrieve(id)).status).toBe("active");
    const stillClosed = await h().stripe.financialConnections.accounts.retrieve(closed);
    expect(stillClosed.status).toBe("inactive");
    expect(pick(stillClosed, "status_details", "inactive", "cause")).toBe("account_closed");
    const authorization = await rawRequest(
      h().stripe,
      "GET",
      `/v1/financial_connections/authorizations/${c.authorizations[0]}`,
    );
    expect(pick(authorization, "status")).toBe("active");
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

describe("creation events", () => {
  it("creating a customer sends financial_connections.account.created for each of its accounts", async () => {
    const c = await customerWith(3, 2);
    expect(c.events).toHaveLength(3);
    const events = await verifiedEvents(h(), c.events ?? []);
    expect(events.map((e) => e.type)).toEqual(c.accounts.map(() => ACCOUNT_EVENT_TYPES.created));
    expect(events.map((e) => pick(objectOf(e), "id"))).toEqual(c.accounts);
    for (const e of events) {
      expect(e.data.previous_attributes).toBeUndefined();
      const read = await rawRequest(
        h().stripe,
        "GET",
        `/v1/financial_connections/accounts/${String(pick(objectOf(e), "id"))}`,
      );
      expect(objectOf(e)).toEqual(read);
    }
  });

  it("a customer created without accounts sends no event", async () => {
    const c = await customerWith(0, 1);
    expect(c.accounts).toEqual([]);
    expect(c.events).toEqual([]);
  });
});

describe("authorization events", () => {
  const date = Math.floor(Date.now() / 1000) + 7 * 86_400;

  async function upcoming(account: string, expected: number) {
    const answer = await h().control.account(account, "upcoming_deactivation", {
      expected_deactivation_date: expected,
    });
    return verifiedEvents(h(), answer.events);
  }

  it("a first expected deactivation sends the authorization's expected_deactivation_date_updated and upcoming_deactivation", async () => {
    const c = await customerWith(2, 1);
    const [authorization = ""] = c.authorizations;
    const events = await upcoming(c.accounts[0] ?? "", date);
    expect(events.map((e) => e.type)).toEqual([
      ACCOUNT_EVENT_TYPES.upcomingDeactivation,
      AUTHORIZATION_EVENT_TYPES.expectedDeactivationDateUpdated,
      AUTHORIZATION_EVENT_TYPES.upcomingDeactivation,
    ]);
    for (const e of events.slice(1)) {
      expect(pick(objectOf(e), "object")).toBe("financial_connections.authorization");
      expect(pick(objectOf(e), "id")).toBe(authorization);
      expect(pick(objectOf(e), "status_details", "active")).toEqual({
        action: "relink_required",
        expected_deactivation_date: date,
      });
      expect(e.data.previous_attributes).toEqual({ status_details: {} });
    }
    const read = await rawRequest(
      h().stripe,
      "GET",
      `/v1/financial_connections/authorizations/${authorization}`,
    );
    expect(objectOf(events[2] as Stripe.Event)).toEqual(read);
  });

  it("a moved date sends only expected_deactivation_date_updated, with the old date; the same date sends none", async () => {
    const c = await customerWith(2, 1);
    const [first = "", second = ""] = c.accounts;
    await upcoming(first, date);
    const moved = await upcoming(second, date + 86_400);
    expect(moved.map((e) => e.type)).toEqual([
      ACCOUNT_EVENT_TYPES.upcomingDeactivation,
      AUTHORIZATION_EVENT_TYPES.expectedDeactivationDateUpdated,
    ]);
    const [, updated] = moved;
    expect(pick(updated && objectOf(updated), "status_details", "active")).toMatchObject({
      expected_deactivation_date: date + 86_400,
    });
    expect(updated?.data.previous_attributes).toEqual({
      status_details: { active: { action: "relink_required", expected_deactivation_date: date } },
    });
    const same = await upcoming(first, date + 86_400);
    expect(same.map((e) => e.type)).toEqual([ACCOUNT_EVENT_TYPES.upcomingDeactivation]);
  });

  it("a relink that renews expiring credentials sends expected_deactivation_date_updated, the date cleared", async () => {
    const c = await customerWith(1, 1);
    const [authorization = ""] = c.authorizations;
    await upcoming(c.accounts[0] ?? "", date);
    const session = await h().stripe.rawRequest("POST", "/v1/financial_connections/sessions", {
      permissions: ["balances"],
      relink_options: { authorization },
    });
    const completed = await h().control.completeSession(String(pick(session, "id")), "relinked");
    const events = await verifiedEvents(h(), completed.events);
    expect(events.map((e) => e.type)).toEqual([
      AUTHORIZATION_EVENT_TYPES.expectedDeactivationDateUpdated,
      "financial_connections.session.updated",
    ]);
    const [renewed] = events;
    expect(pick(renewed && objectOf(renewed), "status")).toBe("active");
    expect(pick(renewed && objectOf(renewed), "status_details")).toEqual({});
    expect(renewed?.data.previous_attributes).toEqual({
      status_details: { active: { action: "relink_required", expected_deactivation_date: date } },
    });
  });

  it("an expiring authorization that goes inactive sends only its accounts' deactivated events", async () => {
    const c = await customerWith(2, 1);
    await upcoming(c.accounts[0] ?? "", date);
    const answer = await h().control.account(c.accounts[0] ?? "", "deactivate", {
      cause: "access_expired",
    });
    const events = await verifiedEvents(h(), answer.events);
    expect(events.map((e) => e.type)).toEqual([
      ACCOUNT_EVENT_TYPES.deactivated,
      ACCOUNT_EVENT_TYPES.deactivated,
    ]);
  });
});

describe("webhook signatures", () => {
  it("a signature checked with another secret, or over a changed body, is rejected", async () => {
    const c = await customerWith(1, 1);
    const answer = await h().control.account(c.accounts[0] ?? "", "disconnect");
    const [id = ""] = answer.events;
    const delivery = await h().receiver.until(() => deliveriesOf(h().receiver, id)[0], "delivery");
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
    const attempts = await h().receiver.until(() => {
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
    // Succeeded: the sandbox makes no further attempt.
    expect(await h().control.deliveriesFinished(id)).toMatchObject([
      { status: "succeeded", attempts: 3 },
    ]);
    expect(deliveriesOf(h().receiver, id)).toHaveLength(3);
  });

  it("gives up after maxAttempts when the receiver keeps failing", async () => {
    const c = await customerWith(1, 1);
    h().receiver.respond(() => 500);
    const answer = await h().control.account(c.accounts[0] ?? "", "disconnect");
    const [id = ""] = answer.events;
    // The sandbox reports when it gave up; then no further attempt comes.
    expect(await h().control.deliveriesFinished(id)).toMatchObject([
      { status: "failed", attempts: 3 },
    ]);
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
      await second.until(() => deliveriesOf(second, movedId)[0], "delivery to the new URL");
      h().sandbox.setWebhookUrls([h().receiver.url, second.url]);
      const both = await h().control.account(c.accounts[1] ?? "", "disconnect");
      const [bothId = ""] = both.events;
      await second.until(() => deliveriesOf(second, bothId)[0], "delivery to the second URL");
      await verifiedEvents(h(), [bothId]);
      // The sandbox's record: the moved event went to the new URL only, and is done.
      const movedDeliveries = await h().control.deliveriesFinished(movedId);
      expect(movedDeliveries.map((delivery) => delivery.url)).toEqual([second.url]);
      expect(deliveriesOf(h().receiver, movedId)).toHaveLength(0);
    } finally {
      h().sandbox.setWebhookUrls([h().receiver.url]);
      await second.close();
    }
  });
});

describe("drop mode (missed webhooks)", () => {
  async function controlCall(method: string, body?: unknown) {
    const response = await fetch(`${h().sandbox.url}/_sandbox/webhooks`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  }

  it("records events while dropping, never delivers them, and lists them as undelivered", async () => {
    const c = await customerWith(2, 1);
    const [first = "", second = ""] = c.accounts;
    let dropped: string[] = [];
    try {
      expect(await h().control.setWebhookMode("drop")).toEqual({
        mode: "drop",
        urls: [h().receiver.url],
      });
      dropped = (await h().control.account(first, "upcoming_deactivation")).events;
      expect(dropped).toHaveLength(3);
    } finally {
      await h().control.setWebhookMode("deliver");
    }
    // Deliveries start in emission order: once a later event arrived, a dropped one never will.
    const sentinel = await h().control.account(second, "disconnect");
    await verifiedEvents(h(), sentinel.events);
    for (const id of dropped) expect(deliveriesOf(h().receiver, id), id).toEqual([]);

    const undelivered = await h().stripe.events.list({ delivery_success: false, limit: 100 });
    expect(undelivered.data.map((e) => e.id)).toEqual(expect.arrayContaining(dropped));
    expect(undelivered.data.map((e) => e.id)).not.toContain(sentinel.events[0]);
    for (const id of dropped) {
      const event = await h().stripe.events.retrieve(id);
      expect(event.pending_webhooks).toBe(1);
      assertValid(validateEvent(event), `dropped event ${id}`);
    }
    const logged = await h().control.events();
    for (const id of dropped) {
      const entry = logged.find((e) => pick(e, "id") === id);
      expect(pick(entry, "deliveries")).toEqual([
        {
          url: h().receiver.url,
          status: "dropped",
          attempts: 0,
          last_status_code: null,
          last_error: null,
        },
      ]);
    }
  });

  it("answers the mode on GET, and refuses anything but deliver or drop with 400, changing nothing", async () => {
    expect(await controlCall("GET")).toEqual({
      status: 200,
      body: { mode: "deliver", urls: [h().receiver.url] },
    });
    for (const [body, param] of [
      [{ mode: "later" }, "mode"],
      [{ mode: true }, "mode"],
      [{}, "mode"],
      [{ mode: "drop", urls: [] }, "urls"],
      [["drop"], "body"],
    ] as const) {
      const refused = await controlCall("POST", body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(pick(refused.body, "error", "param")).toBe(param);
      expect(String(pick(refused.body, "error", "message"))).toMatch(/\S/);
    }
    const invalid = await controlCall("POST", { mode: "later" });
    expect(pick(invalid.body, "error", "message")).toBe(
      "Invalid mode: must be one of deliver, drop.",
    );
    expect((await h().control.webhookSettings()).mode).toBe("deliver");
  });
});

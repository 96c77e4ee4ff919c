import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { buildEvent } from "../../../src/sandbox/events/build.js";
import { signatureHeader } from "../../../src/sandbox/events/sign.js";
import { SANDBOX_DEV_WEBHOOK_SECRET } from "../../../src/shared/sandbox-defaults.js";

const stripe = new Stripe("sk_test_signing");

describe("webhook signatures", () => {
  const event = buildEvent({
    type: "financial_connections.account.deactivated",
    object: { id: "fca_1", object: "financial_connections.account" },
    previousAttributes: { status: "active" },
    cause: null,
    pendingWebhooks: 1,
    created: 1_700_000_000,
  });
  const payload = JSON.stringify(event, null, 2);
  const now = Math.floor(Date.now() / 1000);

  it("are accepted by stripe.webhooks.constructEvent", () => {
    const header = signatureHeader(payload, SANDBOX_DEV_WEBHOOK_SECRET, now);
    const parsed = stripe.webhooks.constructEvent(payload, header, SANDBOX_DEV_WEBHOOK_SECRET);
    expect(parsed.id).toBe(event.id);
    expect(parsed.type).toBe("financial_connections.account.deactivated");
  });

  it("fail for a body changed by one byte or another secret", () => {
    const header = signatureHeader(payload, SANDBOX_DEV_WEBHOOK_SECRET, now);
    expect(() =>
      stripe.webhooks.constructEvent(`${payload} `, header, SANDBOX_DEV_WEBHOOK_SECRET),
    ).toThrow();
    expect(() => stripe.webhooks.constructEvent(payload, header, "whsec_other")).toThrow();
  });

  it("have Stripe's t=...,v1=... layout", () => {
    expect(signatureHeader("{}", "whsec_x", 123)).toMatch(/^t=123,v1=[0-9a-f]{64}$/);
  });

  it("build events that record the request and the API version", () => {
    expect(event).toMatchObject({
      object: "event",
      livemode: false,
      request: { id: null, idempotency_key: null },
      data: { previous_attributes: { status: "active" } },
    });
    expect(String(event.id)).toMatch(/^evt_[A-Za-z0-9]{24}$/);
  });
});

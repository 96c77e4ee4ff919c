import Stripe from "stripe";
import type { TestStack } from "./gateway.js";

const stripe = new Stripe("sk_test_signing");

/** Signs a payload like Stripe does (`t=…,v1=…`), with an optional timestamp. */
export function signatureFor(payload: string, secret: string, timestamp?: number): string {
  return stripe.webhooks.generateTestHeaderString({
    payload,
    secret,
    ...(timestamp === undefined ? {} : { timestamp }),
  });
}

/** POSTs a raw webhook delivery to a gateway; returns the status and JSON body. */
export async function deliver(
  gatewayUrl: string,
  body: string | Buffer,
  signature: string | undefined,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${gatewayUrl}/webhooks/stripe`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(signature === undefined ? {} : { "stripe-signature": signature }),
    },
    body,
  });
  const text = await response.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return { status: response.status, body: parsed };
}

/** A Stripe event for an account, in the shape Stripe sends (fields the test needs). */
export function accountEvent(
  type: string,
  account: Record<string, unknown>,
  overrides: Partial<{ id: string; created: number }> = {},
): string {
  return JSON.stringify({
    id: overrides.id ?? `evt_test${Math.random().toString(36).slice(2, 14)}`,
    object: "event",
    api_version: "2026-07-29.preview",
    created: overrides.created ?? Math.floor(Date.now() / 1000),
    data: { object: account },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

/** Delivers a signed event for the stack's gateway, signed with its first webhook secret. */
export function deliverSigned(stack: TestStack, payload: string) {
  return deliver(
    stack.gateway.url,
    payload,
    signatureFor(payload, stack.config.webhookSecrets[0] ?? ""),
  );
}

import Stripe from "stripe";

/** Placeholder for the event id in a payload template; `signed-webhook.cjs` replaces it. */
export const EVENT_ID_PLACEHOLDER = "__EVENT_ID__";

/** Only its webhook helpers are used: no request is ever made with this key. */
const signer = new Stripe("sk_test_bench_signing_only");

/**
 * A Stripe event of `type` about `account`, serialized as Stripe sends it (the fields the
 * gateway reads, plus the envelope's usual ones).
 */
export function stripeEventPayload(type: string, account: unknown, id: string): string {
  return JSON.stringify({
    id,
    object: "event",
    api_version: "2026-07-29.preview",
    created: Math.floor(Date.now() / 1000),
    data: { object: account },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

/** The `Stripe-Signature` header Stripe would send for `payload` signed with `secret`, now. */
export const signatureFor = (payload: string, secret: string): string =>
  signer.webhooks.generateTestHeaderString({ payload, secret });

/** What the gateway answered to one delivery. */
export interface DeliveryAnswer {
  status: number;
  /** The intake's `outcome` ("published", "ignored", …), or "" when the body had none. */
  outcome: string;
}

/**
 * POSTs `payload` to `endpoint` with its `Stripe-Signature`, like Stripe delivers a webhook.
 * Resolves with the answer whatever its status; rejects only when no answer came.
 */
export async function postWebhook(
  endpoint: string,
  payload: string,
  signature: string,
): Promise<DeliveryAnswer> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", "stripe-signature": signature },
    body: payload,
  });
  const text = await response.text();
  let outcome = "";
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === "object" && body !== null && "outcome" in body) {
      outcome = String(body.outcome);
    }
  } catch {
    // Not JSON: the status says enough.
  }
  return { status: response.status, outcome };
}

import type Stripe from "stripe";
import { isStripeEvent } from "./event-shape.js";

/** Seconds a signature's timestamp may lie in the past or in the future (Stripe's tolerance). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Why a delivery was refused; safe to return to the sender (names no secret). */
export class WebhookRejected extends Error {
  override name = "WebhookRejected";
}

const timestampOf = (header: string): number | null => {
  for (const part of header.split(",")) {
    const [key, value] = part.split("=", 2);
    if (key?.trim() === "t" && value !== undefined && /^\d+$/.test(value.trim())) {
      return Number(value.trim());
    }
  }
  return null;
};

/**
 * Verifies a Stripe webhook delivery over its raw bytes against each accepted secret (several
 * during rotation) and returns the parsed event. Rejects (WebhookRejected) a missing or empty
 * header, a header without `t=` or `v1=`, a signature matching no secret, a timestamp more than
 * 300 s old (stripe-node's check) or more than 300 s in the future (ours), invalid JSON, and
 * JSON that is not an event object (`id`, `type`, `data.object`: see isStripeEvent).
 */
export function verifyStripeSignature(
  stripe: Stripe,
  rawBody: Buffer,
  header: string | undefined,
  secrets: readonly string[],
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Stripe.Event {
  if (header === undefined || header.trim() === "") {
    throw new WebhookRejected("Missing Stripe-Signature header.");
  }
  const timestamp = timestampOf(header);
  if (timestamp === null) throw new WebhookRejected("Stripe-Signature has no timestamp.");
  if (timestamp - nowSeconds > SIGNATURE_TOLERANCE_SECONDS) {
    throw new WebhookRejected("Stripe-Signature timestamp is in the future.");
  }
  for (const secret of secrets) {
    let parsed: unknown;
    try {
      parsed = stripe.webhooks.constructEvent(rawBody, header, secret, SIGNATURE_TOLERANCE_SECONDS);
    } catch (error) {
      if ((error as { type?: unknown }).type !== "StripeSignatureVerificationError") {
        throw new WebhookRejected("Webhook body is not valid JSON.");
      }
      continue;
    }
    if (!isStripeEvent(parsed)) {
      throw new WebhookRejected(
        "Webhook body is not an event object with id, type and data.object.",
      );
    }
    return parsed;
  }
  throw new WebhookRejected("No valid signature for this payload.");
}

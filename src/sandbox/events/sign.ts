import { createHmac } from "node:crypto";

/**
 * The `Stripe-Signature` header for a payload, exactly as Stripe builds it:
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<payload>" keyed with the whole whsec_ secret>`,
 * so `stripe.webhooks.constructEvent(payload, header, secret)` accepts it. Never throws.
 */
export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac("sha256", secret)
    .update(`${timestamp}.${payload}`, "utf8")
    .digest("hex");
  return `t=${timestamp},v1=${signature}`;
}

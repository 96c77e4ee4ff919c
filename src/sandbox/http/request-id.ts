import { randomId } from "../state/ids.js";

/** A new Stripe-style request id (`req_` + 14 letters/digits), sent as `Request-Id` on every response. */
export function newRequestId(): string {
  return randomId("req", 14);
}

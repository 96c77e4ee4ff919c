import type Stripe from "stripe";
import { z } from "zod";

/** The least a delivery must be for the gateway to act on it: Stripe's event object. */
const STRIPE_EVENT = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

/**
 * True when a verified, parsed body is an event object as Stripe sends it: an object with a
 * non-empty string `id` and `type`, and `data.object` an object (not null, not an array). What
 * else it carries is left as it is.
 */
export function isStripeEvent(value: unknown): value is Stripe.Event {
  return STRIPE_EVENT.safeParse(value).success;
}

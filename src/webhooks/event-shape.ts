import type Stripe from "stripe";

/** An object that is neither null nor an array (what JSON.parse makes of `{...}`). */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isFilledString = (value: unknown) => typeof value === "string" && value.length > 0;

/**
 * True when a verified, parsed body is an event object as Stripe sends it: an object with a
 * non-empty string `id` and `type`, and `data.object` an object (not null, not an array). What
 * else it carries is left as it is, and not walked: the check costs the same whatever the
 * object's size (a schema library's record check visited each of its fields).
 */
export function isStripeEvent(value: unknown): value is Stripe.Event {
  return (
    isRecord(value) &&
    isFilledString(value.id) &&
    isFilledString(value.type) &&
    isRecord(value.data) &&
    isRecord(value.data.object)
  );
}

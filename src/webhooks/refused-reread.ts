import { UpstreamRejectedError } from "../data/errors.js";
import { stripeErrorIn } from "../stripe/stripe-failure.js";

/** Stripe's object ids: a prefix and letters, digits and underscores, at most 255 characters. */
const STRIPE_OBJECT_ID = /^[A-Za-z0-9_]{1,255}$/;

/**
 * True when `id` can name a Stripe object. An event naming anything else (a 20 KB id) cannot be
 * re-read, whatever Stripe is asked: it is acknowledged as refused without asking.
 */
export function isPlausibleObjectId(id: string): boolean {
  return STRIPE_OBJECT_ID.test(id);
}

/** The statuses that refuse the request itself (bad request, URL or headers too long). */
const REFUSED_REQUEST_STATUSES: ReadonlySet<number> = new Set([400, 414, 431]);

/**
 * True when Stripe refused the re-read of an event's object as a bad request (400; 414 or 431 for
 * an id too long for a URL): the same request would be refused on every retry, so the event is
 * acknowledged (like a `resource_missing`) rather than answered 500 for Stripe to retry for days.
 * A refused key (401, 403), a rate limit or a 5xx is not this: those may succeed later.
 */
export function isRefusedReread(error: unknown): boolean {
  if (!(error instanceof UpstreamRejectedError)) return false;
  const status = stripeErrorIn(error.cause)?.statusCode;
  return typeof status === "number" && REFUSED_REQUEST_STATUSES.has(status);
}

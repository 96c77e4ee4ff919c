import { isRateLimited } from "../stripe/rate-limit-retry.js";
import { StripeBudgetRefusedError } from "../stripe/stripe-budget-refused.js";
import { stripeErrorIn } from "../stripe/stripe-failure.js";
import {
  IdempotencyConflictError,
  NotFoundError,
  type ObjectKind,
  UpstreamRateLimitedError,
  UpstreamRejectedError,
  UpstreamUnavailableError,
} from "./errors.js";

/**
 * Names what a Stripe call rejected with, keeping it as `cause`:
 * - `resource_missing` (and only that: a 404 for an unknown URL is not a missing object):
 *   NotFoundError for `kind` `id`;
 * - 429 / `rate_limit` after the retries, or a refusal of the gateway's own Stripe budget:
 *   UpstreamRateLimitedError (the latter with its `retryAfterSeconds`);
 * - `idempotency_error`: IdempotencyConflictError;
 * - 5xx, or no answer (timeout, connection): UpstreamUnavailableError;
 * - any other answer: UpstreamRejectedError.
 * Anything that is not a Stripe error (a bug, a broken dependency) is returned as it is, an Error,
 * so it stays unexpected: the edge logs it with its stack and masks it.
 */
export function fromStripeFailure(error: unknown, kind: ObjectKind, id: string): Error {
  if (error instanceof StripeBudgetRefusedError) {
    return new UpstreamRateLimitedError({ cause: error }, error.retryAfterSeconds);
  }
  const stripe = stripeErrorIn(error);
  if (stripe === undefined) {
    return error instanceof Error ? error : new Error("A non-error was thrown.", { cause: error });
  }
  const options = { cause: error };
  if (isRateLimited(stripe)) return new UpstreamRateLimitedError(options);
  if (stripe.code === "resource_missing") return new NotFoundError(kind, id, options);
  if (stripe.rawType === "idempotency_error") return new IdempotencyConflictError(options);
  const status = stripe.statusCode;
  if (typeof status !== "number" || status >= 500) return new UpstreamUnavailableError(options);
  return new UpstreamRejectedError(options);
}

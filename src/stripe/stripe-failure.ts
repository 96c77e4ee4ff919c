import Stripe from "stripe";

/**
 * What Stripe said when it refused or failed a call, as an operator needs it to find the call in
 * Stripe's dashboard and see why: never a header, a key or a request body.
 */
export interface StripeFailure {
  /** The HTTP status, or null when Stripe was not reached (timeout, connection refused). */
  status: number | null;
  /** Stripe's `error.type` (`invalid_request_error`, `api_error`, ...), else the SDK's class name. */
  type: string;
  /** Stripe's `error.code` (`resource_missing`, `parameter_invalid_empty`, ...). */
  code: string | null;
  /** The request parameter Stripe blamed. */
  param: string | null;
  /** Stripe's message, for operators only (it may name internals: never sent to clients). */
  message: string;
  /** Stripe's `Request-Id` of the refused call. */
  requestId: string | null;
}

/**
 * The Stripe SDK error that `error` is or was caused by (its `cause` chain is followed a few
 * steps), or undefined when none is: such an error did not come from Stripe.
 */
export function stripeErrorIn(error: unknown): Stripe.errors.StripeError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof Stripe.errors.StripeError) return current;
    current = current.cause;
  }
  return undefined;
}

const text = (value: unknown): string | null =>
  typeof value === "string" && value.length > 0 ? value : null;

/** What Stripe said, when `error` is (or was caused by) a Stripe SDK error; else undefined. */
export function stripeFailureOf(error: unknown): StripeFailure | undefined {
  const stripe = stripeErrorIn(error);
  if (stripe === undefined) return undefined;
  return {
    status: typeof stripe.statusCode === "number" ? stripe.statusCode : null,
    type: text(stripe.rawType) ?? stripe.type,
    code: text(stripe.code),
    param: text(stripe.param),
    message: stripe.message,
    requestId: text(stripe.requestId),
  };
}

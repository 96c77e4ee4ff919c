/**
 * The gateway's own Stripe budget refused a call before it went out: the caller's queue was full,
 * or its call waited longer than the maximum wait. Never retried; the data layer reports it as
 * RATE_LIMITED with `Retry-After`.
 */
export class StripeBudgetRefusedError extends Error {
  override name = "StripeBudgetRefusedError";
  constructor(
    /** Whole seconds (>= 1) after which the caller's queue has likely drained. */
    readonly retryAfterSeconds: number,
    reason: "queue full" | "waited too long",
  ) {
    super(`The Stripe call budget refused this call (${reason}).`);
  }
}

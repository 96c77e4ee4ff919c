/**
 * A request the state cannot honour as asked (an account already inactive, a session already
 * completed...). Thrown before anything changes; the HTTP layers turn it into a Stripe-shaped
 * 400 (or `status`) naming `param`.
 */
export class TransitionError extends Error {
  constructor(
    message: string,
    readonly param?: string,
    readonly status = 400,
    readonly code?: string,
  ) {
    super(message);
    this.name = "TransitionError";
  }
}

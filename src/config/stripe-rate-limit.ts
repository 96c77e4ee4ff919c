/** Stripe's documented limits: 25 requests per second in test mode (and sandboxes), 100 live. */
export const STRIPE_TEST_MODE_RATE_LIMIT = 25;
export const STRIPE_LIVE_MODE_RATE_LIMIT = 100;

/**
 * How fast the gateway may call Stripe: at most `perSecond` requests in any one-second window,
 * of which up to `burst` may leave at once after a quiet spell.
 */
export interface StripeRateLimit {
  perSecond: number;
  burst: number;
  /** Most Stripe calls one customer may have waiting for a token; past it, calls are refused. */
  maxQueuePerCustomer: number;
  /** Longest a customer's call waits for a token before it is refused, in ms. */
  maxWaitMs: number;
  /**
   * Instances expected to share the budget in Redis: while Redis is unreachable each instance
   * keeps to 1/instances of it.
   */
  instances: number;
}

/** Defaults of the per-customer queue bounds. */
export const DEFAULT_MAX_QUEUE_PER_CUSTOMER = 100;
export const DEFAULT_MAX_WAIT_MS = 5_000;

/** A bad setting, named by its environment variable. */
export interface RateLimitProblem {
  variable: string;
  message: string;
}

/**
 * Resolves the limiter settings: `perSecond` defaults to Stripe's limit for the key's mode (live
 * keys 100, anything else 25), `burst` to a fifth of it (at least 1). Returns a problem when
 * `burst` is not below `perSecond`, since the bucket must still refill.
 */
export function resolveStripeRateLimit(input: {
  liveMode: boolean;
  perSecond: number | undefined;
  burst: number | undefined;
  maxQueuePerCustomer?: number | undefined;
  maxWaitMs?: number | undefined;
  instances?: number | undefined;
}): StripeRateLimit | RateLimitProblem {
  const perSecond =
    input.perSecond ?? (input.liveMode ? STRIPE_LIVE_MODE_RATE_LIMIT : STRIPE_TEST_MODE_RATE_LIMIT);
  const burst = input.burst ?? Math.max(1, Math.floor(perSecond / 5));
  if (burst >= perSecond) {
    return {
      variable:
        input.burst === undefined ? "STRIPE_RATE_LIMIT_PER_SECOND" : "STRIPE_RATE_LIMIT_BURST",
      message: `the burst (${burst}) must be below the rate limit per second (${perSecond})`,
    };
  }
  return {
    perSecond,
    burst,
    maxQueuePerCustomer: input.maxQueuePerCustomer ?? DEFAULT_MAX_QUEUE_PER_CUSTOMER,
    maxWaitMs: input.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    instances: input.instances ?? 1,
  };
}

import type { StripeRateLimit } from "../config/stripe-rate-limit.js";
import type { GatewayMetrics } from "../observability/metrics.js";
import { connectRedis } from "../redis/connection.js";
import { type StripeCallOutcomes, stripeCallOutcomes } from "./call-outcomes.js";
import type { FairStripeLimiter } from "./fair-limiter.js";
import type { FcApiShared } from "./fc-api.js";
import { bucketShapeOf, createStripeLimiter, instanceShareSource } from "./rate-limiter.js";
import { redisTokenSource } from "./redis-token-source.js";
import type { TokenSource } from "./token-source.js";

/** Where the budget is kept: this process, or a Redis bucket every instance shares. */
export type StripeBudgetStore =
  | { kind: "process" }
  | { kind: "redis"; url: string; prefix: string };

/**
 * The process-wide side of every FcApi a gateway builds: its one rate limiter (created here,
 * once per gateway, and put in the SDK's HTTP client so every request and retry takes a token) and
 * the Stripe call metrics. Every operation's FcApi, the webhook path's and the readiness probe's
 * share it, so together they stay under `limit`. With a Redis store, the tokens come from one
 * bucket for the whole deployment (falling back to this instance's share while Redis is down).
 * `outcomes` keeps the last request's outcome for readiness. `close` releases the Redis connection.
 */
export async function createStripeCallBudget(
  limit: StripeRateLimit,
  metrics: GatewayMetrics,
  store: StripeBudgetStore = { kind: "process" },
): Promise<
  FcApiShared & { limiter: FairStripeLimiter; outcomes: StripeCallOutcomes; close(): Promise<void> }
> {
  const outcomes = stripeCallOutcomes();
  let source: TokenSource | undefined;
  let close = async () => {};
  if (store.kind === "redis") {
    const redis = await connectRedis(store.url);
    source = redisTokenSource({
      redis,
      key: `${store.prefix}:stripe-budget`,
      shape: bucketShapeOf(limit),
      fallback: instanceShareSource(limit),
    });
    close = async () => {
      redis.disconnect();
    };
  }
  const limiter = createStripeLimiter(
    limit,
    (waitedMs) => metrics.stripeLimiterWait.observe(waitedMs / 1000),
    source,
  );
  metrics.setGaugeSources({ stripeQueued: () => limiter.queued() });
  return {
    limiter,
    onOutcome: (route, status) => {
      metrics.stripeCalls.inc({ route, status });
      outcomes.record(status);
    },
    outcomes,
    close,
  };
}

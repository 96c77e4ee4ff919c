import type { GatewayMetrics } from "../observability/metrics.js";
import type { FairStripeLimiter } from "../stripe/fair-limiter.js";
import type { FcApiShared } from "../stripe/fc-api.js";
import { createStripeLimiter, type StripeRateLimit } from "../stripe/rate-limit-settings.js";

/**
 * The process-wide side of every FcApi a gateway builds: its one rate limiter (created here,
 * once per gateway, and put in the SDK's HTTP client so every request and retry takes a token) and
 * the Stripe call metrics. Every operation's FcApi, the webhook path's and the readiness probe's
 * share it, so together they stay under `limit`.
 */
export function createStripeCallBudget(
  limit: StripeRateLimit,
  metrics: GatewayMetrics,
): FcApiShared & { limiter: FairStripeLimiter } {
  const limiter = createStripeLimiter(limit, (waitedMs) =>
    metrics.stripeLimiterWait.observe(waitedMs / 1000),
  );
  metrics.setGaugeSources({ stripeQueued: () => limiter.queued() });
  return {
    limiter,
    onOutcome: (route, status) => metrics.stripeCalls.inc({ route, status }),
  };
}

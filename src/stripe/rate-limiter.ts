import type { StripeRateLimit } from "../config/stripe-rate-limit.js";
import { createFairLimiter, type FairStripeLimiter } from "./fair-limiter.js";
import { type BucketShape, localTokenSource, type TokenSource } from "./token-source.js";

/**
 * The process's limiter for these settings: a fair token bucket (fair-limiter.ts) of capacity
 * `burst` refilled at `perSecond - burst` tokens a second, so no one-second window holds more
 * than `perSecond` calls (a bucket refilled at the full rate would allow `perSecond + burst`),
 * with each customer's queue bounded by `maxQueuePerCustomer` and `maxWaitMs`.
 */
export function createStripeLimiter(
  limit: StripeRateLimit,
  onWait?: (waitedMs: number) => void,
  source?: TokenSource,
): FairStripeLimiter {
  return createFairLimiter({
    ...(source === undefined ? {} : { source }),
    capacity: limit.burst,
    refillPerSecond: limit.perSecond - limit.burst,
    maxQueuePerCaller: limit.maxQueuePerCustomer,
    maxWaitMs: limit.maxWaitMs,
    ...(onWait === undefined ? {} : { onWait }),
  });
}

/** The bucket these settings describe: capacity `burst`, refilled at `perSecond - burst`. */
export function bucketShapeOf(limit: StripeRateLimit): BucketShape {
  return { capacity: limit.burst, refillPerSecond: limit.perSecond - limit.burst };
}

/**
 * One instance's share of the budget, used while the shared bucket in Redis is unreachable:
 * capacity and refill divided by `instances` (capacity at least 1).
 */
export function instanceShareSource(limit: StripeRateLimit): TokenSource {
  const shape = bucketShapeOf(limit);
  return localTokenSource({
    capacity: Math.max(1, Math.floor(shape.capacity / limit.instances)),
    refillPerSecond: shape.refillPerSecond / limit.instances,
  });
}

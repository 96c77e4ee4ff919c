import type { Redis } from "ioredis";
import type { BucketShape, TakenTokens, TokenSource } from "./token-source.js";

/**
 * One token bucket for every instance, kept in a Redis hash and updated atomically. Redis's own
 * clock (TIME) refills it, so instances' clocks do not matter. Returns {taken, nextInMs}.
 * KEYS[1]: the bucket; ARGV: capacity, refill per ms, wanted, ttl in ms.
 */
const TAKE_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local wanted = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
local taken = math.min(wanted, math.floor(tokens + 1e-9))
if taken < 0 then taken = 0 end
tokens = tokens - taken
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local nextIn = 0
if taken < wanted then nextIn = math.max(1, math.ceil((1 - tokens) / rate)) end
return {taken, nextIn}
`;

/** What the shared bucket needs. */
export interface RedisTokenSourceOptions {
  redis: Redis;
  /** The Redis key of the bucket (prefixed per deployment). */
  key: string;
  shape: BucketShape;
  /** Used while Redis cannot answer: this instance's share of the budget. */
  fallback: TokenSource;
  /** Told when the source switches between Redis and the fallback. */
  onFallback?: (usingFallback: boolean) => void;
}

/**
 * The deployment-wide bucket: every instance on one Redis takes from it, so together they stay
 * within its shape. When a Redis command fails, takes from `fallback` (the instance's share:
 * limit / STRIPE_RATE_LIMIT_INSTANCES) instead of sending unlimited; it tries Redis again on the
 * next take. Never rejects.
 */
export function redisTokenSource(options: RedisTokenSourceOptions): TokenSource {
  const { redis, key, shape, fallback } = options;
  const ratePerMs = shape.refillPerSecond / 1000;
  // Long enough that a busy bucket never expires; an idle one refills fully long before.
  const ttlMs = Math.max(60_000, Math.ceil((shape.capacity / ratePerMs) * 10));
  let usingFallback = false;
  const switchTo = (fallbackNow: boolean) => {
    if (fallbackNow !== usingFallback) {
      usingFallback = fallbackNow;
      options.onFallback?.(fallbackNow);
    }
  };
  return {
    take: async (wanted): Promise<TakenTokens> => {
      try {
        const [taken, nextInMs] = (await redis.eval(
          TAKE_SCRIPT,
          1,
          key,
          shape.capacity,
          ratePerMs,
          wanted,
          ttlMs,
        )) as [number, number];
        switchTo(false);
        return { taken, nextInMs };
      } catch {
        switchTo(true);
        return fallback.take(wanted);
      }
    },
  };
}

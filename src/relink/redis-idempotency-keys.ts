import { randomUUID } from "node:crypto";
import { connectRedis } from "../redis/connection.js";
import { type IdempotencyKeyStore, RELINK_IDEMPOTENCY_WINDOW_MS } from "./idempotency-keys.js";

/**
 * The relink idempotency keys shared by every gateway instance on one Redis: the first instance
 * to see a fingerprint stores its key (SET NX PX), every later request for the same fingerprint,
 * on any instance, gets that key back within the window. `keyFor` rejects when Redis cannot be
 * reached (the mutation then fails with a top-level error rather than risking a second session).
 */
export async function redisIdempotencyKeys(
  url: string,
  prefix: string,
  windowMs: number = RELINK_IDEMPOTENCY_WINDOW_MS,
): Promise<IdempotencyKeyStore & { close(): Promise<void> }> {
  // keyFor rejects while Redis is down (see connectRedis).
  const redis = await connectRedis(url);
  return {
    keyFor: async (fingerprint) => {
      const redisKey = `${prefix}:relink-key:${fingerprint}`;
      const candidate = `relink-${randomUUID()}`;
      const stored = await redis.set(redisKey, candidate, "PX", windowMs, "NX");
      if (stored === "OK") return candidate;
      const existing = await redis.get(redisKey);
      // Expired between the two calls: the window is over, a new key is right.
      return existing ?? candidate;
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

import { Redis } from "ioredis";

/**
 * Opens a Redis connection for request-path commands (dedupe claims, relink keys, cost budgets):
 * commands fail fast while Redis is down (no offline queue, one retry) so callers can answer
 * accordingly, and a Redis that is down at start-up is not fatal: ioredis keeps reconnecting.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  // Errors surface as rejected commands; the connection's own error events are only noise.
  redis.on("error", () => {});
  await redis.connect().catch(() => {});
  return redis;
}

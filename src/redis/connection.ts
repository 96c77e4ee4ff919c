import { Redis } from "ioredis";

/**
 * Opens (lazily: nothing is sent before `connect()` or a first command) a Redis connection with
 * the gateway's settings: one retry per command, and no offline queue, so commands fail fast
 * while Redis is down and callers can answer accordingly. `offlineQueue` keeps commands sent
 * while disconnected for the reconnection instead (a subscriber's connection, whose SUBSCRIBE
 * must reach Redis once it is back). Every Redis connection of the gateway is opened here.
 */
export function openRedis(url: string, { offlineQueue = false } = {}): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: offlineQueue,
    lazyConnect: true,
  });
}

/**
 * Opens a Redis connection for request-path commands (dedupe claims, relink keys, cost budgets):
 * commands fail fast while Redis is down (no offline queue, one retry) so callers can answer
 * accordingly, and a Redis that is down at start-up is not fatal: ioredis keeps reconnecting.
 */
export async function connectRedis(url: string): Promise<Redis> {
  const redis = openRedis(url);
  // Errors surface as rejected commands; the connection's own error events are only noise.
  redis.on("error", () => {});
  await redis.connect().catch(() => {});
  return redis;
}

import type { Redis } from "ioredis";
import { connectRedis } from "../redis/connection.js";
import { FENCE_TTL_MS, type Fence, type FenceStore } from "./fences.js";

/**
 * Closes a session and raises two `after` values of the hash KEYS[1] (each only grows), then
 * makes the hash last ARGV[6] ms. ARGV: open-session field (or ""), authorization field, its
 * value, accounts field, its value, ttl.
 */
const RAISE_SCRIPT = `
if ARGV[1] ~= '' then redis.call('HDEL', KEYS[1], ARGV[1]) end
for i = 2, 4, 2 do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
  if tonumber(ARGV[i + 1]) > current then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 1`;

/**
 * The fences every instance on one Redis shares: one hash per customer,
 * `<prefix>:read-model:<customer>:fences`, with fields `open:<authorization>:<session>` (when the
 * session stops counting as open), `authorization:<authorization>` and `accounts:<authorization>`
 * (the `after` values); customer and ids URI-encoded. The hash expires FENCE_TTL_MS after its last
 * write. Commands fail fast while Redis is down (see connectRedis).
 */
export async function redisFenceStore(
  url: string,
  prefix: string,
  now: () => number = Date.now,
): Promise<FenceStore> {
  const redis: Redis = await connectRedis(url);
  const keyOf = (customerId: string) =>
    `${prefix}:read-model:${encodeURIComponent(customerId)}:fences`;
  const enc = encodeURIComponent;
  return {
    fences: async (customerId) => {
      const hash = await redis.hgetall(keyOf(customerId));
      const fences = new Map<string, Fence>();
      const fenceOf = (authorizationId: string) => {
        let fence = fences.get(authorizationId);
        if (fence === undefined) {
          fence = { openSessions: [], authorizationAfter: 0, accountsAfter: 0 };
          fences.set(authorizationId, fence);
        }
        return fence;
      };
      const at = now();
      for (const [field, value] of Object.entries(hash)) {
        const [kind, authorization, session] = field.split(":");
        if (authorization === undefined) continue;
        const fence = fenceOf(decodeURIComponent(authorization));
        if (kind === "open" && session !== undefined && Number(value) > at)
          fence.openSessions.push(decodeURIComponent(session));
        else if (kind === "authorization") fence.authorizationAfter = Number(value);
        else if (kind === "accounts") fence.accountsAfter = Number(value);
      }
      return fences;
    },
    open: async (customerId, authorizationId, sessionId) => {
      await redis
        .multi()
        .hset(
          keyOf(customerId),
          `open:${enc(authorizationId)}:${enc(sessionId)}`,
          String(now() + FENCE_TTL_MS),
        )
        .pexpire(keyOf(customerId), FENCE_TTL_MS)
        .exec();
    },
    raise: async (customerId, authorizationId, raise) => {
      await redis.eval(
        RAISE_SCRIPT,
        1,
        keyOf(customerId),
        raise.closedSession === undefined
          ? ""
          : `open:${enc(authorizationId)}:${enc(raise.closedSession)}`,
        `authorization:${enc(authorizationId)}`,
        String(raise.authorizationAfter ?? 0),
        `accounts:${enc(authorizationId)}`,
        String(raise.accountsAfter ?? 0),
        String(FENCE_TTL_MS),
      );
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

import { createHash, randomUUID } from "node:crypto";
import { LRUCache } from "lru-cache";

/** How long an identical createRelinkSession returns the same session. */
export const RELINK_IDEMPOTENCY_WINDOW_MS = 10 * 60 * 1000;

/**
 * Hands out Stripe idempotency keys for relink sessions: the same fingerprint (viewer + input)
 * gets the same key for the window after its first use, so a retried mutation reaches Stripe
 * with the key of the first attempt and Stripe returns the same session.
 */
export interface IdempotencyKeyStore {
  keyFor(fingerprint: string): Promise<string>;
}

/**
 * An in-process store (LRU, bounded, entries expire `windowMs` after first use), for a single
 * instance; with REDIS_URL the gateway uses redisIdempotencyKeys, shared by every instance.
 */
export function inMemoryIdempotencyKeys(
  windowMs: number = RELINK_IDEMPOTENCY_WINDOW_MS,
  maxEntries = 50_000,
): IdempotencyKeyStore {
  const keys = new LRUCache<string, string>({
    max: maxEntries,
    ttl: windowMs,
    updateAgeOnGet: false,
  });
  return {
    keyFor: async (fingerprint) => {
      const existing = keys.get(fingerprint);
      if (existing !== undefined) return existing;
      const key = `relink-${randomUUID()}`;
      keys.set(fingerprint, key);
      return key;
    },
  };
}

/** A stable digest of anything JSON-serializable whose arrays the caller has already sorted. */
export function fingerprintOf(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex");
}

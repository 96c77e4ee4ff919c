import { LRUCache } from "lru-cache";
import { connectRedis } from "../redis/connection.js";

/** How long a handled event id is remembered: Stripe retries for up to 3 days; keep 4. */
export const HANDLED_EVENT_TTL_SECONDS = 4 * 24 * 60 * 60;
/** How long a claim may stay "processing" before another delivery may take it over (a crashed worker). */
export const PROCESSING_TTL_SECONDS = 60;

/** What `claim` found: the event is ours to handle, handled already, or being handled elsewhere now. */
export type ClaimResult = "claimed" | "done" | "in_progress";

/**
 * Remembers which Stripe event ids were handled, so each is handled once. `claim` marks an id
 * as processing (atomically: of concurrent claims exactly one wins); `complete` marks it done for
 * HANDLED_EVENT_TTL_SECONDS; `release` forgets a claim whose handling failed, so Stripe's retry is
 * handled. Each method rejects when the store cannot be reached.
 */
export interface EventDedupe {
  claim(eventId: string): Promise<ClaimResult>;
  complete(eventId: string): Promise<void>;
  release(eventId: string): Promise<void>;
  close(): Promise<void>;
}

/** A single-instance store in memory (bounded; the oldest ids go first when it is full). */
export function inMemoryDedupe(maxEntries = 1_000_000): EventDedupe {
  const states = new LRUCache<string, "processing" | "done">({
    max: maxEntries,
    ttlAutopurge: false,
  });
  return {
    claim: async (eventId) => {
      const state = states.get(eventId);
      if (state === "done") return "done";
      if (state === "processing") return "in_progress";
      states.set(eventId, "processing", { ttl: PROCESSING_TTL_SECONDS * 1000 });
      return "claimed";
    },
    complete: async (eventId) => {
      states.set(eventId, "done", { ttl: HANDLED_EVENT_TTL_SECONDS * 1000 });
    },
    release: async (eventId) => {
      states.delete(eventId);
    },
    close: async () => {},
  };
}

/** A store shared by every gateway instance on one Redis (SET NX EX, so claims are atomic). */
export async function redisDedupe(url: string, prefix: string): Promise<EventDedupe> {
  const keyOf = (eventId: string) => `${prefix}:webhook-event:${eventId}`;
  // Claims reject (the webhook answers 5xx) while Redis is down (see connectRedis).
  const redis = await connectRedis(url);
  return {
    claim: async (eventId) => {
      const claimed = await redis.set(
        keyOf(eventId),
        "processing",
        "EX",
        PROCESSING_TTL_SECONDS,
        "NX",
      );
      if (claimed === "OK") return "claimed";
      return (await redis.get(keyOf(eventId))) === "done" ? "done" : "in_progress";
    },
    complete: async (eventId) => {
      await redis.set(keyOf(eventId), "done", "EX", HANDLED_EVENT_TTL_SECONDS);
    },
    release: async (eventId) => {
      await redis.del(keyOf(eventId));
    },
    close: async () => {
      redis.disconnect();
    },
  };
}

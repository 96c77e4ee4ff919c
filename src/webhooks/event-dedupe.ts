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

/** Event ids the in-memory store remembers at most (the oldest go first beyond). */
export const IN_MEMORY_DEDUPE_MAX_IDS = 1_000_000;

/**
 * A single-instance store in memory: bounded (the oldest ids go first when it is full), its
 * memory in proportion to the ids it holds (an id remembered is a Map entry; nothing is allocated
 * ahead for ids not yet seen, as a fixed-size LRU would: 16 MB for a million).
 */
export function inMemoryDedupe(
  maxEntries = IN_MEMORY_DEDUPE_MAX_IDS,
  now: () => number = Date.now,
): EventDedupe {
  /** By id, in the order they were last set: the state and when it expires. */
  const states = new Map<string, { state: "processing" | "done"; until: number }>();
  const remember = (eventId: string, state: "processing" | "done", ttlSeconds: number) => {
    states.delete(eventId);
    states.set(eventId, { state, until: now() + ttlSeconds * 1000 });
    if (states.size > maxEntries) {
      const oldest = states.keys().next();
      if (oldest.done !== true) states.delete(oldest.value);
    }
  };
  return {
    claim: async (eventId) => {
      const held = states.get(eventId);
      if (held !== undefined && held.until > now()) {
        return held.state === "done" ? "done" : "in_progress";
      }
      remember(eventId, "processing", PROCESSING_TTL_SECONDS);
      return "claimed";
    },
    complete: async (eventId) => {
      remember(eventId, "done", HANDLED_EVENT_TTL_SECONDS);
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

import type { StoredKind } from "./store.js";

/**
 * The background re-reads of this instance's webhook path (see webhooks/background-rereads.ts),
 * by object: a read that finds its copy behind a fence the webhook path raised waits for the
 * re-read already on its way instead of asking Stripe again, then takes what it stored.
 */
export interface PendingRereads {
  /**
   * Records that a re-read of the object is on its way: `attempt` resolves once its first
   * attempt ended and what it read was stored, `done` once it ended for good (retries included).
   * The newest one recorded is the one `settled` answers with.
   */
  track(kind: StoredKind, id: string, attempt: Promise<void>, done: Promise<void>): void;
  /**
   * A promise that resolves when the newest re-read of the object recorded on this instance made
   * its first attempt; undefined when none is in flight.
   */
  settled(kind: StoredKind, id: string): Promise<void> | undefined;
  /** Resolves once every re-read in flight now ended for good (retries included). */
  idle(): Promise<void>;
  /** Objects with a re-read in flight. */
  readonly size: number;
}

/** An empty registry for one process. */
export function createPendingRereads(): PendingRereads {
  const inFlight = new Map<string, Promise<void>>();
  const unfinished = new Set<Promise<void>>();
  return {
    track: (kind, id, attempt, done) => {
      const key = `${kind}:${id}`;
      const tracked = attempt.catch(() => {});
      inFlight.set(key, tracked);
      void tracked.then(() => {
        if (inFlight.get(key) === tracked) inFlight.delete(key);
      });
      const ending = done.catch(() => {});
      unfinished.add(ending);
      void ending.then(() => unfinished.delete(ending));
    },
    settled: (kind, id) => inFlight.get(`${kind}:${id}`),
    idle: async () => {
      await Promise.all(unfinished);
    },
    get size() {
      return inFlight.size;
    },
  };
}

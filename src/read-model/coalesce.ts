import { LRUCache } from "lru-cache";

/** A moment on a coalescer's own clock (it counts arrivals and read starts; never wall time). */
export type Moment = number;

/**
 * Coalesced reads: `read(key, load, since)` answers with a read of `key` that *started after
 * `since`* (by default: after the call), while callers share reads. A caller shares the read in
 * flight, or the last one finished (kept briefly), when it started after the caller's `since`;
 * else every caller arriving meanwhile shares one follow-up read, started when the one in flight
 * ends. So events that arrive together (each marks `arrived()` first, then reads what it must)
 * share one read per object, however many of them, and no caller is answered with a state read
 * before its moment (an event about a change never gets a read from before the change).
 */
export interface Coalescer {
  /** Now, on the coalescer's clock: the moment an event arrived. */
  arrived(): Moment;
  read<T>(key: string, load: () => Promise<T>, since?: Moment): Promise<T>;
}

interface Started {
  promise: Promise<unknown>;
  startedAt: Moment;
}

/** How many finished reads are kept for callers that arrived before they started. */
const FINISHED_KEPT = 10_000;
/** How long a finished read is kept for such callers. */
const FINISHED_TTL_MS = 10_000;

/** Creates a coalescer (one per process: the webhook intake's). */
export function createCoalescer(): Coalescer {
  let clock: Moment = 0;
  const running = new Map<string, Started>();
  const queued = new Map<string, Promise<unknown>>();
  const finished = new LRUCache<string, Started>({ max: FINISHED_KEPT, ttl: FINISHED_TTL_MS });
  const start = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    const started: Started = { promise: Promise.resolve(), startedAt: ++clock };
    const promise = load().then(
      (value) => {
        if (running.get(key) === started) running.delete(key);
        const kept = finished.get(key);
        if (kept === undefined || kept.startedAt < started.startedAt) finished.set(key, started);
        return value;
      },
      (error: unknown) => {
        if (running.get(key) === started) running.delete(key);
        throw error;
      },
    );
    started.promise = promise;
    running.set(key, started);
    return promise;
  };
  return {
    arrived: () => ++clock,
    read: <T>(key: string, load: () => Promise<T>, since: Moment = ++clock): Promise<T> => {
      const done = finished.get(key);
      if (done !== undefined && done.startedAt > since) return done.promise as Promise<T>;
      const current = running.get(key);
      if (current === undefined) return start(key, load);
      if (current.startedAt > since) return current.promise as Promise<T>;
      const waiting = queued.get(key);
      if (waiting !== undefined) return waiting as Promise<T>;
      const next = current.promise
        .catch(() => {})
        .then(() => {
          queued.delete(key);
          return start(key, load);
        });
      queued.set(key, next);
      return next;
    },
  };
}

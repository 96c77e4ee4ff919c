import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "../observability/logger.js";
import type { Moment } from "../read-model/coalesce.js";
import type { PendingRereads } from "../read-model/pending-rereads.js";
import type { StoredKind, StoredObjects } from "../read-model/store.js";
import type { ImpliedReads, Reread } from "./implied-reads.js";
import { isRefusedReread } from "./refused-reread.js";

/** Objects with a background re-read queued or running, at most (beyond: handled at once). */
export const MAX_BACKGROUND_REREADS = 10_000;
/** Attempts of one background re-read (Stripe down, rate limited) before it is given up. */
export const BACKGROUND_REREAD_ATTEMPTS = 6;
/** Wait before the second attempt; doubled for each later one. */
const FIRST_RETRY_MS = 1_000;

/** What to do with a re-read once it is done (store it, compare it with what was published). */
export type RereadFollowUp<K extends StoredKind> = (
  reread: Reread<StoredObjects[K]>,
) => Promise<void>;

/**
 * The webhook path's re-reads that need not hold the webhook's answer: each runs after the event
 * was acknowledged, through the same Stripe client and budget as any other re-read (the
 * process's Stripe limiter), shared per object as the implied reads share theirs. Per object at
 * most one re-read runs and one waits: events arriving while one waits join it (their
 * follow-ups run after it, in order). A re-read with none running before it waits for the end of
 * the event loop's current turn: the events of one turn (a burst of webhooks read together) share
 * it, and its Stripe request is sent after their deliveries, not between them. A failed attempt (Stripe unreachable, rate limited) is
 * retried with backoff up to BACKGROUND_REREAD_ATTEMPTS times, then logged and given up (the
 * fence the caller raised keeps reads of the object going to Stripe meanwhile); a refused
 * re-read (see refused-reread.ts) is not retried. Each re-read's first attempt is tracked in
 * `pending` so a read behind a fence waits for it.
 */
export interface BackgroundRereads {
  /** Whether `objects` more objects fit (else the caller re-reads before acknowledging). */
  hasRoom(objects: number): boolean;
  /** Queues a re-read of the object that starts after `since`, then `followUp` with it. */
  schedule<K extends StoredKind>(
    kind: K,
    id: string,
    since: Moment,
    followUp: RereadFollowUp<K>,
  ): void;
  /** Whether a re-read of the object is queued or running. */
  has(kind: StoredKind, id: string): boolean;
  /** Whether a re-read of the object waits to start (after the one running, if any). */
  waiting(kind: StoredKind, id: string): boolean;
  /** Objects with a re-read queued or running. */
  readonly size: number;
}

/** What background re-reads need. */
export interface BackgroundRereadsDeps {
  implied: ImpliedReads;
  pending: PendingRereads;
  logger: Logger;
  maxObjects?: number;
}

interface Waiting {
  since: Moment;
  followUps: RereadFollowUp<StoredKind>[];
  /** Ends the re-read's first attempt for the readers waiting on it (see PendingRereads). */
  attempted: () => void;
}

/**
 * Resolves on the event loop's next turn (a `setImmediate`), one promise for every caller of one
 * turn: the background re-reads scheduled while the webhooks of one turn are handled start
 * together, after them.
 */
function turnEnd(): () => Promise<void> {
  let pending: Promise<void> | undefined;
  return () => {
    pending ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        pending = undefined;
        resolve();
      }),
    );
    return pending;
  };
}

/** Builds the process's background re-reads. */
export function createBackgroundRereads(deps: BackgroundRereadsDeps): BackgroundRereads {
  const afterThisTurn = turnEnd();
  const maxObjects = deps.maxObjects ?? MAX_BACKGROUND_REREADS;
  /** Per object: the tail of its chain (the running re-read, then the waiting one). */
  const tails = new Map<string, Promise<void>>();
  const waiting = new Map<string, Waiting>();

  const attempt = async (kind: StoredKind, id: string, job: Waiting): Promise<void> => {
    const reread = await deps.implied.reread(kind, id, job.since);
    for (const followUp of job.followUps) {
      await followUp(reread).catch((error: unknown) =>
        deps.logger.warn({ kind, id, err: error }, "background re-read: follow-up failed"),
      );
    }
  };

  const run = async (kind: StoredKind, id: string, key: string, job: Waiting) => {
    waiting.delete(key);
    for (let tries = 1; ; tries += 1) {
      try {
        await attempt(kind, id, job);
        return;
      } catch (error) {
        job.attempted();
        if (isRefusedReread(error) || tries >= BACKGROUND_REREAD_ATTEMPTS) {
          deps.logger.warn(
            { kind, id, attempts: tries, err: error },
            "background re-read given up; reads of the object keep asking Stripe",
          );
          return;
        }
        // Unref'd: a retry never keeps a closing process alive.
        await sleep(FIRST_RETRY_MS * 2 ** (tries - 1), undefined, { ref: false });
      } finally {
        job.attempted();
      }
    }
  };

  return {
    hasRoom: (objects) => tails.size + objects <= maxObjects,
    schedule: (kind, id, since, followUp) => {
      const key = `${kind}:${id}`;
      const joined = waiting.get(key);
      if (joined !== undefined) {
        joined.since = Math.max(joined.since, since);
        joined.followUps.push(followUp as RereadFollowUp<StoredKind>);
        return;
      }
      let attempted = () => {};
      const firstAttempt = new Promise<void>((resolve) => {
        attempted = resolve;
      });
      const job: Waiting = {
        since,
        followUps: [followUp as RereadFollowUp<StoredKind>],
        attempted,
      };
      waiting.set(key, job);
      // A first re-read starts once the turn's foreground work is done (the deliveries of the
      // webhooks that arrived together): until then every event of the object joins it.
      const tail = (tails.get(key) ?? afterThisTurn()).then(() => run(kind, id, key, job));
      deps.pending.track(kind, id, firstAttempt, tail);
      tails.set(key, tail);
      void tail.finally(() => {
        if (tails.get(key) === tail) tails.delete(key);
      });
    },
    has: (kind, id) => tails.has(`${kind}:${id}`),
    waiting: (kind, id) => waiting.has(`${kind}:${id}`),
    get size() {
      return tails.size;
    },
  };
}

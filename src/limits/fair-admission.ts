import { GraphQLError } from "graphql";

/** Seconds a caller refused for holding too many operations is told to wait (`Retry-After`). */
export const FAIR_ADMISSION_RETRY_AFTER_SECONDS = 1;

/** How many operations one caller may hold in the gate. */
export interface FairAdmissionLimits {
  /**
   * Operations of one caller past the gate and not yet finished (a subscription: not yet
   * executing) at once (GRAPHQL_MAX_ACTIVE_PER_CUSTOMER); its next ones wait for a turn.
   */
  maxActive: number;
  /**
   * Operations of one caller waiting for a turn besides its active ones
   * (GRAPHQL_MAX_QUEUED_PER_CUSTOMER); one more is refused RATE_LIMITED (429).
   */
  maxQueued: number;
}

/** A turn: let in (release it when the operation's admission work is over), or refused. */
export type FairTurn =
  | { admitted: true; release(): void }
  | { admitted: false; error: GraphQLError; status: 429; retryAfterSeconds: number };

/** The gate in front of the expensive stages (parsing, validation, admission, execution). */
export interface FairAdmission {
  /**
   * Waits for `caller`'s turn (see `createFairAdmission`); resolves refused at once when the
   * caller already holds `maxActive + maxQueued` operations. Never rejects.
   */
  enter(caller: string): Promise<FairTurn>;
  /** What `caller` holds now: active operations and waiting ones (tests, metrics). */
  held(caller: string): { active: number; waiting: number };
}

/** One caller's operations in the gate. */
interface CallerState {
  active: number;
  waiting: (() => void)[];
  /** The round that last let one of its operations in; -1: none since it was last idle. */
  lastServed: number;
}

/** When the next round runs: after the I/O the event loop has ready (`setImmediate`). */
export type RoundScheduler = (round: () => void) => void;

/**
 * A per-caller fair gate for a single-threaded server. Parsing, validating and executing an
 * operation run on the event loop without yielding, so a caller keeping many requests in flight
 * would make everyone else's requests wait behind all of its own, first come first served. Here
 * every operation waits in its caller's queue (the customer's id; anonymous callers share one
 * key), and the gate lets operations in by rounds: each round lets in at most one waiting
 * operation of every caller below `maxActive`, least recently served caller first, and the next
 * round runs only after the event loop has read what arrived meanwhile (`setImmediate`), so a
 * caller that just arrived goes first in the next round, ahead of a flooder's hundredth request. An
 * operation is never let in synchronously: whatever arrived in the same turn of the loop queues
 * first. A caller already holding `maxActive + maxQueued` operations is refused at once
 * (RATE_LIMITED, 429, `retryAfter` FAIR_ADMISSION_RETRY_AFTER_SECONDS) without queueing.
 * `release` (idempotent) frees the slot and lets the caller's next operation into a later round.
 * A caller holding nothing is forgotten, so the gate's memory is bounded by what is held.
 */
export function createFairAdmission(
  limits: FairAdmissionLimits,
  schedule: RoundScheduler = setImmediate,
): FairAdmission {
  const callers = new Map<string, CallerState>();
  /** Callers with waiting operations, in the order they started waiting (Set keeps insertion order). */
  const waitingCallers = new Set<string>();
  let scheduled = false;
  let rounds = 0;

  const forgetIfIdle = (caller: string, state: CallerState) => {
    if (state.active === 0 && state.waiting.length === 0) callers.delete(caller);
  };
  const scheduleRound = () => {
    if (scheduled) return;
    scheduled = true;
    schedule(round);
  };
  /** Least recently served first: a caller that just arrived goes before one served every round. */
  const servingOrder = () =>
    [...waitingCallers].sort(
      (a, b) => (callers.get(a)?.lastServed ?? -1) - (callers.get(b)?.lastServed ?? -1),
    );
  const round = () => {
    scheduled = false;
    rounds += 1;
    let more = false;
    for (const caller of servingOrder()) {
      const state = callers.get(caller);
      if (state === undefined) {
        waitingCallers.delete(caller);
        continue;
      }
      if (state.active >= limits.maxActive) continue;
      state.lastServed = rounds;
      const next = state.waiting.shift();
      // Served: to the back of the order, or out of it when it has nothing left waiting.
      waitingCallers.delete(caller);
      if (state.waiting.length > 0) {
        waitingCallers.add(caller);
        more = true;
      }
      if (next !== undefined) {
        state.active += 1;
        next();
      }
    }
    if (more) scheduleRound();
  };

  return {
    enter: (caller) => {
      let state = callers.get(caller);
      if (state === undefined) {
        state = { active: 0, waiting: [], lastServed: -1 };
        callers.set(caller, state);
      }
      if (state.active + state.waiting.length >= limits.maxActive + limits.maxQueued) {
        const message = `Too many operations of this customer are waiting (at most ${limits.maxActive} running and ${limits.maxQueued} waiting); retry shortly.`;
        const error = new GraphQLError(message, {
          extensions: { code: "RATE_LIMITED", retryAfter: FAIR_ADMISSION_RETRY_AFTER_SECONDS },
        });
        return Promise.resolve({
          admitted: false,
          error,
          status: 429,
          retryAfterSeconds: FAIR_ADMISSION_RETRY_AFTER_SECONDS,
        });
      }
      const held = state;
      return new Promise<FairTurn>((resolve) => {
        held.waiting.push(() => {
          let released = false;
          resolve({
            admitted: true,
            release: () => {
              if (released) return;
              released = true;
              held.active -= 1;
              if (held.waiting.length > 0) {
                waitingCallers.add(caller);
                scheduleRound();
              } else forgetIfIdle(caller, held);
            },
          });
        });
        waitingCallers.add(caller);
        scheduleRound();
      });
    },
    held: (caller) => {
      const state = callers.get(caller);
      return { active: state?.active ?? 0, waiting: state?.waiting.length ?? 0 };
    },
  };
}

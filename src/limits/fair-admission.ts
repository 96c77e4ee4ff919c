import { GraphQLError } from "graphql";
import type { FairAdmissionLimits } from "../config/fair-admission-limits.js";

/** Seconds a caller refused for holding too many operations is told to wait (`Retry-After`). */
export const FAIR_ADMISSION_RETRY_AFTER_SECONDS = 1;

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
  /** The turn that last let one of its operations in; -1: none since it was last idle. */
  lastServed: number;
}

/** When the next turn runs: after the I/O the event loop has ready (`setImmediate`). */
export type TurnScheduler = (turn: () => void) => void;

/**
 * A per-caller fair gate for a single-threaded server. Parsing, validating and executing an
 * operation run on the event loop without yielding, so a caller keeping many requests in flight
 * would make everyone else's requests wait behind all of its own, first come first served. Here
 * every operation waits in its caller's queue (the customer's id; anonymous callers share one
 * key), and the gate lets operations in by turns: each turn lets in one operation, of the waiting
 * caller below `maxActive` that was served least recently (round robin among busy callers; a
 * caller that just arrived goes first), and the next turn runs only after the event loop has read
 * what arrived meanwhile (`setImmediate`). So an operation let in runs its synchronous work (and
 * every promise step that follows without I/O) alone, and a caller arriving behind a flood waits
 * for at most the flood's operation already running. An operation is never let in synchronously:
 * whatever arrived in the same turn of the loop queues first. A caller already holding
 * `maxActive + maxQueued` operations is refused at once (RATE_LIMITED, 429, `retryAfter`
 * FAIR_ADMISSION_RETRY_AFTER_SECONDS) without queueing. `release` (idempotent) frees the slot and
 * lets the caller's next operation into a later turn. A caller holding nothing is forgotten, so
 * the gate's memory is bounded by what is held.
 */
export function createFairAdmission(
  limits: FairAdmissionLimits,
  schedule: TurnScheduler = setImmediate,
): FairAdmission {
  const callers = new Map<string, CallerState>();
  /** Callers with waiting operations, in the order they started waiting (Set keeps insertion order). */
  const waitingCallers = new Set<string>();
  let scheduled = false;
  let turns = 0;

  const forgetIfIdle = (caller: string, state: CallerState) => {
    if (state.active === 0 && state.waiting.length === 0) callers.delete(caller);
  };
  const scheduleTurn = () => {
    if (scheduled) return;
    scheduled = true;
    schedule(turn);
  };
  /** The caller to let in next: waiting, below `maxActive`, least recently served first. */
  const nextCaller = (): [string, CallerState] | undefined => {
    let chosen: [string, CallerState] | undefined;
    for (const caller of waitingCallers) {
      const state = callers.get(caller);
      if (state === undefined || state.waiting.length === 0) {
        waitingCallers.delete(caller);
        continue;
      }
      if (state.active >= limits.maxActive) continue;
      if (chosen === undefined || state.lastServed < chosen[1].lastServed) chosen = [caller, state];
    }
    return chosen;
  };
  /** One turn: lets one operation in; the next turn comes after the event loop's I/O. */
  const turn = () => {
    scheduled = false;
    const chosen = nextCaller();
    if (chosen === undefined) return;
    const [caller, state] = chosen;
    turns += 1;
    state.lastServed = turns;
    const next = state.waiting.shift();
    if (state.waiting.length === 0) waitingCallers.delete(caller);
    if (next !== undefined) {
      state.active += 1;
      next();
    }
    if (waitingCallers.size > 0) scheduleTurn();
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
                scheduleTurn();
              } else forgetIfIdle(caller, held);
            },
          });
        });
        waitingCallers.add(caller);
        scheduleTurn();
      });
    },
    held: (caller) => {
      const state = callers.get(caller);
      return { active: state?.active ?? 0, waiting: state?.waiting.length ?? 0 };
    },
  };
}

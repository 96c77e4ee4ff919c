import { GraphQLError } from "graphql";
import type { FairAdmissionLimits } from "../config/fair-admission-limits.js";
import { createFairPacing } from "./fair-pacing.js";

/** Seconds a caller refused for holding too many operations is told to wait (`Retry-After`). */
export const FAIR_ADMISSION_RETRY_AFTER_SECONDS = 1;

/**
 * A turn: let in (release it when the operation's admission work is over; `refused` when the
 * operation was refused for the caller's own doing, which pacing charges: limits/fair-pacing.ts),
 * or refused.
 */
export type FairTurn =
  | { admitted: true; release(refused?: boolean): void }
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
  /** Each waiting operation's entry, called with the gate turn that lets it in. */
  waiting: ((letInTurn: number) => void)[];
  /** The turn that last let one of its operations in; -1: none since it was last idle. */
  lastServed: number;
}

/** When the next turn runs: after the I/O the event loop has ready (`setImmediate`). */
export type TurnScheduler = (turn: () => void) => void;

/** The gate's clock and timers (tests replace them). */
export interface GateTiming {
  /** Runs the next turn after the I/O the event loop has ready (`setImmediate`). */
  immediate: TurnScheduler;
  /** Runs a turn in `ms` (an unref'd `setTimeout`): when a paced caller's wait ends. */
  after(ms: number, turn: () => void): void;
  /** Milliseconds, monotonic (`performance.now`): when waits end. */
  now(): number;
  /**
   * Milliseconds of CPU the process has used (`process.cpuUsage`, user and system): an
   * operation's run is measured as the smaller of this and wall time, so neither the moments the
   * process was descheduled on a busy machine nor its other threads' work are charged to it. Read
   * only where a run past the free allowance may come (`FairPacing.readsCpu`) and after a run
   * past it by wall time.
   */
  cpu(): number;
  /**
   * Calls `done` once the work an operation let in just now runs without I/O is over (see
   * `afterMicrotasksAndTicks`).
   */
  afterRun(done: () => void): void;
}

/** A check that found less than this many ms of other work since the last one is quiet. */
const QUIET_CHECK_MS = 0.05;
/**
 * Quiet checks in a row that end a run: a step that does nothing but wait a tick (and DataLoader
 * queues its batch as a tick from a microtask) can leave one check quiet before more work.
 */
const QUIET_CHECKS_TO_END = 3;
/** Checks at most, so a chain that never quiets is measured up to here. */
const MAX_CHECKS = 64;

/**
 * Calls `done` once the microtasks and `process.nextTick` callbacks queued from now on have run
 * (the part of an operation that follows without waiting for I/O: promise steps, and the ticks
 * DataLoader and streams schedule): a check re-queues itself (a microtask, then a tick, which runs
 * once the microtask queue has drained) until QUIET_CHECKS_TO_END in a row find that almost
 * nothing ran since the one before (by `clock`).
 */
export function afterMicrotasksAndTicks(
  done: () => void,
  clock: () => number = () => performance.now(),
): void {
  let last = clock();
  let checks = 0;
  let quiet = 0;
  const check = () => {
    const now = clock();
    checks += 1;
    quiet = now - last < QUIET_CHECK_MS ? quiet + 1 : 0;
    last = now;
    if (quiet >= QUIET_CHECKS_TO_END || checks >= MAX_CHECKS) {
      done();
      return;
    }
    queueMicrotask(nextCheck);
  };
  // One closure for every check's microtask, not one per check.
  const nextCheck = () => process.nextTick(check);
  queueMicrotask(nextCheck);
}

/** Milliseconds of CPU the process has used, user and system. */
function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1_000;
}

/** The event loop's timing. */
export const EVENT_LOOP_TIMING: GateTiming = {
  immediate: setImmediate,
  after: (ms, turn) => {
    setTimeout(turn, ms).unref();
  },
  now: () => performance.now(),
  cpu: () => cpuMs(),
  afterRun: (done) => afterMicrotasksAndTicks(done),
};

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
 * the gate's memory is bounded by what is held (and, pacing, the last runs of the callers of the
 * last seconds: limits/fair-pacing.ts).
 *
 * With `limits.pacing` (factor above 0), the gate measures each operation's run after it is let
 * in until it first waits for I/O (`timing.afterRun`), the smaller of process CPU time and wall
 * time (a caller whose last runs were all within the free allowance: wall time, and a run past
 * it so measured is not recorded but makes its next runs read the CPU; see `FairPacing.readsCpu`),
 * and paces a caller whose operations run longer than the free allowance, or are refused
 * (`release(true)`), while others are served (limits/fair-pacing.ts): its next operation waits,
 * its turn going to others, or to a
 * timer (`timing.after`) when its wait ends. The gate idles only for one paced caller waiting
 * alone; when several paced ones wait, the one whose wait ends soonest goes.
 */
export function createFairAdmission(
  limits: FairAdmissionLimits,
  given: Partial<GateTiming> = {},
): FairAdmission {
  const timing: GateTiming = { ...EVENT_LOOP_TIMING, ...given };
  const schedule = timing.immediate;
  const pacing =
    limits.pacing !== undefined && limits.pacing.factor > 0
      ? createFairPacing(limits.pacing)
      : undefined;
  const freeMs = limits.pacing?.freeMs ?? 0;
  /** Callers holding an operation past the gate (active above 0). */
  let holdingCallers = 0;
  /** The time a timer turn is set for (a paced caller's wait ends), if one is. */
  let timerAt: number | undefined;
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
  /** A turn when the soonest paced wait ends (`waitMs` from `now`), unless one is set sooner. */
  const setTimerTurn = (now: number, waitMs: number) => {
    const at = now + waitMs;
    if (timerAt !== undefined && timerAt <= at) return;
    timerAt = at;
    timing.after(waitMs, () => {
      if (timerAt === at) timerAt = undefined;
      turn();
    });
  };
  /**
   * The caller to let in next: waiting, below `maxActive`, not paced (or alone), least recently
   * served first. When every such caller is paced: the one whose wait ends soonest if two or more
   * are (the loop is not left idle while several customers wait), else that one caller's wait.
   */
  const nextCaller = (now: number): [string, CallerState] | number | undefined => {
    let chosen: [string, CallerState] | undefined;
    let soonest: { wait: number; caller: [string, CallerState] } | undefined;
    let paced = 0;
    for (const caller of waitingCallers) {
      const state = callers.get(caller);
      if (state === undefined || state.waiting.length === 0) {
        waitingCallers.delete(caller);
        continue;
      }
      if (state.active >= limits.maxActive) continue;
      if (pacing !== undefined) {
        const othersHold =
          holdingCallers > (state.active > 0 ? 1 : 0) ||
          waitingCallers.size > (state.waiting.length > 0 ? 1 : 0);
        const wait = pacing.waitFor(caller, now, othersHold);
        if (wait > 0) {
          paced += 1;
          if (soonest === undefined || wait < soonest.wait)
            soonest = { wait, caller: [caller, state] };
          continue;
        }
      }
      if (chosen === undefined || state.lastServed < chosen[1].lastServed) chosen = [caller, state];
    }
    if (chosen !== undefined || soonest === undefined) return chosen;
    return paced > 1 ? soonest.caller : soonest.wait;
  };
  /** One turn: lets one operation in; the next turn comes after the event loop's I/O. */
  const turn = () => {
    scheduled = false;
    const now = timing.now();
    const chosen = nextCaller(now);
    if (chosen === undefined) return;
    if (typeof chosen === "number") {
      setTimerTurn(now, chosen);
      return;
    }
    const [caller, state] = chosen;
    turns += 1;
    state.lastServed = turns;
    const next = state.waiting.shift();
    if (state.waiting.length === 0) waitingCallers.delete(caller);
    if (next !== undefined) {
      if (state.active === 0) holdingCallers += 1;
      state.active += 1;
      if (pacing !== undefined) {
        const letInTurn = turns;
        const cpuBefore = pacing.readsCpu(caller) ? timing.cpu() : undefined;
        pacing.letIn(caller, letInTurn);
        timing.afterRun(() => {
          const ended = timing.now();
          const wallMs = ended - now;
          // The process's CPU counts its other threads too (V8's concurrent GC, the thread pool),
          // wall time the moments it was descheduled: the smaller is nearer the run's own. A run
          // within the free allowance by wall time is within it by both, and paces no one
          // whichever is recorded: its CPU is not read again (each reading is a system call that
          // walks the process's threads: two were 15 % of the busy time of `{ __typename }` under
          // load). A run past it whose CPU was not read is told as such (see `readsCpu`).
          const runMs =
            wallMs <= freeMs
              ? wallMs
              : cpuBefore === undefined
                ? undefined
                : Math.min(timing.cpu() - cpuBefore, wallMs);
          pacing.measured(caller, letInTurn, runMs, ended);
        });
        next(letInTurn);
      } else next(turns);
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
        held.waiting.push((letInTurn) => {
          let released = false;
          resolve({
            admitted: true,
            release: (refused = false) => {
              if (released) return;
              released = true;
              if (refused) pacing?.refused(caller, letInTurn, timing.now());
              held.active -= 1;
              if (held.active === 0) holdingCallers -= 1;
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

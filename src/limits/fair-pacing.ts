import type { FairPacingLimits } from "../config/fair-admission-limits.js";

/** A caller's pace: when its next operation may be let in while others are served. */
interface Pace {
  /** performance.now() before which the caller waits while others are being served. */
  notBefore: number;
  /** The gate's turn that last let one of its operations in. */
  letInTurn: number;
}

/** Paces kept before the expired ones are swept (each is small; a sweep is O(paces)). */
const SWEEP_ABOVE = 1_024;

/** The pacing book of the fair gate (see `createFairPacing`). */
export interface FairPacing {
  /** `caller` had an operation let in at gate turn `turn`. */
  letIn(caller: string, turn: number): void;
  /**
   * `caller`'s operation, let in at turn `turn`, ran `workMs` before it first waited for I/O:
   * past the free allowance, the caller's next operation waits `factor` times the excess.
   */
  measured(caller: string, turn: number, workMs: number, now: number): void;
  /**
   * Milliseconds `caller` must still wait at `now`, given whether others contend (another caller
   * waiting or holding an operation); 0: it may be let in.
   */
  waitFor(caller: string, now: number, othersHold: boolean): number;
  /** Callers whose pace is remembered (tests: bounded memory). */
  size(): number;
}

/**
 * Paces callers whose operations are expensive, and only while others are being served: the fair
 * gate is otherwise work-conserving, so a caller arriving behind a flood waits for the flood's
 * operation that is running, every time; with pacing, an operation measured at `workMs` (its run
 * on the event loop from being let in until it first waits for I/O) over `freeMs` defers the
 * caller's next one by `factor × (workMs − freeMs)` (at most `maxDelayMs`), so another caller's request rarely arrives during one. The wait applies
 * only while someone else contends: another caller waiting or holding an operation, or let in
 * since the paced caller's last operation; alone, a paced caller goes at once (work-conserving).
 * A caller's pace is forgotten once it has passed.
 */
export function createFairPacing(limits: FairPacingLimits): FairPacing {
  const paces = new Map<string, Pace>();
  /** The last caller let in and its turn, and the last other caller let in before it. */
  let last: { caller: string; turn: number } | undefined;
  let lastOther: { caller: string; turn: number } | undefined;
  const otherLetInAfter = (caller: string, turn: number) => {
    const latestOther = last?.caller !== caller ? last : lastOther;
    return latestOther !== undefined && latestOther.turn > turn;
  };
  const sweep = (now: number) => {
    if (paces.size <= SWEEP_ABOVE) return;
    for (const [caller, pace] of paces) if (pace.notBefore <= now) paces.delete(caller);
  };
  return {
    letIn: (caller, turn) => {
      if (last !== undefined && last.caller !== caller) lastOther = last;
      last = { caller, turn };
      const pace = paces.get(caller);
      if (pace !== undefined) pace.letInTurn = turn;
    },
    measured: (caller, turn, workMs, now) => {
      const delay = limits.factor * (workMs - limits.freeMs);
      if (!(delay > 0)) return;
      const pace = paces.get(caller);
      const notBefore = now + Math.min(delay, limits.maxDelayMs);
      if (pace === undefined) {
        paces.set(caller, { notBefore, letInTurn: turn });
        sweep(now);
      } else pace.notBefore = notBefore;
    },
    waitFor: (caller, now, othersHold) => {
      const pace = paces.get(caller);
      if (pace === undefined) return 0;
      if (pace.notBefore <= now) {
        paces.delete(caller);
        return 0;
      }
      return othersHold || otherLetInAfter(caller, pace.letInTurn) ? pace.notBefore - now : 0;
    },
    size: () => paces.size,
  };
}

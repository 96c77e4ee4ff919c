import type { FairPacingLimits } from "../config/fair-admission-limits.js";

/** A caller's runs are forgotten this long after its last one (once more than SWEEP_ABOVE are kept). */
const FORGET_AFTER_MS = 10_000;
/** Callers kept before the stale ones are swept (each is small; a sweep is O(callers)). */
const SWEEP_ABOVE = 1_024;

/** A caller's pace: its last runs, and when its next operation may be let in while others are served. */
interface Pace {
  /** Its last `runs` runs, in ms, oldest first. */
  runs: number[];
  /** The gate turn that let in each of `runs`' operations, in the same order. */
  runTurns: number[];
  /**
   * Refused operations not yet measured: the turn that let each in, and the least its run counts
   * as (`refused` came before `measured`).
   */
  chargesDue: Map<number, number>;
  /** performance.now() before which the caller waits while others are being served. */
  notBefore: number;
  /** The gate's turn that last let one of its operations in. */
  letInTurn: number;
  /** When its last run was measured. */
  measuredAt: number;
  /**
   * Its next runs whose CPU is read (`readsCpu`): `runs` after a run past the free allowance or
   * one whose CPU was not read, one fewer after each run within it.
   */
  cpuReadsLeft: number;
}

/** The pacing book of the fair gate (see `createFairPacing`). */
export interface FairPacing {
  /** `caller` had an operation let in at gate turn `turn`. */
  letIn(caller: string, turn: number): void;
  /**
   * Whether the run of `caller`'s next operation is to be measured with the process CPU clock too
   * (see `measured`): for a caller it remembers no run of, and while any of its last
   * `limits.runs` runs went past the free allowance or was not read. A caller whose last runs were
   * all within the allowance is measured by wall time alone (a CPU reading is a system call that
   * walks the process's threads, the largest cost of a small operation's run).
   */
  readsCpu(caller: string): boolean;
  /**
   * `caller`'s operation, let in at turn `turn`, ran `runMs` before it first waited for I/O
   * (undefined: past the free allowance by wall time, its CPU not read: not recorded, since the
   * process may have been descheduled, and its next runs are read): once the median of its last
   * `limits.runs` runs is past the free allowance, its next operation waits `factor` times the
   * excess.
   */
  measured(caller: string, turn: number, runMs: number | undefined, now: number): void;
  /**
   * `caller`'s operation let in at turn `turn` was refused for the caller's own doing (a document
   * that does not parse, validate or fit the work bound; a spent budget): its run counts as at
   * least `limits.refusedMs`, whether it was measured already or not yet (and even when its run
   * was not recorded, being past the allowance by wall time with its CPU not read).
   */
  refused(caller: string, turn: number, now: number): void;
  /**
   * Milliseconds `caller` must still wait at `now`, given whether others contend (another caller
   * waiting or holding an operation); 0: it may be let in.
   */
  waitFor(caller: string, now: number, othersHold: boolean): number;
  /** Callers whose runs are remembered (tests: bounded memory). */
  size(): number;
}

/** The middle value of `runs` (of three without copying or sorting them: every operation's case). */
function median(runs: readonly number[]): number {
  if (runs.length === 3) {
    const [a, b, c] = runs as [number, number, number];
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }
  return [...runs].sort((x, y) => x - y)[runs.length >> 1] ?? 0;
}

/**
 * Paces callers whose operations are expensive, and only while others are being served: the fair
 * gate is otherwise work-conserving, so a caller arriving behind a flood waits for the flood's
 * operation that is running, every time. With pacing, once the median of a caller's last
 * `runs` runs (each from being let in until it first waits for I/O) is over `freeMs`, each
 * run defers the caller's next operation by `factor × (median − freeMs)` (at most `maxDelayMs`),
 * so another caller's request rarely arrives during one; a single slow run (a cold start, a
 * pause of the collector) paces no one (a caller whose last runs were all within the allowance
 * is paced one run later than its CPU would have it: its first run past it is measured by wall
 * time alone and not recorded, see `readsCpu`). A refused operation (`refused`: a document that
 * does not parse, validate or fit the work bound, or a spent budget) counts as a run of at least
 * `refusedMs`: what the gate measures of it is little (a remembered refusal is a hash), but its
 * request still costs the process the HTTP path around the gate (reading and parsing the body,
 * writing the answer, its log line), which no run measures, and a caller repeating refused
 * requests is flooding. The wait applies only while someone else contends:
 * another caller waiting or holding an operation, or let in since the paced caller's last
 * operation; alone, a paced caller goes at once (work-conserving). A caller's runs are forgotten
 * FORGET_AFTER_MS after its last one, by a sweep when more than SWEEP_ABOVE callers (or twice
 * what the last sweep kept) are remembered.
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
  /** The size past which the next sweep runs: twice what the last one kept (sweeps stay amortised). */
  let sweepAbove = SWEEP_ABOVE;
  const sweep = (now: number) => {
    if (paces.size <= sweepAbove) return;
    for (const [caller, pace] of paces) {
      const idle = pace.measuredAt + FORGET_AFTER_MS <= now && pace.notBefore <= now;
      if (idle && pace.chargesDue.size === 0) paces.delete(caller);
    }
    sweepAbove = Math.max(SWEEP_ABOVE, 2 * paces.size);
  };
  /** The caller's pace, new if it has none (sweeping the stale ones first when many are kept). */
  const paceOf = (caller: string, turn: number, now: number) => {
    let pace = paces.get(caller);
    if (pace === undefined) {
      pace = {
        runs: [],
        runTurns: [],
        chargesDue: new Map(),
        notBefore: now,
        letInTurn: turn,
        measuredAt: now,
        cpuReadsLeft: 0,
      };
      paces.set(caller, pace);
      sweep(now);
    }
    return pace;
  };
  /** Sets when the caller's next operation may go, from the median of its last runs. */
  const repace = (pace: Pace, now: number) => {
    if (pace.runs.length < limits.runs) return;
    const delay = limits.factor * (median(pace.runs) - limits.freeMs);
    if (delay > 0) pace.notBefore = now + Math.min(delay, limits.maxDelayMs);
  };
  return {
    letIn: (caller, turn) => {
      if (last !== undefined && last.caller !== caller) lastOther = last;
      last = { caller, turn };
      const pace = paces.get(caller);
      if (pace !== undefined) pace.letInTurn = turn;
    },
    readsCpu: (caller) => {
      const pace = paces.get(caller);
      return pace === undefined || pace.cpuReadsLeft > 0;
    },
    measured: (caller, turn, runMs, now) => {
      const pace = paceOf(caller, turn, now);
      pace.measuredAt = now;
      if (runMs === undefined || runMs > limits.freeMs) pace.cpuReadsLeft = limits.runs;
      else if (pace.cpuReadsLeft > 0) pace.cpuReadsLeft -= 1;
      const charged = pace.chargesDue.get(turn);
      pace.chargesDue.delete(turn);
      const run = runMs === undefined ? charged : Math.max(runMs, charged ?? 0);
      if (run === undefined) return;
      pace.runs.push(run);
      pace.runTurns.push(turn);
      if (pace.runs.length > limits.runs) {
        pace.runs.shift();
        pace.runTurns.shift();
      }
      repace(pace, now);
    },
    refused: (caller, turn, now) => {
      if (limits.refusedMs <= 0) return;
      const pace = paceOf(caller, turn, now);
      const at = pace.runTurns.indexOf(turn);
      if (at === -1) {
        pace.chargesDue.set(turn, limits.refusedMs);
        return;
      }
      pace.runs[at] = Math.max(pace.runs[at] ?? 0, limits.refusedMs);
      repace(pace, now);
    },
    waitFor: (caller, now, othersHold) => {
      const pace = paces.get(caller);
      if (pace === undefined || pace.notBefore <= now) return 0;
      return othersHold || otherLetInAfter(caller, pace.letInTurn) ? pace.notBefore - now : 0;
    },
    size: () => paces.size,
  };
}

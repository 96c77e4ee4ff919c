/**
 * The fair gate's pacing (src/limits/fair-pacing.ts, in src/limits/fair-admission.ts): a caller
 * whose operations run long waits, while others are served, in proportion to what its last one
 * ran past the free allowance. The gate's clock is the test's: an operation "runs" by moving it
 * forward in the steps that follow its admission; turns and timers run when the test says.
 */
import DataLoader from "dataloader";
import { describe, expect, it } from "vitest";
import {
  afterMicrotasksAndTicks,
  createFairAdmission,
  type FairTurn,
} from "../../src/limits/fair-admission.js";
import { createFairPacing } from "../../src/limits/fair-pacing.js";

/** One run decides (runs: 1), so each test's first operation paces its caller. */
const PACING = { factor: 2, freeMs: 1, refusedMs: 4, maxDelayMs: 1_000, runs: 1 };

/** A paced gate on the test's clock; each operation given the work it runs once let in. */
function pacedGate(pacing = PACING) {
  let clock = 0;
  const due: (() => void)[] = [];
  const timers: { at: number; turn: () => void }[] = [];
  const gate = createFairAdmission(
    { maxActive: 4, maxQueued: 10, pacing },
    {
      immediate: (turn) => due.push(turn),
      after: (ms, turn) => timers.push({ at: clock + ms, turn }),
      now: () => clock,
      cpu: () => clock,
      afterRun: (done) => afterMicrotasksAndTicks(done, () => clock),
    },
  );
  const admitted: string[] = [];
  const turns = new Map<string, FairTurn>();
  /** `caller` asks; once let in, its operation runs `work` (ms on the test's clock) at once. */
  const enter = (caller: string, label: string, work: (advance: (ms: number) => void) => void) =>
    gate.enter(caller).then((turn) => {
      turns.set(label, turn);
      if (turn.admitted) {
        admitted.push(label);
        work((ms) => {
          clock += ms;
        });
      }
    });
  const runs = (ms: number) => (advance: (ms: number) => void) => advance(ms);
  /** Runs the due turn, then lets what it let in run and be measured. */
  const turn = async () => {
    for (const run of due.splice(0)) run();
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** Releases `label`'s turn; `refused`: the operation was refused for its caller's doing. */
  const release = (label: string, refused = false) => {
    const given = turns.get(label);
    if (given?.admitted) given.release(refused);
  };
  /** Moves the clock to `at` and runs the timers due by then. */
  const timersUntil = async (at: number) => {
    clock = at;
    for (const timer of timers.filter((t) => t.at <= at)) {
      timers.splice(timers.indexOf(timer), 1);
      timer.turn();
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { admitted, enter, runs, turn, release, timers, timersUntil, now: () => clock };
}

/**
 * A paced gate on two clocks of the test's, wall time and process CPU, each moved by what an
 * operation is given once let in (CPU as much as wall unless told); counts the CPU clock's reads.
 */
function twoClockGate(maxActive: number) {
  const clocks = { wall: 0, cpu: 0, cpuReads: 0 };
  const due: (() => void)[] = [];
  const timers: number[] = [];
  const gate = createFairAdmission(
    { maxActive, maxQueued: 10, pacing: PACING },
    {
      immediate: (turn) => due.push(turn),
      after: (ms) => timers.push(clocks.wall + ms),
      now: () => clocks.wall,
      cpu: () => {
        clocks.cpuReads += 1;
        return clocks.cpu;
      },
      afterRun: (done) => afterMicrotasksAndTicks(done, () => clocks.wall),
    },
  );
  /** Runs the due turn, then lets what it let in run and be measured. */
  const turn = async () => {
    for (const run of due.splice(0)) run();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const admitted: string[] = [];
  const enter = (caller: string, label: string, wallMs: number, cpuMs = wallMs) =>
    gate.enter(caller).then(() => {
      admitted.push(label);
      clocks.wall += wallMs;
      clocks.cpu += cpuMs;
    });
  return { enter, turn, admitted, timers, cpuReads: () => clocks.cpuReads };
}

describe("the fair gate's pacing", () => {
  it("holds a caller whose operation ran past the free allowance for factor × the excess while another caller is served, then lets it in by a timer", async () => {
    const g = pacedGate();
    void g.enter("flooder", "f1", g.runs(6));
    void g.enter("flooder", "f2", g.runs(6));
    void g.enter("victim", "v1", g.runs(0.5));
    await g.turn(); // f1 runs 6 ms: the flooder waits 2 × (6 − 1) = 10 ms, until 16
    await g.turn(); // v1
    g.release("v1");
    void g.enter("victim", "v2", g.runs(0.5));
    await g.turn(); // the victim, idle since v1, arrives anew and goes first
    expect(g.admitted).toEqual(["f1", "v1", "v2"]);
    // Work-conserving round robin would let f2 in now: it waits, the victim having been served.
    await g.turn();
    expect(g.admitted).toEqual(["f1", "v1", "v2"]);
    expect(g.timers.map((timer) => timer.at)).toEqual([16]);
    await g.timersUntil(16);
    expect(g.admitted).toEqual(["f1", "v1", "v2", "f2"]);
  });

  it("lets a paced caller in at once when no one else is waiting, holding or served since (work-conserving alone)", async () => {
    const g = pacedGate();
    void g.enter("flooder", "f1", g.runs(6));
    void g.enter("flooder", "f2", g.runs(6));
    await g.turn();
    await g.turn();
    expect(g.admitted).toEqual(["f1", "f2"]);
    expect(g.timers).toEqual([]);
  });

  it("leaves the loop idle for one paced caller waiting alone only: of several, the soonest to end its wait goes at once", async () => {
    const g = pacedGate();
    void g.enter("a", "a1", g.runs(6)); // a waits until 16
    void g.enter("a", "a2", g.runs(1));
    void g.enter("b", "b1", g.runs(3)); // b waits until 9 + 4 = 13
    void g.enter("b", "b2", g.runs(1));
    await g.turn();
    await g.turn();
    await g.turn();
    expect(g.admitted).toEqual(["a1", "b1", "b2"]);
    expect(g.timers).toEqual([]);
    await g.turn(); // a alone waiting, b served since: held by a timer
    expect(g.admitted).toEqual(["a1", "b1", "b2"]);
    expect(g.timers.map((timer) => timer.at)).toEqual([16]);
  });

  it("never paces an operation within the free allowance", async () => {
    const g = pacedGate();
    void g.enter("victim", "v1", g.runs(0.9));
    void g.enter("victim", "v2", g.runs(0.9));
    void g.enter("other", "o1", g.runs(0.9));
    void g.enter("other", "o2", g.runs(0.9));
    for (const _ of [1, 2, 3, 4]) await g.turn();
    expect(g.admitted).toEqual(["v1", "o1", "v2", "o2"]);
    expect(g.timers).toEqual([]);
  });

  it("measures the promise steps and ticks that follow the admission without I/O", async () => {
    const g = pacedGate();
    void g.enter("flooder", "f1", (advance) => {
      advance(2);
      void Promise.resolve()
        .then(() => advance(1))
        .then(() => process.nextTick(() => advance(2)));
    });
    void g.enter("flooder", "f2", g.runs(1));
    void g.enter("victim", "v1", g.runs(0.5));
    await g.turn(); // f1 measured 5 ms: waits 2 × (5 − 1) = 8 ms, until 13
    await g.turn(); // v1
    await g.turn();
    expect(g.admitted).toEqual(["f1", "v1"]);
    expect(g.timers.map((timer) => timer.at)).toEqual([13]);
  });

  it("measures a DataLoader batch (a tick queued from a microtask) behind steps that do nothing", async () => {
    const g = pacedGate();
    const loader = new DataLoader<number, number>(async (keys) => keys.map((key) => key));
    void g.enter("flooder", "f1", (advance) => {
      advance(0.5);
      void (async () => {
        // Two steps with nothing to do (ticks), then the batch: a run's end needs 3 quiet checks.
        for (const _ of [1, 2]) await new Promise((resolve) => process.nextTick(resolve));
        await Promise.all([1, 2, 3].map((key) => loader.load(key)));
        advance(4);
      })();
    });
    void g.enter("flooder", "f2", g.runs(1));
    void g.enter("victim", "v1", g.runs(0.5));
    await g.turn(); // f1 measured 4.5 ms: waits 2 × (4.5 − 1) = 7 ms, until 11.5
    await g.turn(); // v1
    await g.turn();
    expect(g.admitted).toEqual(["f1", "v1"]);
    expect(g.timers.map((timer) => timer.at)).toEqual([11.5]);
  });

  it("does not count what an operation runs after waiting for I/O", async () => {
    const g = pacedGate();
    void g.enter("flooder", "f1", (advance) => {
      advance(1.5);
      setImmediate(() => advance(100));
    });
    void g.enter("flooder", "f2", g.runs(1));
    void g.enter("victim", "v1", g.runs(0.5));
    await g.turn(); // f1 measured 1.5 ms (waits 1 ms), then 100 ms after I/O
    await g.turn(); // v1
    await g.turn(); // measured 101.5 ms, f2 would wait 201 ms
    expect(g.admitted).toEqual(["f1", "v1", "f2"]);
    expect(g.timers).toEqual([]);
  });

  it("measures a run as the smaller of process CPU and wall time (other threads, descheduling)", async () => {
    const { enter, turn, admitted, timers } = twoClockGate(4);
    // 6 ms of process CPU in 0.5 ms (GC threads), then 6 ms of wall in 0.5 ms of CPU: not paced.
    void enter("flooder", "f1", 0.5, 6);
    void enter("flooder", "f2", 6, 0.5);
    void enter("flooder", "f3", 6, 6);
    void enter("flooder", "f4", 1, 1);
    void enter("victim", "v1", 0.5, 0.5);
    for (const _ of [1, 2, 3, 4, 5, 6]) await turn();
    expect(admitted).toEqual(["f1", "v1", "f2", "f3"]);
    expect(timers).toEqual([13 + 10]); // f3: 6 ms both ways, waits 2 × (6 − 1) from 13
  });

  it("counts an operation refused for its caller's doing (`release(true)`) as a run of at least refusedMs", async () => {
    const g = pacedGate();
    void g.enter("flooder", "f1", g.runs(0.2));
    void g.enter("flooder", "f2", g.runs(0.2));
    void g.enter("victim", "v1", g.runs(0.5));
    await g.turn(); // f1 runs 0.2 ms, within the allowance
    g.release("f1", true); // refused: counts as 4 ms, the flooder waits 2 × (4 − 1) from 0.2
    await g.turn(); // v1
    await g.turn();
    expect(g.admitted).toEqual(["f1", "v1"]);
    expect(g.timers.map((timer) => timer.at)).toEqual([0.2 + 6]);
    await g.timersUntil(6.2);
    expect(g.admitted).toEqual(["f1", "v1", "f2"]);
  });

  it("does not pace an operation released without a refusal, nor a refused caller alone", async () => {
    const g = pacedGate();
    void g.enter("a", "a1", g.runs(0.2));
    void g.enter("a", "a2", g.runs(0.2));
    void g.enter("b", "b1", g.runs(0.2));
    void g.enter("b", "b2", g.runs(0.2));
    await g.turn();
    g.release("a1");
    await g.turn();
    g.release("b1");
    await g.turn();
    await g.turn();
    expect(g.admitted).toEqual(["a1", "b1", "a2", "b2"]);
    const alone = pacedGate();
    void alone.enter("a", "a1", alone.runs(0.2));
    void alone.enter("a", "a2", alone.runs(0.2));
    await alone.turn();
    alone.release("a1", true);
    await alone.turn();
    expect(alone.admitted).toEqual(["a1", "a2"]);
    expect(alone.timers).toEqual([]);
  });

  it("reads the process CPU where a run past the allowance may come (a caller's first run, the runs after one past it), not again after a run within it; a run past it unread is not recorded", async () => {
    const { enter, turn, admitted, timers, cpuReads: reads } = twoClockGate(8);
    void enter("caller", "c1", 1); // its first run: read when let in; within the allowance, not again
    await turn();
    expect(reads()).toBe(1);
    void enter("caller", "c2", 0.5); // its last run within the allowance: wall time alone
    await turn();
    expect(reads()).toBe(1);
    void enter("caller", "c3", 6); // past it, unread: not recorded, so not paced
    void enter("caller", "c4", 6); // read: 6 ms both ways, paced 2 × (6 − 1) from 14
    await turn();
    expect(reads()).toBe(1);
    void enter("victim", "v1", 0.5); // its first run: read
    await turn();
    await turn();
    expect(admitted).toEqual(["c1", "c2", "c3", "v1", "c4"]);
    expect(reads()).toBe(4);
    void enter("caller", "c5", 1);
    void enter("victim", "v2", 0.5); // its last run within the allowance: not read
    await turn();
    await turn();
    expect(admitted).toEqual(["c1", "c2", "c3", "v1", "c4", "v2"]);
    expect(reads()).toBe(4);
    expect(timers).toEqual([24]);
  });

  it("waits at most maxDelayMs after one operation", async () => {
    const g = pacedGate({ ...PACING, maxDelayMs: 50 });
    void g.enter("flooder", "f1", g.runs(500));
    void g.enter("flooder", "f2", g.runs(1));
    void g.enter("victim", "v1", g.runs(0.5));
    await g.turn();
    await g.turn();
    await g.turn();
    expect(g.timers.map((timer) => timer.at)).toEqual([550]);
  });

  it("is off with factor 0: round robin as without pacing", async () => {
    const g = pacedGate({ ...PACING, factor: 0 });
    void g.enter("flooder", "f1", g.runs(6));
    void g.enter("flooder", "f2", g.runs(6));
    void g.enter("victim", "v1", g.runs(0.5));
    await g.turn();
    await g.turn();
    g.release("v1");
    void g.enter("victim", "v2", g.runs(0.5));
    await g.turn();
    await g.turn();
    expect(g.admitted).toEqual(["f1", "v1", "v2", "f2"]);
    expect(g.timers).toEqual([]);
  });
});

describe("the pacing book", () => {
  it("paces by the median of a caller's last runs: one slow run paces no one, a flood from its third run on", () => {
    const pacing = createFairPacing({ ...PACING, runs: 3 });
    pacing.measured("victim", 1, 0.5, 0);
    pacing.measured("victim", 2, 40, 1); // a cold start
    pacing.measured("victim", 3, 0.5, 42);
    pacing.measured("victim", 4, 0.6, 43);
    expect(pacing.waitFor("victim", 43, true)).toBe(0);
    pacing.measured("flooder", 5, 4, 50);
    pacing.measured("flooder", 6, 4, 54);
    expect(pacing.waitFor("flooder", 54, true)).toBe(0);
    pacing.measured("flooder", 7, 4, 58);
    expect(pacing.waitFor("flooder", 58, true)).toBe(2 * (4 - 1));
  });

  it("charges a refusal whether it comes before or after the operation's run is measured", () => {
    const pacing = createFairPacing(PACING);
    pacing.measured("before", 1, 0.3, 0);
    pacing.refused("before", 1, 1);
    expect(pacing.waitFor("before", 1, true)).toBe(2 * (4 - 1));
    pacing.refused("after", 2, 0);
    expect(pacing.waitFor("after", 0, true)).toBe(0);
    pacing.measured("after", 2, 0.3, 1);
    expect(pacing.waitFor("after", 1, true)).toBe(2 * (4 - 1));
    // Another operation's refusal raises only that operation's run.
    pacing.measured("other", 3, 0.3, 0);
    pacing.refused("other", 4, 0);
    expect(pacing.waitFor("other", 0, true)).toBe(0);
    // A run past the allowance whose CPU was not read is not recorded, but its refusal is.
    pacing.refused("unread", 5, 0);
    pacing.measured("unread", 5, undefined, 1);
    expect(pacing.waitFor("unread", 1, true)).toBe(2 * (4 - 1));
    const off = createFairPacing({ ...PACING, refusedMs: 0 });
    off.measured("caller", 1, 0.3, 0);
    off.refused("caller", 1, 0);
    expect(off.waitFor("caller", 0, true)).toBe(0);
  });

  it("forgets a caller's runs 10 s after its last, sweeping past 1,024 callers or twice what the last sweep kept", () => {
    const pacing = createFairPacing(PACING);
    pacing.measured("a", 1, 6, 0);
    expect(pacing.waitFor("a", 5, true)).toBe(5);
    expect(pacing.waitFor("a", 10, true)).toBe(0);
    for (let n = 0; n < 1_024; n++) pacing.measured(`c${n}`, n, 2, 0);
    // The sweep at 1,025 found none stale: the next comes past 2,050.
    expect(pacing.size()).toBe(1_025);
    for (let n = 0; n < 1_026; n++) pacing.measured(`d${n}`, n, 2, 10_000);
    expect(pacing.size()).toBe(1_026);
  });
});

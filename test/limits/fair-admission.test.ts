/**
 * The fair gate (src/limits/fair-admission.ts) on its own, its rounds run by the test (the
 * gateway runs them with `setImmediate`): who is let in when, who is refused, what is forgotten.
 */
import { describe, expect, it } from "vitest";
import { createFairAdmission, type FairTurn } from "../../src/limits/fair-admission.js";

/** A gate whose rounds run only when the test says, and the turns it gave, in order. */
function manualGate(maxActive: number, maxQueued: number) {
  const rounds: (() => void)[] = [];
  const gate = createFairAdmission({ maxActive, maxQueued }, (round) => rounds.push(round));
  const admitted: string[] = [];
  const turns = new Map<string, FairTurn>();
  const enter = (caller: string, label: string) =>
    gate.enter(caller).then((turn) => {
      turns.set(label, turn);
      if (turn.admitted) admitted.push(label);
      return turn;
    });
  /** Runs the round that is due, then lets the turns it gave settle. */
  const round = async () => {
    const due = rounds.splice(0);
    for (const run of due) run();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const release = (label: string) => {
    const turn = turns.get(label);
    if (turn?.admitted) turn.release();
  };
  return { gate, admitted, enter, round, release, rounds };
}

describe("the fair gate", () => {
  it("lets nothing in before a round: what arrived meanwhile queues first", async () => {
    const { admitted, enter, round } = manualGate(4, 10);
    void enter("flooder", "f1");
    await new Promise((resolve) => setImmediate(resolve));
    expect(admitted).toEqual([]);
    await round();
    expect(admitted).toEqual(["f1"]);
  });

  it("gives one turn per caller per round, least recently served first, so a caller arriving behind a flood goes next", async () => {
    const { admitted, enter, round, release } = manualGate(1, 10);
    for (const n of [1, 2, 3, 4]) void enter("flooder", `f${n}`);
    await round();
    expect(admitted).toEqual(["f1"]);
    // The victim arrives behind three of the flooder's operations.
    void enter("victim", "v1");
    release("f1");
    await round();
    expect(admitted).toEqual(["f1", "v1", "f2"]);
    release("f2");
    release("v1");
    await round();
    expect(admitted).toEqual(["f1", "v1", "f2", "f3"]);
  });

  it("holds a caller's operations past maxActive until one is released", async () => {
    const { gate, admitted, enter, round, release } = manualGate(2, 10);
    for (const n of [1, 2, 3]) void enter("customer", `c${n}`);
    await round();
    await round();
    expect(admitted).toEqual(["c1", "c2"]);
    expect(gate.held("customer")).toEqual({ active: 2, waiting: 1 });
    await round();
    expect(admitted).toEqual(["c1", "c2"]);
    release("c1");
    release("c1"); // releasing twice frees one slot only
    await round();
    expect(admitted).toEqual(["c1", "c2", "c3"]);
    expect(gate.held("customer")).toEqual({ active: 2, waiting: 0 });
  });

  it("refuses a caller holding maxActive + maxQueued (RATE_LIMITED, 429, retry after 1 s) while another caller is let in", async () => {
    const { admitted, enter, round } = manualGate(1, 1);
    void enter("flooder", "f1");
    void enter("flooder", "f2");
    const refused = await enter("flooder", "f3");
    expect(refused.admitted).toBe(false);
    if (refused.admitted) return;
    expect(refused.status).toBe(429);
    expect(refused.retryAfterSeconds).toBe(1);
    expect(refused.error.extensions).toEqual({ code: "RATE_LIMITED", retryAfter: 1 });
    expect(refused.error.message).toBe(
      "Too many operations of this customer are waiting (at most 1 running and 1 waiting); retry shortly.",
    );
    void enter("victim", "v1");
    await round();
    expect(admitted).toEqual(["f1", "v1"]);
  });

  it("forgets a caller once it holds nothing", async () => {
    const { gate, enter, round, release } = manualGate(1, 0);
    void enter("customer", "c1");
    await round();
    expect(gate.held("customer")).toEqual({ active: 1, waiting: 0 });
    expect((await gate.enter("customer")).admitted).toBe(false);
    release("c1");
    expect(gate.held("customer")).toEqual({ active: 0, waiting: 0 });
    void enter("customer", "c2");
    await round();
    expect(gate.held("customer")).toEqual({ active: 1, waiting: 0 });
  });
});

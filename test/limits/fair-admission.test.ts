/**
 * The fair gate (src/limits/fair-admission.ts) on its own, its turns run by the test (the gateway
 * runs them with `setImmediate`): who is let in when, who is refused, what is forgotten.
 */
import { describe, expect, it } from "vitest";
import { createFairAdmission, type FairTurn } from "../../src/limits/fair-admission.js";

/** A gate whose turns run only when the test says, and the operations it let in, in order. */
function manualGate(maxActive: number, maxQueued: number) {
  const due: (() => void)[] = [];
  const gate = createFairAdmission(
    { maxActive, maxQueued },
    { immediate: (turn) => due.push(turn) },
  );
  const admitted: string[] = [];
  const turns = new Map<string, FairTurn>();
  const enter = (caller: string, label: string) =>
    gate.enter(caller).then((turn) => {
      turns.set(label, turn);
      if (turn.admitted) admitted.push(label);
      return turn;
    });
  /** Runs the turn that is due (if any), then lets what it let in settle. */
  const turn = async () => {
    for (const run of due.splice(0)) run();
    await new Promise((resolve) => setImmediate(resolve));
  };
  const release = (label: string) => {
    const given = turns.get(label);
    if (given?.admitted) given.release();
  };
  return { gate, admitted, enter, turn, release };
}

describe("the fair gate", () => {
  it("lets nothing in before a turn: what arrived meanwhile queues first", async () => {
    const { admitted, enter, turn } = manualGate(4, 10);
    void enter("flooder", "f1");
    await new Promise((resolve) => setImmediate(resolve));
    expect(admitted).toEqual([]);
    await turn();
    expect(admitted).toEqual(["f1"]);
  });

  it("lets one operation in per turn, least recently served caller first, so a caller arriving behind a flood goes next", async () => {
    const { admitted, enter, turn } = manualGate(4, 10);
    for (const n of [1, 2, 3, 4]) void enter("flooder", `f${n}`);
    await turn();
    await turn();
    expect(admitted).toEqual(["f1", "f2"]);
    // The victim arrives behind two of the flooder's waiting operations.
    void enter("victim", "v1");
    await turn();
    expect(admitted).toEqual(["f1", "f2", "v1"]);
    void enter("victim", "v2");
    await turn();
    await turn();
    await turn();
    // Both busy: they alternate.
    expect(admitted).toEqual(["f1", "f2", "v1", "f3", "v2", "f4"]);
  });

  it("holds a caller's operations past maxActive until one is released", async () => {
    const { gate, admitted, enter, turn, release } = manualGate(2, 10);
    for (const n of [1, 2, 3]) void enter("customer", `c${n}`);
    await turn();
    await turn();
    await turn();
    expect(admitted).toEqual(["c1", "c2"]);
    expect(gate.held("customer")).toEqual({ active: 2, waiting: 1 });
    release("c1");
    release("c1"); // releasing twice frees one slot only
    await turn();
    expect(admitted).toEqual(["c1", "c2", "c3"]);
    expect(gate.held("customer")).toEqual({ active: 2, waiting: 0 });
  });

  it("refuses a caller holding maxActive + maxQueued (RATE_LIMITED, 429, retry after 1 s) while another caller is let in", async () => {
    const { admitted, enter, turn } = manualGate(1, 1);
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
    await turn();
    await turn();
    expect(admitted).toEqual(["f1", "v1"]);
  });

  it("forgets a caller once it holds nothing", async () => {
    const { gate, enter, turn, release } = manualGate(1, 0);
    void enter("customer", "c1");
    await turn();
    expect(gate.held("customer")).toEqual({ active: 1, waiting: 0 });
    expect((await gate.enter("customer")).admitted).toBe(false);
    release("c1");
    expect(gate.held("customer")).toEqual({ active: 0, waiting: 0 });
    void enter("customer", "c2");
    await turn();
    expect(gate.held("customer")).toEqual({ active: 1, waiting: 0 });
  });
});

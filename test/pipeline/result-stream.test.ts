import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { mapStream, resultStream } from "../../src/pipeline/result-stream.js";

// A full collection on demand in this test process.
setFlagsFromString("--expose-gc");
const collectGarbage = runInNewContext("gc") as () => void;

/** The heap after a full collection (twice: finalizers may free more on the second pass). */
function heapAfterCollection(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** A source that yields nothing until told to, like a subscription waiting for its next event. */
function pendingSource() {
  const state = { returned: 0 };
  const source: AsyncIterator<number> = {
    next: () => new Promise<IteratorResult<number>>(() => {}),
    return: async () => {
      state.returned += 1;
      return { value: undefined, done: true };
    },
  };
  return { source, state };
}

const handlers = (ends: string[]) => ({
  map: (item: number) => `item ${item}`,
  failed: (error: unknown) => `failed: ${(error as Error).message}`,
  onEnd: () => ends.push("end"),
});

describe("resultStream", () => {
  it("ends a stream that waits for its next event at once when stopped, delivering the last item", async () => {
    const { source, state } = pendingSource();
    const ends: string[] = [];
    const stream = resultStream(source, handlers(ends));
    const waiting = stream.next();
    stream.stop("token expired");
    expect(await waiting).toEqual({ value: "token expired", done: false });
    expect(await stream.next()).toEqual({ value: undefined, done: true });
    expect(ends).toEqual(["end"]);
    expect(state.returned).toBe(1);
  });

  it("returns while a next waits (a client that left), ending once however often it is ended", async () => {
    const { source, state } = pendingSource();
    const ends: string[] = [];
    const stream = mapStream(resultStream(source, handlers(ends)), (item) => item.toUpperCase());
    const waiting = stream.next();
    await stream.return();
    expect(await waiting).toEqual({ value: undefined, done: true });
    await stream.return();
    expect(ends).toEqual(["end"]);
    expect(state.returned).toBe(1);
  });

  it("maps each item, and turns a source's failure into its last item", async () => {
    let calls = 0;
    const source: AsyncIterator<number> = {
      next: async () => {
        calls += 1;
        if (calls === 1) return { value: 1, done: false };
        throw new Error("bus gone");
      },
    };
    const ends: string[] = [];
    const items: string[] = [];
    for await (const item of resultStream(source, handlers(ends))) items.push(item);
    expect(items).toEqual(["item 1", "failed: bus gone"]);
    expect(ends).toEqual(["end"]);
  });

  it("turns a source that throws as it is pulled into its last item", async () => {
    const source: AsyncIterator<number> = {
      next: () => {
        throw new Error("bus gone at once");
      },
    };
    const ends: string[] = [];
    const items: string[] = [];
    for await (const item of resultStream(source, handlers(ends))) items.push(item);
    expect(items).toEqual(["failed: bus gone at once"]);
    expect(ends).toEqual(["end"]);
  });

  it("answers every waiting pull when stopped: the last item once, then done", async () => {
    const { source } = pendingSource();
    const stream = resultStream(source, handlers([]));
    const first = stream.next();
    const second = stream.next();
    stream.stop("token expired");
    expect([await first, await second]).toEqual([
      { value: "token expired", done: false },
      { value: undefined, done: true },
    ]);
  });

  it("holds nothing per event it delivered while the stream stays open (a subscription open for days)", async () => {
    const events = 50_000;
    let delivered = 0;
    const source: AsyncIterator<number> = {
      next: async () => ({ value: delivered++, done: false }),
    };
    const stream = resultStream(source, handlers([]));
    await stream.next();
    const before = heapAfterCollection();
    for (let index = 0; index < events; index += 1) await stream.next();
    const grownPerEvent = (heapAfterCollection() - before) / events;
    // Each waiting pull once left its handlers on the stream's stop signal until the stream
    // ended: about 300 bytes per event per subscription.
    expect(grownPerEvent).toBeLessThan(50);
    stream.stop();
  });
});

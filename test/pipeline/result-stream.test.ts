import { describe, expect, it } from "vitest";
import { mapStream, resultStream } from "../../src/pipeline/result-stream.js";

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
});

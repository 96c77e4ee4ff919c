import { buildSchema } from "graphql";
import { describe, expect, it } from "vitest";
import { resultStream } from "../../src/pipeline/result-stream.js";
import type { StreamItem } from "../../src/pipeline/runner.js";
import {
  carriedOutcome,
  carryOutcome,
  nextMessage,
} from "../../src/transports/graphql-ws-outcome.js";

// Issue 23 section 1: graphql-ws's `next` messages of a stream are sent by the adapter, around the
// answer's JSON serialised once for every socket.

const schema = buildSchema("type Query { ok: Boolean }");

/** A stream of `items`, then done, as the runner hands one over; `ended` counts its ends. */
function streamOf(items: StreamItem[]) {
  const ends = { count: 0 };
  async function* source() {
    yield* items;
  }
  const stream = resultStream(source(), {
    map: (item: StreamItem) => item,
    failed: () => ({ kind: "ended", error: { message: "failed" } }) as StreamItem,
    onEnd: () => {
      ends.count += 1;
    },
  });
  return { stream, ends };
}

describe("nextMessage", () => {
  it("is graphql-ws's `next` message of the operation around a payload already JSON", () => {
    const message = nextMessage('op "1"')('{"data":{"ok":true}}');
    expect(JSON.parse(message)).toEqual({
      id: 'op "1"',
      type: "next",
      payload: { data: { ok: true } },
    });
  });
});

describe("a stream handed to graphql-ws", () => {
  it("sends each answer, then the error that ended it, as payloads; yields nothing and is done with the stream", async () => {
    const answer = { data: { ok: true }, extensions: { cursor: "c1", cost: { requested: 0 } } };
    const { stream, ends } = streamOf([
      { kind: "result", result: answer },
      {
        kind: "ended",
        error: { message: "Token expired.", extensions: { code: "UNAUTHENTICATED" } },
      },
    ]);
    const sent: string[] = [];
    const args = carryOutcome(schema, { kind: "stream", items: stream }, async (payload) => {
      sent.push(payload);
    });
    const handed = carriedOutcome(args) as AsyncIterableIterator<unknown>;
    expect(await handed.next()).toEqual({ value: undefined, done: true });
    expect(sent.map((payload) => JSON.parse(payload))).toEqual([
      answer,
      { errors: [{ message: "Token expired.", extensions: { code: "UNAUTHENTICATED" } }] },
    ]);
    expect(ends.count).toBe(1);
  });

  it("ends the stream when a send fails, and fails the iteration", async () => {
    const { stream, ends } = streamOf([{ kind: "result", result: { data: { ok: true } } }]);
    const args = carryOutcome(schema, { kind: "stream", items: stream }, async () => {
      throw new Error("socket gone");
    });
    const handed = carriedOutcome(args) as AsyncIterableIterator<unknown>;
    await expect(handed.next()).rejects.toThrow("socket gone");
    expect(ends.count).toBe(1);
  });
});

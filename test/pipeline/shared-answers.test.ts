import type { ExecutionResult, FormattedExecutionResult } from "graphql";
import { describe, expect, it } from "vitest";
import type { GatewayContext } from "../../src/graphql/context.js";
import { sharedAnswer } from "../../src/pipeline/shared-answers.js";
import { serialisedAnswer } from "../../src/transports/serialised-answer.js";

// Issue 23 section 1: an event resolved alike for many subscriptions is formatted and serialised
// once, not once per subscriber.

const charged = { eventCost: { requested: 0 }, eventCursor: "c1" } as unknown as GatewayContext;

describe("sharedAnswer", () => {
  it("formats an event's answer once for every subscription holding its result and charged context", () => {
    const result: ExecutionResult = { data: { n: 1 } };
    let formats = 0;
    const format = () => {
      formats += 1;
      return { data: { n: 1 }, extensions: { cursor: "c1" } };
    };
    const first = sharedAnswer(result, charged, format);
    const second = sharedAnswer(result, charged, format);
    expect(formats).toBe(1);
    expect(second).toBe(first);
    // Another resolution of the same event (a subscription that resolved its own) is its own.
    expect(sharedAnswer({ data: { n: 1 } }, charged, format)).not.toBe(first);
    expect(formats).toBe(2);
  });

  it("formats each subscription's own answer when the event context carries no charge", () => {
    const result: ExecutionResult = { data: { n: 1 } };
    const uncharged = {} as GatewayContext;
    let formats = 0;
    const format = () => {
      formats += 1;
      return { data: { n: 1 } };
    };
    sharedAnswer(result, uncharged, format);
    sharedAnswer(result, uncharged, format);
    expect(formats).toBe(2);
  });
});

describe("serialisedAnswer", () => {
  it("is the answer's JSON, computed once per answer object", () => {
    let serialisations = 0;
    const counted = {
      toJSON: () => {
        serialisations += 1;
        return 7;
      },
    };
    const answer = { data: { n: counted } } as unknown as FormattedExecutionResult;
    expect(serialisedAnswer(answer)).toBe('{"data":{"n":7}}');
    expect(serialisedAnswer(answer)).toBe('{"data":{"n":7}}');
    expect(serialisations).toBe(1);
    expect(serialisedAnswer({ data: { n: 7 } })).toBe('{"data":{"n":7}}');
  });
});

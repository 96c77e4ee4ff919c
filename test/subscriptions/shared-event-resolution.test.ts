import { makeExecutableSchema } from "@graphql-tools/schema";
import { parse } from "graphql";
import { describe, expect, it } from "vitest";
import type { GatewayContext } from "../../src/graphql/context.js";
import {
  type EventResult,
  subscribeWithEventContexts,
} from "../../src/pipeline/execute-operation.js";
import { LocalFanout } from "../../src/pubsub/local-fanout.js";

// The sharing itself, on a schema of the test's own: how often the event's fields are resolved.

interface Tick {
  customerId: string;
  n: number;
}

function world() {
  const fanout = new LocalFanout<Tick>();
  const resolved: string[] = [];
  const schema = makeExecutableSchema({
    typeDefs: /* GraphQL */ `
      type Tick { n: Int! doubled: Int! }
      type Query { ok: Boolean }
      type Subscription { tick(offset: Int): Tick! }
    `,
    resolvers: {
      Subscription: {
        tick: {
          subscribe: (
            _root: unknown,
            _args: unknown,
            context: { viewer: { customerId: string } },
          ) => fanout.subscribe(context.viewer.customerId),
          resolve: (tick: Tick, args: { offset?: number }) => ({
            n: tick.n + (args.offset ?? 0),
          }),
        },
      },
      Tick: {
        doubled: (tick: { n: number }) => {
          resolved.push(`doubled ${tick.n}`);
          return tick.n * 2;
        },
      },
    },
  });
  const open = async (customerId: string, query: string, variables?: Record<string, unknown>) => {
    // The fields these resolvers read of a context: a viewer.
    const context = () => ({ viewer: { customerId } }) as unknown as GatewayContext;
    const stream = await subscribeWithEventContexts(
      {
        schema,
        // Each subscription parses its own copy, as the transports do.
        document: parse(query),
        operationName: undefined,
        variableValues: variables,
        contextValue: context(),
      },
      async () => context(),
    );
    if (!("next" in stream)) throw new Error("no stream");
    return stream;
  };
  return { fanout, resolved, open };
}

const next = async (stream: AsyncIterator<EventResult>) =>
  ((await stream.next()).value as EventResult | undefined)?.result;

describe("subscribeWithEventContexts: an event resolved once per distinct selection", () => {
  it("resolves an event once for every subscriber of the same selection, each getting the result", async () => {
    const { fanout, resolved, open } = world();
    const query = "subscription { tick { n doubled } }";
    const streams = await Promise.all(Array.from({ length: 5 }, () => open("cus_a", query)));
    const answers = Promise.all(streams.map(next));
    fanout.deliver({ customerId: "cus_a", n: 3 });
    for (const answer of await answers)
      expect(answer).toEqual({ data: { tick: { n: 3, doubled: 6 } } });
    expect(resolved).toEqual(["doubled 3"]);
  });

  it("resolves apart each distinct document, variables and customer", async () => {
    const { fanout, resolved, open } = world();
    const plain = await open("cus_a", "subscription { tick { n doubled } }");
    const offset = (by: number) =>
      open("cus_a", "subscription ($by: Int) { tick(offset: $by) { n doubled } }", { by });
    const [one, ten] = [await offset(1), await offset(10)];
    const other = await open("cus_b", "subscription { tick { n doubled } }");
    const answers = Promise.all([next(plain), next(one), next(ten)]);
    const event = { customerId: "cus_a", n: 1 };
    fanout.deliver(event);
    expect(await answers).toEqual([
      { data: { tick: { n: 1, doubled: 2 } } },
      { data: { tick: { n: 2, doubled: 4 } } },
      { data: { tick: { n: 11, doubled: 22 } } },
    ]);
    expect(resolved.sort()).toEqual(["doubled 1", "doubled 11", "doubled 2"]);
    const otherAnswer = next(other);
    fanout.deliver({ customerId: "cus_b", n: 5 });
    expect(await otherAnswer).toEqual({ data: { tick: { n: 5, doubled: 10 } } });
  });

  it("returning the stream ends its subscription on the bus", async () => {
    const { fanout, open } = world();
    const stream = await open("cus_a", "subscription { tick { n } }");
    expect(fanout.subscribersOf("cus_a")).toBe(1);
    await stream.return?.();
    expect(fanout.subscribersOf("cus_a")).toBe(0);
  });
});

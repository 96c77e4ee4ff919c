/**
 * A list field's refused items (src/graphql/resolvers/item-errors.ts): each item's error is
 * reported located at the item, as built, and no stack is captured or formatted for it, so an
 * operation refusing 100 ids spends its CPU on nothing but the answer.
 */
import { buildSchema, execute, type GraphQLResolveInfo, parse } from "graphql";
import { afterEach, describe, expect, it } from "vitest";
import { LookupBudgetExhaustedError, withoutStack } from "../../src/data/errors.js";
import { locatedItems } from "../../src/graphql/resolvers/item-errors.js";

const schema = buildSchema("type Thing { id: ID! } type Query { things(ids: [ID!]!): [Thing]! }");
const refusal = () =>
  withoutStack(() => new LookupBudgetExhaustedError("Too many unknown ids; retry later.", 60));

/** Runs `things(ids:)` where ids starting with `x` are refused; `seen` gets the located errors. */
async function run(ids: string[], located: boolean) {
  const seen: unknown[] = [];
  const things = (args: { ids: string[] }, _context: unknown, info: GraphQLResolveInfo) => {
    const items = args.ids.map((id) =>
      id.startsWith("x") ? Promise.reject(refusal()) : Promise.resolve({ id }),
    );
    if (!located) return items;
    const answered = locatedItems(items, info);
    for (const item of answered) item.catch((error: unknown) => seen.push(error));
    return answered;
  };
  const result = await execute({
    schema,
    document: parse(`{ things(ids: ${JSON.stringify(ids)}) { id } }`),
    rootValue: { things },
  });
  return { result, seen };
}

const originalPrepare = Error.prepareStackTrace;
afterEach(() => {
  Error.prepareStackTrace = originalPrepare;
});

describe("a list field's refused items", () => {
  it("are reported located at the item, as built (graphql-js wraps nothing), the answer as before", async () => {
    const { result, seen } = await run(["a", "x1", "b", "x2"], true);
    expect(result.data).toEqual({ things: [{ id: "a" }, null, { id: "b" }, null] });
    expect(result.errors).toHaveLength(2);
    expect(result.errors?.[0]).toBe(seen[0]);
    expect(result.errors?.[1]).toBe(seen[1]);
    expect(result.errors?.[0]?.originalError).toBeInstanceOf(LookupBudgetExhaustedError);
    const unlocated = await run(["a", "x1", "b", "x2"], false);
    expect(result.errors?.map((error) => error.toJSON())).toEqual(
      unlocated.result.errors?.map((error) => error.toJSON()),
    );
    expect(result.errors?.[1]?.toJSON()).toEqual({
      message: "Too many unknown ids; retry later.",
      locations: [{ line: 1, column: 3 }],
      path: ["things", 3],
    });
  });

  it("format no stack trace, however many (V8 calls Error.prepareStackTrace for none)", async () => {
    let formatted = 0;
    Error.prepareStackTrace = (error, frames) => {
      formatted += 1;
      return originalPrepare ? originalPrepare(error, frames) : String(error);
    };
    const ids = Array.from({ length: 100 }, (_, n) => `x${n}`);
    const { result } = await run(ids, true);
    expect(result.errors).toHaveLength(100);
    for (const error of result.errors ?? []) {
      expect(error.stack).toBe("LookupBudgetExhaustedError: Too many unknown ids; retry later.");
    }
    expect(formatted).toBe(0);
  });
});

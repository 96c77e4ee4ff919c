import { readFileSync } from "node:fs";
import {
  buildSchema,
  type GraphQLField,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
} from "graphql";
import { describe, expect, it } from "vitest";
import { costDirectivesOf, readCostDirectives } from "../../src/limits/cost-directives.js";
import {
  ID_LOOKUP_COST,
  STRIPE_READ_COST,
  STRIPE_WRITE_COST,
  UNPAGED_LIST_ESTIMATE,
} from "../../src/limits/cost-model.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { SCHEMA_DIR } from "../../src/server/type-defs.js";
import { MAX_PAGE } from "../../src/stripe/paging.js";

const schema = buildGatewaySchema();
const costs = costDirectivesOf(schema);
/** The fields of an object or interface type; none for any other type. */
const fieldsOf = (typeName: string): GraphQLField<unknown, unknown>[] => {
  const type = schema.getType(typeName);
  return isObjectType(type) || isInterfaceType(type) ? Object.values(type.getFields()) : [];
};

/** A schema with the gateway's directive definitions and `sdl`. */
const withDirectives = (sdl: string) =>
  buildSchema(`${readFileSync(`${SCHEMA_DIR}directives.graphql`, "utf8")}\n${sdl}`);

describe("the cost directives of the SDL", () => {
  it("charges every mutation a Stripe write, a lookup by id two Stripe reads, every other costed field one", () => {
    const mutations = fieldsOf("Mutation").map((field) => `Mutation.${field.name}`);
    expect(mutations.length).toBeGreaterThan(0);
    for (const coordinate of mutations)
      expect(costs.get(coordinate)?.weight).toBe(STRIPE_WRITE_COST);
    // The lookup, and the listing of the viewer's accounts an unknown id may be checked against.
    const lookups = ["Query.account", "Query.authorization", "Query.node"];
    for (const coordinate of lookups) expect(costs.get(coordinate)?.weight).toBe(ID_LOOKUP_COST);
    const others = [...costs].filter(
      ([coordinate, cost]) =>
        cost.weight > 0 && !mutations.includes(coordinate) && !lookups.includes(coordinate),
    );
    expect(others.length).toBeGreaterThan(0);
    for (const [, cost] of others) expect(cost.weight).toBe(STRIPE_READ_COST);
  });

  it("charges subscriptions no Stripe read: events push the state the gateway read once per Stripe event", () => {
    // Not found by test/limits/cost-coverage.test.ts (no subscription runs there); see
    // test/limits/stripe-calls-vs-cost.test.ts, which counts a subscription's Stripe calls.
    const subscriptions = fieldsOf("Subscription");
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const field of subscriptions)
      expect(costs.get(`Subscription.${field.name}`)?.weight ?? 0).toBe(0);
  });

  it("sizes every paged list by its clamped `first`, and `nodes` by its ids", () => {
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__")) continue;
      for (const field of fieldsOf(type.name)) {
        const size = costs.get(`${type.name}.${field.name}`)?.size;
        if (field.args.some((arg) => arg.name === "first")) {
          expect(size, `${type.name}.${field.name}`).toEqual({
            kind: "sliced",
            arguments: ["first"],
            fallback: MAX_PAGE,
          });
        }
      }
    }
    expect(costs.get("Query.nodes")?.size).toEqual({
      kind: "perElement",
      argument: "ids",
      atMost: MAX_PAGE,
    });
  });

  it("gives every list of accounts outside a page the unpaged estimate", () => {
    // A list of accounts priced as one account would under-charge every Stripe call below it.
    const pages = new Set(
      [...costs]
        .filter(([, cost]) => cost.size.kind === "sliced")
        .map(([coordinate]) => {
          const [typeName = "", fieldName = ""] = coordinate.split(".");
          const field = fieldsOf(typeName).find((candidate) => candidate.name === fieldName);
          return field ? getNamedType(field.type).name : "";
        }),
    );
    const lists: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || pages.has(type.name)) continue;
      for (const field of fieldsOf(type.name)) {
        if (isListType(getNullableType(field.type)) && getNamedType(field.type).name === "Account")
          lists.push(`${type.name}.${field.name}`);
      }
    }
    expect(lists.length).toBeGreaterThan(0);
    for (const coordinate of lists)
      expect(costs.get(coordinate)?.size, coordinate).toEqual({
        kind: "assumed",
        items: UNPAGED_LIST_ESTIMATE,
      });
  });

  it("reads them once per schema", () => {
    expect(costDirectivesOf(schema)).toBe(costs);
  });
});

describe("checking the cost directives at start-up", () => {
  const rejected: [string, string, string][] = [
    [
      "a slicing argument that is not an Int",
      'type Query { "x" list(after: String): [Int] @listSize(slicingArguments: ["after"]) }',
      'Query.list: slicingArguments: "after" is not an Int argument',
    ],
    [
      "a slicing argument the field does not have",
      'type Query { "x" list(first: Int): [Int] @listSize(slicingArguments: ["last"]) }',
      'Query.list: slicingArguments: "last" is not an Int argument',
    ],
    [
      "a sized field that is not a list",
      'type Page { items: [Int] total: Int } type Query { page(first: Int): Page @listSize(slicingArguments: ["first"], sizedFields: ["total"]) }',
      'Query.page: sizedFields: "total" is not a list field of Page',
    ],
    [
      "@listSize on a single object",
      "type Page { total: Int } type Query { page: Page @listSize(assumedSize: 3) }",
      "Query.page: @listSize needs a list field, or sizedFields",
    ],
    [
      "an assumed size beside a defaulted slicing argument",
      'type Query { list(first: Int = 5): [Int] @listSize(assumedSize: 3, slicingArguments: ["first"]) }',
      "Query.list: assumedSize with slicingArguments needs requireOneSlicingArgument: false and no default",
    ],
    [
      "a negative weight",
      "type Query { one: Int @cost(weight: -1) }",
      "Query.one: @cost(weight:) must not be negative",
    ],
    [
      "a cost on an interface field",
      "interface Named { name: String @cost(weight: 1) } type Query { named: Named }",
      "Named.name: cost directives belong on the implementing types' fields",
    ],
    [
      "a cost on an argument, which the gateway does not price",
      "type Query { one(x: Int @cost(weight: 1)): Int }",
      "Query.one: @cost is priced on fields only, not on arguments",
    ],
    [
      "a cost on a type",
      "type Thing @cost(weight: 1) { x: Int } type Query { thing: Thing }",
      "Thing: @cost is priced on fields only, not on types",
    ],
    [
      "implementations that disagree on an interface field's size",
      `interface Named { list: [Int] }
     type A implements Named { list: [Int] @listSize(assumedSize: 3) }
     type B implements Named { list: [Int] }
     type Query { named: Named }`,
      "Named.list: its implementations disagree on @listSize",
    ],
  ];

  it.each(rejected)("refuses %s, naming the field", (_case, sdl, message) => {
    expect(() => readCostDirectives(withDirectives(sdl))).toThrow(`Cost directives of ${message}.`);
  });

  it("accepts the specification's forms: slicing with a fallback, sized fields, an assumed size", () => {
    const read = readCostDirectives(
      withDirectives(`
        type Page { items: [Int] }
        type Query {
          page(first: Int, last: Int): Page
            @cost(weight: 4)
            @listSize(slicingArguments: ["first", "last"], sizedFields: ["items"], assumedSize: 7, requireOneSlicingArgument: false)
          top: [Int] @listSize(assumedSize: 3)
          byIds(ids: [ID!]!): [Int] @listSize(assumedSize: 20)
          plain: Int
        }`),
    );
    expect(Object.fromEntries(read)).toEqual({
      "Query.page": {
        weight: 4,
        size: { kind: "sliced", arguments: ["first", "last"], fallback: 7 },
      },
      "Query.top": { weight: 0, size: { kind: "assumed", items: 3 } },
      "Query.byIds": { weight: 0, size: { kind: "perElement", argument: "ids", atMost: 20 } },
    });
  });

  it("prices a field selected through an interface at the most its implementations cost", () => {
    const read = readCostDirectives(
      withDirectives(`
        interface Named { name: String, list: [Int], id: ID }
        type A implements Named { name: String @cost(weight: 2), list: [Int] @listSize(assumedSize: 3), id: ID }
        type B implements Named { name: String @cost(weight: 5), list: [Int] @listSize(assumedSize: 3), id: ID }
        type Query { named: Named }`),
    );
    expect(read.get("Named.name")).toEqual({ weight: 5, size: { kind: "one" } });
    expect(read.get("Named.list")).toEqual({ weight: 0, size: { kind: "assumed", items: 3 } });
    expect(read.has("Named.id")).toBe(false);
  });
});

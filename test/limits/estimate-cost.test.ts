import { readFileSync } from "node:fs";
import { buildSchema, parse } from "graphql";
import { describe, expect, it } from "vitest";
import {
  FIELD_COST,
  ID_LOOKUP_COST,
  STRIPE_READ_COST,
  STRIPE_WRITE_COST,
  UNPAGED_LIST_ESTIMATE,
} from "../../src/limits/cost-model.js";
import { estimateCost } from "../../src/limits/estimate-cost.js";
import { buildGatewaySchema } from "../../src/server/schema.js";
import { SCHEMA_DIR } from "../../src/server/type-defs.js";

const schema = buildGatewaySchema();
const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  estimateCost(schema, { document: parse(query), variables, operationName });

describe("the cost model", () => {
  it("charges one point per field and a Stripe read for a field that fetches", () => {
    expect(cost('{ account(id: "fca_1") { id status } }')).toBe(23); // a lookup by id: 2 reads
    expect(cost("{ accounts(first: 1) { nodes { id } } }")).toBe(1 + 10 + 2);
    expect(cost("{ __typename }")).toBe(FIELD_COST);
  });

  it("prices the dashboard as its comment says: 1611", () => {
    expect(
      cost("{ accounts(first: 100) { nodes { id health { state } authorization { id } } } }"),
    ).toBe(1611);
  });

  it("multiplies a list's selection by its clamped `first`, from a literal, a variable or the schema default", () => {
    const perItem = 2; // nodes + id
    const page = (first: number) => FIELD_COST + STRIPE_READ_COST + first * perItem;
    expect(cost("{ accounts(first: 7) { nodes { id } } }")).toBe(page(7));
    expect(cost("{ accounts { nodes { id } } }")).toBe(page(50)); // the schema's default
    const byVariable = "query($n: Int) { accounts(first: $n) { nodes { id } } }";
    expect(cost(byVariable, { n: 1000 })).toBe(page(100));
    expect(cost(byVariable, { n: -3 })).toBe(page(1));
    expect(cost(byVariable, { n: 9 })).toBe(page(9));
  });

  it("compounds nested lists: every account's transactions page is one Stripe read", () => {
    const transactions = FIELD_COST + STRIPE_READ_COST + 10 * 2; // transactions(first: 10) { nodes { id } }
    const perAccount = FIELD_COST + transactions; // nodes
    expect(
      cost("{ accounts(first: 5) { nodes { transactions(first: 10) { nodes { id } } } } }"),
    ).toBe(FIELD_COST + STRIPE_READ_COST + 5 * perAccount);
  });

  it("charges `nodes` one Stripe read per id, and one for the account listing unknown ids are checked against", () => {
    const perId = STRIPE_READ_COST + FIELD_COST; // the fetch and `id`
    const listing = STRIPE_READ_COST;
    expect(cost('{ nodes(ids: ["fca_1", "fca_2", "fca_3"]) { id } }')).toBe(
      FIELD_COST + listing + 3 * perId,
    );
    expect(cost("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids: ["a", "b"] })).toBe(
      FIELD_COST + listing + 2 * perId,
    );
  });

  it("charges an authorization's accounts as an estimated list", () => {
    expect(cost('{ authorization(id: "fcauth_1") { accounts { id } } }')).toBe(
      FIELD_COST + ID_LOOKUP_COST + (FIELD_COST + STRIPE_READ_COST + UNPAGED_LIST_ESTIMATE),
    );
  });

  it("charges a mutation a Stripe write", () => {
    expect(
      cost('mutation { disconnectAccount(input: { accountId: "fca_1" }) { userErrors { code } } }'),
    ).toBe(FIELD_COST + STRIPE_WRITE_COST + FIELD_COST + FIELD_COST);
  });

  it("counts fields reached through fragments, inline or named, where they are spread", () => {
    const inline = '{ node(id: "fca_1") { ... on Account { id status } } }';
    const named = '{ node(id: "fca_1") { ...A } } fragment A on Account { id status }';
    expect(cost(inline)).toBe(FIELD_COST + ID_LOOKUP_COST + 2);
    expect(cost(named)).toBe(cost(inline));
  });

  it("prices what the SDL declares: another schema's @cost and @listSize give other prices", () => {
    const declared = buildSchema(`${readFileSync(`${SCHEMA_DIR}directives.graphql`, "utf8")}
      type Item { name: String, detail: Item @cost(weight: 7) }
      type Query {
        items(first: Int = 4): [Item] @cost(weight: 3) @listSize(slicingArguments: ["first"])
        top: [Item] @listSize(assumedSize: 5)
        byIds(ids: [ID!]!): [Item] @cost(weight: 2) @listSize(assumedSize: 50)
      }`);
    const price = (query: string) => estimateCost(declared, { document: parse(query) });
    expect(price("{ items { name } }")).toBe(1 + 3 + 4 * 1);
    expect(price("{ items(first: 500) { detail { name } } }")).toBe(1 + 3 + 100 * (1 + 7 + 1));
    expect(price("{ top { name } }")).toBe(1 + 5 * 1);
    expect(price('{ byIds(ids: ["a", "b"]) { name } }')).toBe(1 + 2 + 2 * (2 + 1));
  });

  it("prices only the operation that runs, and introspection at nothing", () => {
    const document = "query Cheap { __typename } query Dear { accounts { nodes { id } } }";
    expect(cost(document, {}, "Cheap")).toBe(1);
    expect(cost("{ __schema { types { name fields { name } } } }")).toBe(0);
  });
});

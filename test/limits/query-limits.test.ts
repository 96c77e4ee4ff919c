import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { liveClient } from "../support/live.js";
import { createCustomer } from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

/** Small limits, so that each case below sits exactly at one limit and under all the others. */
const LIMITS = {
  GRAPHQL_MAX_DEPTH: "4",
  GRAPHQL_MAX_ALIASES: "3",
  GRAPHQL_MAX_DIRECTIVES: "2",
  GRAPHQL_MAX_TOKENS: "40",
  GRAPHQL_MAX_COST: "111",
};

const typenames = (count: number) => `{ ${"__typename ".repeat(count)}}`;

/** For each limit: an operation exactly at it, one just over it, and the refusal's message. */
const CASES = [
  {
    limit: "depth 4",
    atLimit: "{ accounts(first: 1) { nodes { health { state } } } }",
    overLimit: "{ accounts(first: 1) { nodes { authorization { health { state } } } } }",
    refusal: "Query depth limit of 4 exceeded, found 5.",
  },
  {
    limit: "aliases 3 (`__typename` counted)",
    atLimit: "{ a: __typename b: __typename c: __typename }",
    overLimit: "{ a: __typename b: __typename c: __typename d: __typename }",
    refusal: "Aliases limit of 3 exceeded, found 4.",
  },
  {
    limit: "directives 2",
    atLimit: "{ accounts(first: 1) { nodes { id @include(if: true) status @skip(if: false) } } }",
    overLimit:
      "{ accounts(first: 1) { nodes { id @include(if: true) status @skip(if: false) displayName @include(if: true) } } }",
    refusal: "Directives limit of 2 exceeded, found 3.",
  },
  {
    limit: "tokens 40",
    atLimit: typenames(38), // `{`, 38 names, `}`: 40 tokens
    overLimit: typenames(39),
    refusal: "Document contains more that 40 tokens. Parsing aborted.",
  },
  {
    limit: "cost 111",
    // 1 (accounts) + 10 (a Stripe read) + 50 × (1 (nodes) + 1 (id)) = 111; `__typename` adds 1.
    atLimit: "{ accounts(first: 50) { nodes { id } } }",
    overLimit: "{ accounts(first: 50) { nodes { id } } __typename }",
    refusal: "Query cost limit of 111 exceeded, found 112.",
  },
];

/** What either transport answered, in one shape. */
interface Outcome {
  status?: number;
  data?: Record<string, unknown> | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

let stack: TestStack;
let customer: string;
let ws: Client;

beforeAll(async () => {
  stack = await startStack({ env: LIMITS });
  customer = (await createCustomer(stack, 2, 1)).id;
  ws = await liveClient(stack, customer);
});
afterAll(async () => {
  await ws.dispose();
  await stack.close();
});

const TRANSPORTS = {
  HTTP: async (query: string, variables?: Record<string, unknown>): Promise<Outcome> => {
    const response = await graphql(stack, query, variables, customer);
    return response as Outcome;
  },
  WebSocket: (query: string, variables?: Record<string, unknown>): Promise<Outcome> =>
    wsOperation(ws, query, variables),
};

describe.each(Object.entries(TRANSPORTS))("query limits over %s", (transport, run) => {
  it.each(CASES)("$limit: passes at the limit and fails one over it", async (limitCase) => {
    const passing = await run(limitCase.atLimit);
    expect(passing.errors).toBeUndefined();
    expect(passing.data).toBeTruthy();

    const refused = await run(limitCase.overLimit);
    expect(refused.data ?? undefined).toBeUndefined();
    expect(refused.errors?.map((error) => error.message)).toEqual([
      expect.stringContaining(limitCase.refusal),
    ]);
    if (transport === "HTTP") expect(refused.status).toBe(400);
  });

  it("reports the exact estimated cost of an operation that passes", async () => {
    const passing = await run("{ accounts(first: 50) { nodes { id } } }");
    expect(passing.extensions?.cost).toMatchObject({ requested: 111 });
  });

  it("prices a `first` passed as a variable as it will be clamped (1000 costs what 100 costs)", async () => {
    const query = "query Page($first: Int) { accounts(first: $first) { nodes { id } } }";
    expect((await run(query, { first: 50 })).errors).toBeUndefined();
    const refused = await run(query, { first: 1000 });
    expect(refused.errors?.[0]?.message).toBe("Query cost limit of 111 exceeded, found 211.");
  });
});

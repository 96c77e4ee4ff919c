import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, type TestStack } from "../support/gateway.js";
import { startLiveEnvironment } from "../support/live.js";
import { PRODUCTION_ENV } from "../support/production-env.js";
import type { SandboxCustomer } from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

const PRODUCTION = PRODUCTION_ENV;

const FILTERED = "query Filtered($f: AccountFilter) { accounts(filter: $f) { nodes { id } } }";

/** Variables that do not coerce, each of which graphql-js answers with a suggestion. */
const BAD_VARIABLES: [string, Record<string, unknown>, RegExp][] = [
  [
    "a misspelt input field",
    { f: { statu: ["ACTIVE"] } },
    /Field "statu" is not defined by type "AccountFilter"\./,
  ],
  [
    "a misspelt enum value",
    { f: { status: ["ACTIV"] } },
    /Value "ACTIV" does not exist in "AccountStatus" enum\./,
  ],
];

interface Answer {
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const environment = startLiveEnvironment;
type Environment = { stack: TestStack; customer: SandboxCustomer; ws: Client };

/** The operation's errors over both transports, as message and code. */
async function bothTransports(env: Environment, variables: Record<string, unknown>) {
  const http = await graphql(env.stack, FILTERED, variables, env.customer.id);
  const ws = await wsOperation(env.ws, FILTERED, variables);
  const shape = (answer: Answer) =>
    (answer.errors ?? []).map((error) => ({
      message: error.message,
      code: error.extensions?.code,
    }));
  return { status: http.status, http: shape(http), ws: shape(ws) };
}

let production: Environment;
let development: Environment;

beforeAll(async () => {
  [production, development] = await Promise.all([environment(PRODUCTION), environment({})]);
});
afterAll(async () => {
  for (const { ws, stack } of [production, development]) {
    await ws.dispose();
    await stack.close();
  }
});

describe.each(BAD_VARIABLES)("variables that do not coerce: %s", (_name, variables, problem) => {
  it("are BAD_USER_INPUT over HTTP (400) and over WebSocket, with the same message", async () => {
    for (const env of [production, development]) {
      const answer = await bothTransports(env, variables);
      expect(answer.status).toBe(400);
      expect(answer.http).toHaveLength(1);
      expect(answer.http[0]?.code).toBe("BAD_USER_INPUT");
      expect(answer.http[0]?.message).toMatch(problem);
      expect(answer.ws).toEqual(answer.http);
    }
  });

  it("carry no 'Did you mean' suggestion in production, on either transport", async () => {
    const answer = await bothTransports(production, variables);
    for (const error of [...answer.http, ...answer.ws]) {
      expect(error.message).toMatch(problem);
      expect(error.message).not.toMatch(/Did you mean/);
      expect(error.message).toMatch(/\.$/);
    }
  });

  it("keep the suggestion in development, where introspection shows the names anyway", async () => {
    const answer = await bothTransports(development, variables);
    for (const error of [...answer.http, ...answer.ws]) {
      expect(error.message).toMatch(/Did you mean/);
    }
  });
});

describe("variables that do not coerce change nothing", () => {
  /** The customer's cost budget after a cheap operation, and what that operation cost. */
  const budget = async (env: Environment) => {
    const answer = (await graphql(env.stack, "{ __typename }", {}, env.customer.id)) as {
      extensions?: { cost?: { requested: number; remaining: number } };
    };
    const cost = answer.extensions?.cost;
    if (cost === undefined) throw new Error("no cost report");
    return cost;
  };

  // Issue 20: a refused document counts against its sender like one that ran (one point each here:
  // these small documents need no analysis point), so a flood of them spends the sender's budget.
  it("are refused before they run, each charged one point like an operation that ran, on both transports", async () => {
    for (const env of [production, development]) {
      const before = await budget(env);
      for (const [, variables] of BAD_VARIABLES) {
        const http = await graphql(env.stack, FILTERED, variables, env.customer.id);
        expect(http.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
        const ws = await wsOperation(env.ws, FILTERED, variables);
        expect(ws.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      }
      const after = await budget(env);
      const refusals = 2 * BAD_VARIABLES.length;
      expect(after.remaining).toBe(before.remaining - refusals - after.requested);
    }
  });
});

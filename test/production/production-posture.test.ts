import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, type TestStack } from "../support/gateway.js";
import { startLiveEnvironment } from "../support/live.js";
import { PRODUCTION_ENV } from "../support/production-env.js";
import { control, ROUTES, type SandboxCustomer } from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

const PRODUCTION = PRODUCTION_ENV;

const INTROSPECTION = "{ __schema { queryType { name } } }";
const TYPE_INTROSPECTION = '{ __type(name: "Account") { fields { name } } }';
const TYPO = "{ acounts { nodes { id } } }";

/** Both transports, answering in one shape. */
interface Outcome {
  status?: number;
  data?: unknown;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const environment = startLiveEnvironment;
type Environment = Awaited<ReturnType<typeof environment>>;

/** Runs `query` as the environment's customer over `transport`. */
const run = (env: Environment, transport: string, query: string): Promise<Outcome> =>
  transport === "HTTP"
    ? graphql(env.stack, query, {}, env.customer.id)
    : wsOperation(env.ws, query);

let production: Environment;
let development: Environment;
let optedIn: Environment;

beforeAll(async () => {
  [production, development, optedIn] = await Promise.all([
    environment(PRODUCTION),
    environment({}),
    environment({ ...PRODUCTION, GRAPHQL_INTROSPECTION: "true", GRAPHQL_LANDING_PAGE: "true" }),
  ]);
});
afterAll(async () => {
  for (const { ws, stack } of [production, development, optedIn]) {
    await ws.dispose();
    await stack.close();
  }
});

describe.each(["HTTP", "WebSocket"])("production schema exposure over %s", (transport) => {
  it("refuses introspection (`__schema` and `__type`) but answers `__typename`", async () => {
    for (const query of [INTROSPECTION, TYPE_INTROSPECTION]) {
      const refused = await run(production, transport, query);
      expect(refused.data ?? undefined).toBeUndefined();
      expect(refused.errors?.[0]?.message).toMatch(/introspection/i);
    }
    expect((await run(production, transport, "{ __typename }")).data).toEqual({
      __typename: "Query",
    });
  });

  it("keeps introspection in development, and in production when GRAPHQL_INTROSPECTION=true", async () => {
    for (const env of [development, optedIn]) {
      const answered = await run(env, transport, INTROSPECTION);
      expect(answered.errors).toBeUndefined();
      expect(answered.data).toEqual({ __schema: { queryType: { name: "Query" } } });
    }
  });

  it("gives no 'Did you mean' suggestions, which development gives", async () => {
    const refused = await run(production, transport, TYPO);
    expect(refused.errors?.[0]?.message).toBe('Cannot query field "acounts" on type "Query".');
    const helped = await run(development, transport, TYPO);
    expect(helped.errors?.[0]?.message).toMatch(/Did you mean "accounts"/);
  });
});

describe("production landing page", () => {
  const landing = (stack: TestStack) =>
    fetch(`${stack.gateway.url}/graphql`, { headers: { accept: "text/html" } });

  it("serves no landing page on GET /graphql", async () => {
    const response = await landing(production.stack);
    expect(response.headers.get("content-type")).not.toMatch(/text\/html/);
    expect(await response.text()).not.toMatch(/<html/i);
  });

  it("serves it in production when GRAPHQL_LANDING_PAGE=true", async () => {
    const response = await landing(optedIn.stack);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/text\/html/);
  });

  it("serves no GraphiQL page either, unless GRAPHQL_LANDING_PAGE=true", async () => {
    expect((await fetch(`${production.stack.gateway.url}/graphiql`)).status).toBe(404);
    const optedInPage = await fetch(`${optedIn.stack.gateway.url}/graphiql`);
    expect(optedInPage.status).toBe(200);
    expect(await optedInPage.text()).toContain("graphiql");
  });
});

describe("production errors", () => {
  let customer: SandboxCustomer;
  beforeAll(() => {
    customer = production.customer;
  });

  it("carry only a code in extensions: no stack trace, no upstream detail", async () => {
    // The account must be read from Stripe (which fails), not from the read model.
    await production.stack.gateway.readModel.store.clear();
    await control(production.stack, "POST", "/_sandbox/faults", {
      status: 500,
      count: 5,
      route: ROUTES.retrieveAccount,
    });
    const response = await graphql(
      production.stack,
      "query One($id: ID!) { account(id: $id) { id } }",
      { id: customer.accounts[0] },
      customer.id,
    );
    await control(production.stack, "DELETE", "/_sandbox/faults");
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.extensions).toEqual({ code: "UPSTREAM_UNAVAILABLE" });
    expect(JSON.stringify(response)).not.toMatch(/stacktrace|exception|at \w+ \(|node_modules/i);
  });

  it("answer a malformed JSON body with a JSON 400 and no stack trace", async () => {
    const response = await fetch(`${production.stack.gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(response.status).toBe(400);
    const text = await response.text();
    expect(text).not.toMatch(/at \w+ \(|node_modules|<html/i);
    expect(JSON.parse(text)).toMatchObject({ errors: [{ extensions: { code: "BAD_REQUEST" } }] });
  });
});

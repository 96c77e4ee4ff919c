/**
 * The sandbox panel beside GraphiQL (its page hook, assets, starter operations, control proxy and
 * development token endpoint) exists only in development with the embedded sandbox: in
 * production, with a real Stripe key, or with an external STRIPE_API_BASE, every one of its paths
 * answers the gateway's 404 and the GraphiQL page does not load it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SANDBOX_DEV_WEBHOOK_SECRET } from "../../src/shared/sandbox-defaults.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";

const BOB = "cus_SandboxBob0001";

/** Every path of the panel, as the browser would call it. */
const PANEL_CALLS: ReadonlyArray<{
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
}> = [
  { name: "the panel script", method: "GET", path: "/graphiql/panel/assets/panel-client.js" },
  { name: "the panel stylesheet", method: "GET", path: "/graphiql/panel/assets/panel.css" },
  { name: "the starter operations", method: "GET", path: "/graphiql/panel/starters" },
  {
    name: "the token endpoint",
    method: "POST",
    path: "/graphiql/panel/token",
    body: { customerId: BOB },
  },
  { name: "the customer list", method: "GET", path: "/graphiql/panel/sandbox/customers" },
  {
    name: "a customer's overview",
    method: "GET",
    path: `/graphiql/panel/sandbox/customers/${BOB}/overview`,
  },
  { name: "the event log", method: "GET", path: "/graphiql/panel/sandbox/events?limit=5" },
  {
    name: "an account action",
    method: "POST",
    path: "/graphiql/panel/sandbox/accounts/fca_BobSavings01/upcoming_deactivation",
    body: {},
  },
];

const request = (stack: TestStack, call: (typeof PANEL_CALLS)[number], headers = {}) =>
  fetch(`${stack.gateway.url}${call.path}`, {
    method: call.method,
    headers: call.body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: call.body === undefined ? undefined : JSON.stringify(call.body),
  });

/** Where the panel must not exist: each starts a stack whose gateway config says so. */
const WITHOUT_PANEL: ReadonlyArray<{ name: string; env: Record<string, string> }> = [
  // GraphiQL forced on in production: the page is served, the panel is not.
  { name: "in production", env: { ...PRODUCTION_ENV, GRAPHQL_LANDING_PAGE: "true" } },
  {
    name: "with a real Stripe key",
    env: {
      STRIPE_SECRET_KEY: "sk_test_aRealAccountsKey01",
      AUTH_JWT_SECRET: "a-development-secret-of-at-least-32-chars",
      STRIPE_WEBHOOK_SECRET: "whsec_realEndpointSecret0001",
    },
  },
  {
    name: "with an external STRIPE_API_BASE",
    env: {
      STRIPE_API_BASE: "http://127.0.0.1:9",
      STRIPE_WEBHOOK_SECRET: SANDBOX_DEV_WEBHOOK_SECRET,
    },
  },
];

describe("sandbox panel in development with the embedded sandbox", () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(() => stack?.close());

  it("GraphiQL's page loads the panel, and every panel path answers", async () => {
    const page = await (await fetch(`${stack.gateway.url}/graphiql`)).text();
    expect(page).toContain("/graphiql/panel/assets/panel-client.js");
    expect(page).toContain("/graphiql/panel/assets/panel.css");
    for (const call of PANEL_CALLS) {
      const response = await request(stack, call);
      expect(response.status, call.name).toBe(200);
    }
  });

  it("mints a token the gateway accepts for that customer, and only for a customer id", async () => {
    const response = await request(stack, PANEL_CALLS[3] as (typeof PANEL_CALLS)[number]);
    const { token, customerId } = (await response.json()) as { token: string; customerId: string };
    expect(customerId).toBe(BOB);
    expect(response.headers.get("cache-control")).toBe("no-store");
    const answer = await graphql<{ accounts: { nodes: { id: string }[] } }>(
      stack,
      "{ accounts { nodes { id } } }",
      {},
      undefined,
      { authorization: `Bearer ${token}` },
    );
    expect(answer.data?.accounts.nodes.map((node) => node.id).sort()).toEqual([
      "fca_BobChecking01",
      "fca_BobRevoked01",
      "fca_BobSavings01",
    ]);
    for (const body of [{}, { customerId: "Bob" }, { customerId: 7 }]) {
      const refused = await request(stack, {
        name: "a bad id",
        method: "POST",
        path: "/graphiql/panel/token",
        body,
      });
      expect(refused.status).toBe(400);
      expect(await refused.json()).toEqual({
        error: { code: "BAD_USER_INPUT", message: "customerId must be a customer id (cus_…)." },
      });
    }
  });

  it("refuses another web page's calls (a foreign Origin, a cross-site fetch, no JSON body)", async () => {
    const token = PANEL_CALLS[3] as (typeof PANEL_CALLS)[number];
    const foreign = await request(stack, token, { origin: "https://evil.example" });
    expect(foreign.status).toBe(403);
    const crossSite = await request(stack, token, { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const form = await fetch(`${stack.gateway.url}/graphiql/panel/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `customerId=${BOB}`,
    });
    expect(form.status).toBe(415);
    const own = await request(stack, token, { origin: stack.gateway.url });
    expect(own.status).toBe(200);
  });

  it("forwards only the allow-listed control calls to the sandbox", async () => {
    for (const [method, path] of [
      ["POST", "/graphiql/panel/sandbox/faults"],
      ["GET", "/graphiql/panel/sandbox/faults"],
      ["DELETE", "/graphiql/panel/sandbox/requests"],
      ["GET", "/graphiql/panel/sandbox/requests"],
      ["GET", "/graphiql/panel/sandbox/hosted/fcsess_x"],
      ["POST", "/graphiql/panel/sandbox/accounts/fca_BobChecking01/delete"],
    ] as const) {
      const response = await fetch(`${stack.gateway.url}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: method === "GET" ? undefined : JSON.stringify({ count: 1, status: 500 }),
      });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    const faults = await fetch(`${stack.sandbox.url}/_sandbox/faults`);
    expect(await faults.json()).toEqual({ faults: [] });
    const badLimit = await fetch(`${stack.gateway.url}/graphiql/panel/sandbox/events?limit=0`);
    expect(badLimit.status).toBe(400);
  });

  it("answers the sandbox's own refusal as the sandbox answered it", async () => {
    const response = await request(stack, {
      name: "deactivate a disconnected account",
      method: "POST",
      path: "/graphiql/panel/sandbox/accounts/fca_AliceDisconnected01/deactivate",
      body: {},
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { type: string } };
    expect(body.error.type).toBe("invalid_request_error");
  });
});

describe.each(WITHOUT_PANEL)("no sandbox panel $name", ({ env }) => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env });
  }, 60_000);
  afterAll(() => stack?.close());

  it("GraphiQL's page does not load it, and every panel path answers 404", async () => {
    const page = await fetch(`${stack.gateway.url}/graphiql`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/graphiql/assets/graphiql-client.js");
    expect(html).not.toContain("/graphiql/panel/");
    for (const call of PANEL_CALLS) {
      const response = await request(stack, call, { origin: stack.gateway.url });
      expect(response.status, call.name).toBe(404);
      expect(await response.json(), call.name).toEqual({
        error: { code: "NOT_FOUND", message: "No route matches this method and path." },
      });
    }
  });
});

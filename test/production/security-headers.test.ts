import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { PRODUCTION_ENV } from "../support/production-env.js";
import { createCustomer } from "../support/sandbox-control.js";

const PRODUCTION = PRODUCTION_ENV;

let production: TestStack;
let development: TestStack;

beforeAll(async () => {
  [production, development] = await Promise.all([
    startStack({ env: PRODUCTION }),
    startStack({ env: {} }),
  ]);
});
afterAll(async () => {
  await production.close();
  await development.close();
});

/** A variety of answers: success and error, GraphQL and not, with and without a body read. */
async function answersOf(stack: TestStack): Promise<[string, Response][]> {
  const customer = await createCustomer(stack, 1, 1);
  const authorization = `Bearer ${await tokenFor(stack, customer.id)}`;
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${stack.gateway.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
  return [
    ["a GraphQL answer", await post("/graphql", '{"query":"{ __typename }"}', { authorization })],
    ["a GraphQL error", await post("/graphql", '{"query":"{ __typename }"}')],
    ["a body error", await post("/graphql", "{not json")],
    ["a webhook refusal", await post("/webhooks/stripe", "{}")],
    ["liveness", await fetch(`${stack.gateway.url}/healthz`)],
    ["readiness", await fetch(`${stack.gateway.url}/readyz`)],
    ["an unknown route", await fetch(`${stack.gateway.url}/no/such/route`)],
  ];
}

describe("security headers (helmet)", () => {
  it("every answer carries nosniff and a restrictive Content-Security-Policy, in both modes", async () => {
    for (const stack of [production, development]) {
      for (const [name, response] of await answersOf(stack)) {
        await response.arrayBuffer();
        expect(response.headers.get("x-content-type-options"), name).toBe("nosniff");
        const csp = response.headers.get("content-security-policy") ?? "";
        expect(csp, name).toMatch(/default-src 'none'/);
        expect(csp, name).toMatch(/frame-ancestors 'none'/);
        expect(response.headers.get("x-powered-by"), name).toBeNull();
      }
    }
  });

  it("answers GraphQL, data or error, with Cache-Control: no-store (a customer's data is never cached)", async () => {
    const customer = await createCustomer(development, 1, 1);
    const authorization = `Bearer ${await tokenFor(development, customer.id)}`;
    for (const query of ["{ __typename }", "{ accounts { nodes { id } } }", "{ noSuchField }"]) {
      const response = await fetch(`${development.gateway.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization },
        body: JSON.stringify({ query }),
      });
      await response.arrayBuffer();
      expect(response.headers.get("cache-control"), query).toBe("no-store");
    }
  });

  it("sends HSTS in production only", async () => {
    for (const [name, response] of await answersOf(production)) {
      await response.arrayBuffer();
      expect(response.headers.get("strict-transport-security"), name).toMatch(
        /max-age=\d{8,}; includeSubDomains/,
      );
    }
    for (const [name, response] of await answersOf(development)) {
      await response.arrayBuffer();
      expect(response.headers.get("strict-transport-security"), name).toBeNull();
    }
  });

  it("gives the GraphiQL page a CSP for its own scripts, styles, fonts and same-host WebSocket, nothing else", async () => {
    const response = await fetch(`${development.gateway.url}/graphiql`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const csp = response.headers.get("content-security-policy") ?? "";
    const directives = new Map(
      csp.split(";").map((part) => {
        const [name = "", ...values] = part.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get("default-src")).toEqual(["'self'"]);
    expect(directives.get("script-src")).toEqual(["'self'"]);
    expect(directives.get("object-src")).toEqual(["'none'"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    // Any host: nothing but this gateway (the page's own origin and its WebSocket).
    expect(csp).not.toMatch(/https?:\/\/|\*|'unsafe-eval'|\bws:(?!\/\/)|\bwss:(?!\/\/)/);
    const host = new URL(development.gateway.url).host;
    expect(directives.get("connect-src")).toEqual(["'self'", `ws://${host}`, `wss://${host}`]);
    for (const asset of ["graphiql.js", "graphiql.css"]) {
      const file = await fetch(`${development.gateway.url}/graphiql/assets/${asset}`);
      await file.arrayBuffer();
      expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    }
  });

  it("lets Apollo's landing page keep its own nonce policy, and still forbids framing it", async () => {
    const response = await fetch(`${development.gateway.url}/graphql`, {
      headers: { accept: "text/html" },
    });
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy"/);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(/frame-ancestors 'none'/);
    // A header policy with script-src or default-src would block the page's CDN scripts.
    expect(csp).not.toMatch(/default-src|script-src|style-src/);
  });
});

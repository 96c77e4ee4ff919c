import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { createCustomer } from "../support/sandbox-control.js";

let stack: TestStack;
let authorization: string;
let url: string;

beforeAll(async () => {
  stack = await startStack({
    env: {
      NODE_ENV: "production",
      STRIPE_SECRET_KEY: "sk_test_prodLike123",
      STRIPE_WEBHOOK_SECRET: "whsec_productionEndpointSecret01",
      AUTH_JWT_SECRET: "a-production-secret-of-at-least-32-chars",
    },
  });
  const customer = await createCustomer(stack, 1, 1);
  authorization = `Bearer ${await tokenFor(stack, customer.id)}`;
  url = `${stack.gateway.url}/graphql`;
});
afterAll(() => stack.close());

/** POSTs `body` (a string is sent as it is) with the customer's token and `headers`. */
async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization, ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

describe("HTTP request hardening (production)", () => {
  it("answers a single operation, and refuses the same operations sent as a batch (array body)", async () => {
    const single = await post({ query: "{ __typename }" });
    expect(single.status).toBe(200);
    expect(JSON.parse(single.text)).toMatchObject({ data: { __typename: "Query" } });

    const batch = await post([{ query: "{ __typename }" }, { query: "{ __typename }" }]);
    expect(batch.status).toBe(400);
    expect(JSON.parse(batch.text)).toEqual({
      errors: [{ message: "Operation batching disabled.", extensions: { code: "BAD_REQUEST" } }],
    });
  });

  it("accepts a body just under 100 KB and refuses one over it with 413", async () => {
    const padded = (bytes: number) =>
      JSON.stringify({ query: `{ __typename }${" ".repeat(bytes)}` });
    expect((await post(padded(95 * 1024))).status).toBe(200);
    const tooLarge = await post(padded(101 * 1024));
    expect(tooLarge.status).toBe(413);
    expect(JSON.parse(tooLarge.text)).toMatchObject({
      errors: [{ extensions: { code: "BAD_REQUEST" } }],
    });
    expect(tooLarge.text).not.toMatch(/at \w+ \(|node_modules|<html/i);
  });

  it("refuses an automatic persisted query sent as a hash alone", async () => {
    const hashOnly = await post({
      extensions: {
        persistedQuery: {
          version: 1,
          sha256Hash: "ecf4edb46db40b5132295c0291d62fb65d6759a9eedfa4d5d612dd5ec54a6b38",
        },
      },
    });
    const body = JSON.parse(hashOnly.text) as { data?: unknown; errors?: unknown[] };
    expect(body.data).toBeUndefined();
    expect(body.errors).toEqual([
      expect.objectContaining({ extensions: { code: "PERSISTED_QUERY_NOT_SUPPORTED" } }),
    ]);
  });

  it("blocks a simple POST (text/plain, possible CSRF): its content type is not read (415)", async () => {
    const simple = await post(JSON.stringify({ query: "{ __typename }" }), {
      "content-type": "text/plain",
    });
    expect(simple.status).toBe(415);
    expect(JSON.parse(simple.text)).toMatchObject({
      errors: [{ extensions: { code: "BAD_REQUEST" } }],
    });
  });

  it("blocks a GET without a preflight header as possible CSRF, and answers it with one", async () => {
    const get = (headers: Record<string, string>) =>
      fetch(`${url}?query=${encodeURIComponent("{ __typename }")}`, {
        headers: { authorization, ...headers },
      });
    const simple = await get({});
    expect(simple.status).toBe(400);
    expect(await simple.text()).toMatch(/Cross-Site Request Forgery/);

    const preflighted = await get({ "apollo-require-preflight": "true" });
    expect(preflighted.status).toBe(200);
    expect(await preflighted.json()).toMatchObject({ data: { __typename: "Query" } });
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { type SandboxCustomer, seededCustomers } from "../support/sandbox-control.js";

let stack: TestStack;
let alice: SandboxCustomer;
let bob: SandboxCustomer;
beforeAll(async () => {
  stack = await startStack();
  const customers = await seededCustomers(stack);
  [alice, bob] = customers as [SandboxCustomer, SandboxCustomer];
});
afterAll(() => stack.close());

const ACCOUNT_IDS = "{ accounts(first: 100) { nodes { id } } }";
const ids = (response: { data?: { accounts?: { nodes: { id: string }[] } } | null }) =>
  response.data?.accounts?.nodes.map((node) => node.id).sort();

describe("service tokens and the act-as header", () => {
  it("lets a service token read the customer it names in X-Act-As-Customer", async () => {
    const service = await signToken(stack.config.auth, {
      scopes: [stack.config.auth.serviceScope],
    });
    const response = await graphql<{ accounts: { nodes: { id: string }[] } }>(
      stack,
      ACCOUNT_IDS,
      {},
      undefined,
      {
        authorization: `Bearer ${service}`,
        "x-act-as-customer": bob.id,
      },
    );
    expect(response.status).toBe(200);
    expect(ids(response)).toEqual([...bob.accounts].sort());
  });

  it("refuses a service token that names no customer", async () => {
    const service = await signToken(stack.config.auth, {
      scopes: [stack.config.auth.serviceScope],
    });
    const response = await graphql(stack, ACCOUNT_IDS, {}, undefined, {
      authorization: `Bearer ${service}`,
    });
    expect(response.status).toBe(401);
  });

  it("refuses a token without the service scope and without a customer", async () => {
    const scopeless = await signToken(stack.config.auth, { scopes: ["fc:read"] });
    const response = await graphql(stack, ACCOUNT_IDS, {}, undefined, {
      authorization: `Bearer ${scopeless}`,
      "x-act-as-customer": bob.id,
    });
    expect(response.status).toBe(401);
  });

  it("never lets a customer token widen its view through the header", async () => {
    const response = await graphql(stack, ACCOUNT_IDS, {}, alice.id, {
      "x-act-as-customer": bob.id,
    });
    expect(response.status).toBe(403);
    expect(response.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(response.data ?? null).toBeNull();
  });

  it("accepts a customer token whose header names its own customer", async () => {
    const response = await graphql<{ accounts: { nodes: { id: string }[] } }>(
      stack,
      ACCOUNT_IDS,
      {},
      alice.id,
      {
        "x-act-as-customer": alice.id,
      },
    );
    expect(ids(response)).toEqual([...alice.accounts].sort());
  });
});

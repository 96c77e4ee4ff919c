import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";
import {
  control,
  ROUTES,
  requestCounts,
  resetRequests,
  type SandboxCustomer,
} from "../support/sandbox-control.js";

let stack: TestStack;
let customer: SandboxCustomer;
beforeAll(async () => {
  stack = await startStack();
  customer = await coldCustomer(stack, 4, 2);
});
afterAll(() => stack.close());
beforeEach(async () => {
  // These tests are about Stripe's answers: every read goes to Stripe, none to the read model.
  await stack.gateway.readModel.store.clear();
  await control(stack, "DELETE", "/_sandbox/faults");
  await resetRequests(stack);
});

const fault = (body: Record<string, unknown>) => control(stack, "POST", "/_sandbox/faults", body);
const ACCOUNT = "query One($id: ID!) { account(id: $id) { id status health { state } } }";

describe("upstream faults from the sandbox", () => {
  it("retries a 429 and answers normally when the retry succeeds", async () => {
    await fault({ status: 429, count: 1, route: ROUTES.retrieveAccount });
    const response = await graphql(stack, ACCOUNT, { id: customer.accounts[0] }, customer.id);
    expect(response.errors).toBeUndefined();
    expect(response.data?.account).toMatchObject({ id: customer.accounts[0] });
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAccount]).toBe(2);
  });

  it("answers RATE_LIMITED once the bounded 429 retries are exhausted", async () => {
    await fault({ status: 429, count: 10, route: ROUTES.retrieveAccount });
    const response = await graphql(stack, ACCOUNT, { id: customer.accounts[0] }, customer.id);
    expect(response.data?.account).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["RATE_LIMITED"]);
    // FAST_RATE_LIMIT_RETRY allows two retries: three attempts in all, then the gateway gives up.
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAccount]).toBe(3);
  });

  it("maps a Stripe 500 to UPSTREAM_UNAVAILABLE without leaking Stripe's message or a stack", async () => {
    await fault({ status: 500, count: 5, route: ROUTES.retrieveAccount });
    const response = await graphql(stack, ACCOUNT, { id: customer.accounts[0] }, customer.id);
    expect(response.data?.account).toBeNull();
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors ?? [];
    expect(error?.extensions).toEqual({ code: "UPSTREAM_UNAVAILABLE" });
    expect(error?.message).not.toMatch(/sandbox|stripe-node|at \w+ \(/i);
  });

  it("nulls only the failing field: one failed account among two leaves the other intact", async () => {
    await fault({ status: 500, count: 1, route: ROUTES.retrieveAccount });
    const response = await graphql<Record<string, { id: string } | null>>(
      stack,
      "query Two($a: ID!, $b: ID!) { a: account(id: $a) { id } b: account(id: $b) { id } }",
      { a: customer.accounts[0], b: customer.accounts[1] },
      customer.id,
    );
    const values = [response.data?.a, response.data?.b];
    expect(values.filter((value) => value === null)).toHaveLength(1);
    expect(values.filter((value) => value !== null)).toHaveLength(1);
    expect(response.errors).toHaveLength(1);
    expect(response.errors?.[0]?.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(["a", "b"]).toContain(response.errors?.[0]?.path?.[0]);
  });

  it("keeps the account list when an authorization fails: only that authorization is null", async () => {
    await fault({ status: 500, count: 1, route: ROUTES.retrieveAuthorization });
    const response = await graphql<{
      accounts: { nodes: { id: string; authorization: { id: string } | null }[] };
    }>(stack, "query { accounts { nodes { id authorization { id } } } }", {}, customer.id);
    const nodes = response.data?.accounts.nodes ?? [];
    expect(nodes).toHaveLength(4);
    const nulls = nodes.filter((node) => node.authorization === null);
    // Two authorizations, two accounts each: the failed one nulls exactly its two accounts' field.
    expect(nulls).toHaveLength(2);
    expect(
      response.errors?.every((error) => error.extensions?.code === "UPSTREAM_UNAVAILABLE"),
    ).toBe(true);
    expect(response.errors?.every((error) => error.path?.at(-1) === "authorization")).toBe(true);
  });

  it("answers NOT_FOUND for an id Stripe does not know", async () => {
    const response = await graphql(stack, ACCOUNT, { id: "fca_doesNotExist123" }, customer.id);
    expect(response.data?.account).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
  });
});

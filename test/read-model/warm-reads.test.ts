import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";
import {
  createCustomer,
  ROUTES,
  requestCounts,
  resetRequests,
} from "../support/sandbox-control.js";

/** The dashboard: every account of the viewer with its health and its authorization. */
const DASHBOARD = /* GraphQL */ `
  query Dashboard {
    accounts(first: 100) {
      nodes {
        id
        status
        health { state action }
        authorization { id status }
      }
    }
  }
`;

interface DashboardData {
  accounts: { nodes: { id: string; status: string; authorization: { id: string } | null }[] };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ env: { RATE_LIMIT_COST_PER_MINUTE: "10000000" } });
});
afterAll(() => stack.close());

describe("the read model serves warm dashboards without Stripe calls", () => {
  it("a cold dashboard costs the lower bound, then 100 warm dashboards cost 0 Stripe calls", async () => {
    const customer = await coldCustomer(stack, 130, 3);
    await resetRequests(stack);

    const cold = await graphql<DashboardData>(stack, DASHBOARD, {}, customer.id);
    expect(cold.errors).toBeUndefined();
    const coldCounts = await requestCounts(stack);
    expect(coldCounts.routes[ROUTES.listAccounts]).toBe(2);
    expect(coldCounts.routes[ROUTES.retrieveAuthorization]).toBe(3);
    expect(coldCounts.total).toBe(5);

    await resetRequests(stack);
    for (let i = 0; i < 100; i += 1) {
      const warm = await graphql<DashboardData>(stack, DASHBOARD, {}, customer.id);
      expect(warm.errors).toBeUndefined();
      expect(warm.data).toEqual(cold.data);
    }
    expect((await requestCounts(stack)).total).toBe(0);
  });

  it("concurrent first dashboards of one customer share one load", async () => {
    const customer = await coldCustomer(stack, 3, 1);
    await resetRequests(stack);

    const answers = await Promise.all(
      Array.from({ length: 8 }, () => graphql<DashboardData>(stack, DASHBOARD, {}, customer.id)),
    );

    for (const answer of answers) expect(answer.data?.accounts.nodes).toHaveLength(3);
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.listAccounts]).toBe(1);
    expect(counts.total).toBeLessThanOrEqual(1 + 8);
  });

  it("single accounts and authorizations of a warm customer are served from the read model", async () => {
    const customer = await createCustomer(stack, 2, 1);
    await graphql(stack, DASHBOARD, {}, customer.id);
    await resetRequests(stack);

    const answer = await graphql<Record<string, { id: string } | null>>(
      stack,
      /* GraphQL */ `
        query One($account: ID!, $authorization: ID!) {
          account(id: $account) { id status }
          authorization(id: $authorization) { id status }
        }
      `,
      { account: customer.accounts[0], authorization: customer.authorizations[0] },
      customer.id,
    );

    expect(answer.errors).toBeUndefined();
    expect(answer.data?.account?.id).toBe(customer.accounts[0]);
    expect(answer.data?.authorization?.id).toBe(customer.authorizations[0]);
    expect((await requestCounts(stack)).total).toBe(0);
  });

  it("another customer asking for a warm customer's ids gets NOT_FOUND, as for a missing id", async () => {
    const owner = await createCustomer(stack, 1, 1);
    const other = await createCustomer(stack, 1, 1);
    await graphql(stack, DASHBOARD, {}, owner.id);

    const answer = await graphql<Record<string, unknown>>(
      stack,
      /* GraphQL */ `
        query Theirs($account: ID!, $authorization: ID!) {
          account(id: $account) { id }
          authorization(id: $authorization) { id }
        }
      `,
      { account: owner.accounts[0], authorization: owner.authorizations[0] },
      other.id,
    );

    expect(answer.data?.account).toBeNull();
    expect(answer.data?.authorization).toBeNull();
    expect(answer.errors?.map((error) => error.extensions?.code)).toEqual([
      "NOT_FOUND",
      "NOT_FOUND",
    ]);
  });
});

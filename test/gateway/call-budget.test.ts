import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";
import { ROUTES, requestCounts, resetRequests } from "../support/sandbox-control.js";

/** The dashboard: every account of the viewer with its health and its authorization. */
const DASHBOARD = /* GraphQL */ `
  query Dashboard {
    accounts(first: 100) {
      nodes {
        id
        displayName
        status
        health { state cause action needsAttention message }
        authorization { id status health { state } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface DashboardData {
  accounts: {
    nodes: { id: string; authorization: { id: string } | null }[];
    pageInfo: { hasNextPage: boolean };
  };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

describe("Stripe call budget of the dashboard query", () => {
  it.each([
    [1, 1],
    [10, 3],
    [250, 7],
  ])(
    "with %i accounts over %i authorizations: ceil(N/100) list calls plus one call per distinct authorization",
    async (accountCount, authorizationCount) => {
      const customer = await coldCustomer(stack, accountCount, authorizationCount);
      await resetRequests(stack);

      const response = await graphql<DashboardData>(stack, DASHBOARD, {}, customer.id);

      expect(response.errors).toBeUndefined();
      const nodes = response.data?.accounts.nodes ?? [];
      expect(nodes).toHaveLength(Math.min(accountCount, 100));
      expect(response.data?.accounts.pageInfo.hasNextPage).toBe(accountCount > 100);
      const distinctAuthorizations = new Set(nodes.map((node) => node.authorization?.id));
      expect(distinctAuthorizations.size).toBe(authorizationCount);
      expect(nodes.every((node) => customer.accounts.includes(node.id))).toBe(true);

      const counts = await requestCounts(stack);
      expect(counts.routes[ROUTES.listAccounts]).toBe(Math.ceil(accountCount / 100));
      expect(counts.routes[ROUTES.retrieveAuthorization]).toBe(authorizationCount);
      expect(counts.routes[ROUTES.retrieveAccount] ?? 0).toBe(0);
      expect(counts.total).toBe(Math.ceil(accountCount / 100) + authorizationCount);
    },
  );
});

describe("deduplication within one operation", () => {
  it("fetches an account asked for through aliases, node and nodes exactly once", async () => {
    const customer = await coldCustomer(stack, 2, 1);
    const [accountId] = customer.accounts;
    await resetRequests(stack);

    const response = await graphql<Record<string, unknown>>(
      stack,
      /* GraphQL */ `
        query Twice($id: ID!) {
          first: account(id: $id) { id status }
          second: account(id: $id) { id displayName }
          asNode: node(id: $id) { id ... on Account { health { state } } }
          asNodes: nodes(ids: [$id, $id]) { id }
        }
      `,
      { id: accountId },
      customer.id,
    );

    expect(response.errors).toBeUndefined();
    expect(response.data?.first).toMatchObject({ id: accountId });
    expect(response.data?.asNodes).toEqual([{ id: accountId }, { id: accountId }]);
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAccount]).toBe(1);
    expect(counts.total).toBe(1);
  });

  it("fetches a shared authorization once however many accounts and aliases point at it", async () => {
    const customer = await coldCustomer(stack, 5, 1);
    const [authorizationId] = customer.authorizations;
    await resetRequests(stack);

    const response = await graphql<Record<string, unknown>>(
      stack,
      /* GraphQL */ `
        query Nested($auth: ID!) {
          accounts { nodes { authorization { id accounts { id authorization { id } } } } }
          direct: authorization(id: $auth) { id health { state } }
        }
      `,
      { auth: authorizationId },
      customer.id,
    );

    expect(response.errors).toBeUndefined();
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAuthorization]).toBe(1);
    expect(counts.routes[ROUTES.listAccounts]).toBe(1);
    expect(counts.total).toBe(2);
  });

  it("a repeat while the read model is fresh costs no Stripe call (it is not re-fetched per operation)", async () => {
    const customer = await coldCustomer(stack, 3, 1);
    const query = "query { accounts { nodes { id authorization { id } } } }";
    await resetRequests(stack);
    await graphql(stack, query, {}, customer.id);
    const afterFirst = (await requestCounts(stack)).total;
    await graphql(stack, query, {}, customer.id);
    const afterSecond = (await requestCounts(stack)).total;
    expect(afterFirst).toBe(2);
    expect(afterSecond - afterFirst).toBe(0);
  });
});

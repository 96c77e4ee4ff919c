import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { liveClient } from "../support/live.js";
import {
  createCustomer,
  requestCounts,
  resetRequests,
  type SandboxCustomer,
} from "../support/sandbox-control.js";
import { wsOperation } from "../support/ws-operation.js";

const LIST_TRANSACTIONS = "GET /v1/financial_connections/transactions";

const ACCOUNTS_PAGE = /* GraphQL */ `
  query Page($first: Int) {
    accounts(first: $first) { nodes { id } pageInfo { hasNextPage } }
  }
`;

interface PageData {
  accounts: { nodes: { id: string }[]; pageInfo: { hasNextPage: boolean } };
}

let stack: TestStack;
let customer: SandboxCustomer;
let ws: Client;

beforeAll(async () => {
  stack = await startStack();
  customer = await createCustomer(stack, 120, 1);
  ws = await liveClient(stack, customer.id);
});
afterAll(async () => {
  await ws.dispose();
  await stack.close();
});

describe("page sizes are clamped at execution time, variables included", () => {
  it("answers `first: 1000` in a variable with 100 accounts over HTTP, priced as 100", async () => {
    const clamped = await graphql<PageData>(stack, ACCOUNTS_PAGE, { first: 1000 }, customer.id);
    expect(clamped.errors).toBeUndefined();
    expect(clamped.data?.accounts.nodes).toHaveLength(100);
    expect(clamped.data?.accounts.pageInfo.hasNextPage).toBe(true);

    const hundred = await graphql(stack, ACCOUNTS_PAGE, { first: 100 }, customer.id);
    const costOf = (response: unknown) =>
      (response as { extensions?: { cost?: { requested?: number } } }).extensions?.cost?.requested;
    expect(costOf(clamped)).toBeGreaterThan(0);
    expect(costOf(clamped)).toBe(costOf(hundred));
  });

  it("answers `first: 1000` in a variable with 100 accounts over WebSocket", async () => {
    const clamped = await wsOperation(ws, ACCOUNTS_PAGE, { first: 1000 });
    expect(clamped.errors).toBeUndefined();
    expect((clamped.data as unknown as PageData).accounts.nodes).toHaveLength(100);
  });

  it("raises `first: -5` to one item", async () => {
    const response = await graphql<PageData>(stack, ACCOUNTS_PAGE, { first: -5 }, customer.id);
    expect(response.data?.accounts.nodes).toHaveLength(1);
  });

  it("asks Stripe for one page of at most 100 transactions (the sandbox refuses more) for `first: 1000`", async () => {
    await resetRequests(stack);
    const response = await graphql<{ account: { transactions: { nodes: unknown[] } } }>(
      stack,
      /* GraphQL */ `
        query Transactions($id: ID!, $first: Int) {
          account(id: $id) { transactions(first: $first) { nodes { id } } }
        }
      `,
      { id: customer.accounts[0], first: 1000 },
      customer.id,
    );
    expect(response.errors).toBeUndefined();
    const nodes = response.data?.account.transactions.nodes ?? [];
    expect(nodes.length).toBeGreaterThan(0);
    expect(nodes.length).toBeLessThanOrEqual(100);
    expect((await requestCounts(stack)).routes[LIST_TRANSACTIONS]).toBe(1);
  });
});

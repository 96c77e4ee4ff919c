import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import {
  control,
  controlOf,
  createCustomer,
  requestCounts,
  resetRequests,
  type SandboxCustomer,
  seededCustomers,
} from "../support/sandbox-control.js";

let stack: TestStack;
let bob: SandboxCustomer;
beforeAll(async () => {
  stack = await startStack();
  bob = (await seededCustomers(stack))[1] as SandboxCustomer;
});
afterAll(() => stack.close());

interface Payload {
  account: {
    id: string;
    status: string;
    subscriptions: string[];
    balanceRefresh: { status: string } | null;
    health: { state: string };
  } | null;
  userErrors: { code: string; field: string[] }[];
}

const FIELDS =
  "account { id status subscriptions balanceRefresh { status } health { state } } userErrors { code field }";

async function mutate(
  name: string,
  input: Record<string, unknown>,
  customer: string,
): Promise<Payload> {
  const response = await graphql<Record<string, Payload>>(
    stack,
    `mutation($input: ${name === "refreshAccount" ? "RefreshAccountInput" : "AccountActionInput"}!) { ${name}(input: $input) { ${FIELDS} } }`,
    { input },
    customer,
  );
  expect(response.errors).toBeUndefined();
  return response.data?.[name] as Payload;
}

const POSTS = (counts: { routes: Record<string, number> }) =>
  Object.entries(counts.routes).filter(([route]) => route.startsWith("POST")).length;

describe("account actions", () => {
  it("refreshAccount starts a balance refresh that later reads see succeed", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const payload = await mutate(
      "refreshAccount",
      { accountId, features: ["BALANCE"] },
      customer.id,
    );
    expect(payload.userErrors).toEqual([]);
    expect(payload.account?.balanceRefresh?.status).toBe("PENDING");
    // The sandbox finishes the refresh on a timer of its own, as Stripe does, and then emits
    // `refreshed_balance`: wait until the gateway acknowledged that event (it stored the account
    // first), then read. Emitted is not enough: the read could overtake the delivery.
    const control = controlOf(stack);
    const event = await control.emitted(
      "financial_connections.account.refreshed_balance",
      accountId,
    );
    await control.acknowledged((event as { id: string }).id);
    const read = await graphql<{ account: { balanceRefresh: { status: string } } }>(
      stack,
      "query($id: ID!) { account(id: $id) { balanceRefresh { status } } }",
      { id: accountId },
      customer.id,
    );
    expect(read.data?.account.balanceRefresh.status).toBe("SUCCEEDED");
  });

  it("subscribe and unsubscribe change the account's subscriptions", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const subscribed = await mutate("subscribeAccountTransactions", { accountId }, customer.id);
    expect(subscribed.account?.subscriptions).toEqual(["TRANSACTIONS"]);
    const unsubscribed = await mutate("unsubscribeAccountTransactions", { accountId }, customer.id);
    expect(unsubscribed.account?.subscriptions).toEqual([]);
  });

  it("disconnectAccount disconnects for good, and a second call says so", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const first = await mutate("disconnectAccount", { accountId }, customer.id);
    expect(first.account).toMatchObject({
      status: "DISCONNECTED",
      health: { state: "DISCONNECTED" },
    });
    const second = await mutate("disconnectAccount", { accountId }, customer.id);
    expect(second.userErrors.map((error) => error.code)).toEqual(["ALREADY_DISCONNECTED"]);
  });
});

describe("account action user errors change nothing", () => {
  it("refreshing an inactive account is ACCOUNT_NOT_ACTIVE", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {});
    await resetRequests(stack);
    const payload = await mutate(
      "refreshAccount",
      { accountId, features: ["BALANCE"] },
      customer.id,
    );
    expect(payload).toEqual({
      account: null,
      userErrors: [{ code: "ACCOUNT_NOT_ACTIVE", field: ["input", "accountId"] }],
    });
    expect(POSTS(await requestCounts(stack))).toBe(0);
  });

  it("refreshing nothing is INVALID_FEATURES", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const payload = await mutate(
      "refreshAccount",
      { accountId: customer.accounts[0], features: [] },
      customer.id,
    );
    expect(payload.userErrors.map((error) => error.code)).toEqual(["INVALID_FEATURES"]);
  });

  it("refreshing data without its permission is PERMISSION_NOT_GRANTED", async () => {
    const [alice] = await seededCustomers(stack);
    const accounts = await graphql<{
      accounts: { nodes: { id: string; status: string; permissions: string[] }[] };
    }>(stack, "{ accounts(first: 100) { nodes { id status permissions } } }", {}, alice?.id);
    const target = accounts.data?.accounts.nodes.find(
      (account) => account.status === "ACTIVE" && !account.permissions.includes("OWNERSHIP"),
    );
    expect(target, "the seed has an active account without the ownership permission").toBeDefined();
    await resetRequests(stack);
    const payload = await mutate(
      "refreshAccount",
      { accountId: target?.id, features: ["OWNERSHIP"] },
      alice?.id ?? "",
    );
    expect(payload.userErrors.map((error) => error.code)).toEqual(["PERMISSION_NOT_GRANTED"]);
    expect(POSTS(await requestCounts(stack))).toBe(0);
  });

  it.each([
    "refreshAccount",
    "disconnectAccount",
    "subscribeAccountTransactions",
    "unsubscribeAccountTransactions",
  ])("%s on another customer's account is NOT_FOUND and leaves it untouched", async (name) => {
    const customer = await createCustomer(stack, 1, 1);
    const target = bob.accounts[0] as string;
    await resetRequests(stack);
    const input =
      name === "refreshAccount"
        ? { accountId: target, features: ["BALANCE"] }
        : { accountId: target };
    const payload = await mutate(name, input, customer.id);
    expect(payload).toEqual({
      account: null,
      userErrors: [{ code: "NOT_FOUND", field: ["input", "accountId"] }],
    });
    expect(POSTS(await requestCounts(stack))).toBe(0);
    expect(JSON.stringify(payload)).not.toContain(bob.id);
  });
});

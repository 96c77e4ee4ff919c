/**
 * What the gateway makes of answers Stripe may give that the happy path never sees (issue 12,
 * found by running it against stripe-mock): a 404 that is not `resource_missing`, a refusal in
 * one of several mutations, what operators learn of a refusal, and a list answer holding another
 * customer's account. Faults come from the sandbox's fault API; response shapes the sandbox would
 * never give come from a proxy between the gateway and the sandbox.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { graphql, LogSink, startStack, type TestStack } from "../support/gateway.js";
import { coldCustomer } from "../support/read-model.js";
import {
  type Exchange,
  type RecordingProxy,
  startRecordingProxy,
} from "../support/recording-proxy.js";
import { control, ROUTES, type SandboxCustomer } from "../support/sandbox-control.js";

const SESSIONS_POST = "POST /v1/financial_connections/sessions";
const SUBSCRIBE_POST = "POST /v1/financial_connections/accounts/{account}/subscribe";

const sink = new LogSink();
let proxy: RecordingProxy;
let stack: TestStack;
let alice: SandboxCustomer;
let bob: SandboxCustomer;
/** When set, the proxy adds this account (raw Stripe JSON) to every account list answer. */
let injectedIntoLists: Record<string, unknown> | undefined;

/** When set, the proxy adds a copy of the first transaction, moved to another account, to each page. */
let foreignTransactionId: string | undefined;

/**
 * Adds `injectedIntoLists` to the `data` of an account list answer, and a transaction of another
 * account to a transaction list answer when `foreignTransactionId` is set.
 */
function injectForeignObjects(exchange: Exchange): string | undefined {
  if (exchange.method !== "GET" || exchange.status !== 200) return undefined;
  const list = JSON.parse(exchange.body) as { data?: Record<string, unknown>[] };
  if (!Array.isArray(list.data)) return undefined;
  if (exchange.path.startsWith("/v1/financial_connections/accounts?") && injectedIntoLists) {
    return JSON.stringify({ ...list, data: [injectedIntoLists, ...list.data] });
  }
  const [first] = list.data;
  if (exchange.path.startsWith("/v1/financial_connections/transactions?") && first) {
    if (foreignTransactionId === undefined) return undefined;
    const moved = { ...first, id: foreignTransactionId, account: bob.accounts[0] };
    return JSON.stringify({ ...list, data: [moved, ...list.data] });
  }
  return undefined;
}

beforeAll(async () => {
  stack = await startStack({
    logSink: sink,
    upstream: async (sandboxUrl) => {
      proxy = await startRecordingProxy(sandboxUrl, injectForeignObjects);
      return { url: `http://127.0.0.1:${proxy.port}`, close: proxy.close };
    },
  });
  alice = await coldCustomer(stack, 3, 1);
  bob = await coldCustomer(stack, 1, 1);
});
afterAll(() => stack.close());
beforeEach(async () => {
  // These tests are about Stripe's answers: every read goes to Stripe, none to the read model.
  await stack.gateway.readModel.store.clear();
  injectedIntoLists = undefined;
  foreignTransactionId = undefined;
  await control(stack, "DELETE", "/_sandbox/faults");
});

const fault = (body: Record<string, unknown>) => control(stack, "POST", "/_sandbox/faults", body);
const ACCOUNT = "query One($id: ID!) { account(id: $id) { id status } }";

/** The log line of the operation named `name` (the last one, when it ran more than once). */
function operationLine(name: string): Record<string, unknown> {
  const lines = sink.lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.msg === "graphql operation" && entry.operation === name);
  const line = lines.at(-1);
  if (line === undefined) throw new Error(`no log line for operation ${name}`);
  return line;
}

describe("a 404 from Stripe", () => {
  it("without Stripe's resource_missing code is UPSTREAM_ERROR, not NOT_FOUND naming the object", async () => {
    await fault({ status: 404, count: 1, route: ROUTES.retrieveAccount });
    const response = await graphql(stack, ACCOUNT, { id: alice.accounts[0] }, alice.id);
    expect(response.data?.account).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["UPSTREAM_ERROR"]);
    expect(response.errors?.[0]?.message).not.toMatch(/not found/i);
  });

  it("with resource_missing (an id Stripe does not know) is NOT_FOUND", async () => {
    const response = await graphql(stack, ACCOUNT, { id: "fca_unknownToStripe01" }, alice.id);
    expect(response.data?.account).toBeNull();
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["NOT_FOUND"]);
  });

  it("on an endpoint Stripe does not serve (an account action) is UPSTREAM_ERROR, not 'Account not found' about an account just read", async () => {
    await fault({ status: 404, count: 1, route: SUBSCRIBE_POST });
    const response = await graphql<{ s: unknown }>(
      stack,
      `mutation Subscribe($id: ID!) {
        s: subscribeAccountTransactions(input: { accountId: $id }) { account { id } userErrors { code } }
      }`,
      { id: alice.accounts[0] },
      alice.id,
    );
    expect(response.data).toEqual({ s: null });
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [["s"], "UPSTREAM_ERROR"],
    ]);
    expect(response.errors?.[0]?.message).not.toMatch(/not found/i);
  });
});

describe("several mutations in one operation", () => {
  it("keep the results of those that succeeded when a later one fails upstream: the disconnect is reported", async () => {
    const [disconnected, relinked] = alice.accounts as [string, string, string];
    await fault({ status: 400, count: 1, route: SESSIONS_POST });
    const response = await graphql<{
      d: { account: { id: string; status: string } | null; userErrors: unknown[] } | null;
      r: unknown;
    }>(
      stack,
      `mutation Both($d: ID!, $r: ID!) {
        d: disconnectAccount(input: { accountId: $d }) { account { id status } userErrors { code } }
        r: createRelinkSession(input: { accountId: $r, permissions: [BALANCES] }) {
          clientSecret relinkSession { id } userErrors { code }
        }
      }`,
      { d: disconnected, r: relinked },
      alice.id,
    );
    expect(response.data?.d).toEqual({
      account: { id: disconnected, status: "DISCONNECTED" },
      userErrors: [],
    });
    expect(response.data?.r).toBeNull();
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [["r"], "UPSTREAM_ERROR"],
    ]);
  });
});

describe("what operators learn of a refusal", () => {
  it("the operation's log line carries Stripe's status, error type, code, param, message and request id", async () => {
    await fault({
      status: 400,
      count: 1,
      route: SESSIONS_POST,
      code: "parameter_invalid_empty",
      param: "permissions",
    });
    const response = await graphql(
      stack,
      `mutation Refused($id: ID!) {
        createRelinkSession(input: { accountId: $id, permissions: [BALANCES] }) { clientSecret }
      }`,
      { id: alice.accounts[2] },
      alice.id,
    );
    expect(response.errors?.map((error) => error.extensions?.code)).toEqual(["UPSTREAM_ERROR"]);
    const refused = proxy.exchanges.filter(
      (exchange) => exchange.method === "POST" && exchange.status === 400,
    );
    const answered = refused.at(-1);
    const stripeError = (JSON.parse(answered?.body ?? "{}") as { error: { message: string } })
      .error;
    expect(operationLine("Refused")).toMatchObject({
      errorCodes: ["UPSTREAM_ERROR"],
      upstreamErrors: [
        {
          path: "createRelinkSession",
          status: 400,
          type: "invalid_request_error",
          code: "parameter_invalid_empty",
          param: "permissions",
          message: stripeError.message,
          requestId: answered?.headers["request-id"],
        },
      ],
    });
    expect(answered?.headers["request-id"]).toMatch(/^req_\w+$/);
  });
});

describe("accounts of another customer in Stripe's list answer", () => {
  it("are never returned by `accounts`, nor readable through the list's cache in the same operation", async () => {
    const foreignId = bob.accounts[0] as string;
    const raw = await fetch(`${stack.sandbox.url}/v1/financial_connections/accounts/${foreignId}`, {
      headers: { authorization: "Bearer sk_test_upstreamRefusals01" },
    });
    injectedIntoLists = (await raw.json()) as Record<string, unknown>;
    expect(injectedIntoLists.id).toBe(foreignId);

    const response = await graphql<{
      accounts: { nodes: { id: string }[] };
      foreign: unknown;
    }>(
      stack,
      "query Mine($foreign: ID!) { accounts { nodes { id } } foreign: account(id: $foreign) { id } }",
      { foreign: foreignId },
      alice.id,
    );
    const ids = response.data?.accounts.nodes.map((node) => node.id) ?? [];
    expect(ids).not.toContain(foreignId);
    expect([...ids].sort()).toEqual([...alice.accounts].sort());
    expect(response.data?.foreign).toBeNull();
    expect(response.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
      [["foreign"], "NOT_FOUND"],
    ]);
    const warnings = sink.lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.level === 40 && entry.id === foreignId);
    expect(warnings).toEqual([expect.objectContaining({ kind: "account" })]);
  });
});

describe("transactions of another account in Stripe's list answer", () => {
  it("are never returned on the account's transactions", async () => {
    foreignTransactionId = "fctxn_injectedForeign01";
    const response = await graphql<{
      account: { transactions: { nodes: { id: string }[] } | null };
    }>(
      stack,
      "query Txns($id: ID!) { account(id: $id) { transactions(first: 5) { nodes { id } } } }",
      { id: alice.accounts[1] },
      alice.id,
    );
    expect(response.errors).toBeUndefined();
    const ids = response.data?.account.transactions?.nodes.map((node) => node.id) ?? [];
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).not.toContain(foreignTransactionId);
    const injected = proxy.exchanges.some((exchange) =>
      exchange.path.startsWith("/v1/financial_connections/transactions?"),
    );
    expect(injected).toBe(true);
  });
});

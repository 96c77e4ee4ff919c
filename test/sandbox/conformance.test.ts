/**
 * Every operation of openapi-fc.json (Financial Connections and the Events API) answers through
 * the real SDK, and every response (success and error) matches the OpenAPI description for its
 * status. The shared afterEach of useHarness validates each recorded response; the last test
 * proves the audit was not vacuous.
 */
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { specOperations } from "../support/openapi.js";
import type { Exchange } from "../support/recording-proxy.js";
import { type AuditTotals, auditExchanges } from "../support/response-audit.js";
import { useHarness } from "../support/sandbox-harness.js";
import { rawRequest, stripeError } from "../support/stripe-client.js";
import { pick } from "../support/stripe-json.js";

const { h, totals } = useHarness();
const FC = "/v1/financial_connections";

interface Fixture {
  customer: string;
  account: string;
  authorization: string;
  ownership: string;
  transactionAccount: string;
}
let fx: Fixture;

function raw(
  method: "GET" | "POST",
  path: string,
  params?: Record<string, unknown>,
): Promise<unknown> {
  return rawRequest(h().stripe, method, path, params);
}

beforeAll(async () => {
  const { stripe, control } = h();
  const customers = await control.customers();
  let found: Partial<Fixture> = {};
  for (const c of customers) {
    for (const id of c.accounts) {
      const acc = await stripe.financialConnections.accounts.retrieve(id);
      const ownership = typeof acc.ownership === "string" ? acc.ownership : acc.ownership?.id;
      const authorization = pick(acc, "authorization");
      if (
        !found.account &&
        acc.status === "active" &&
        ownership &&
        typeof authorization === "string"
      ) {
        found = { ...found, customer: c.id, account: id, ownership, authorization };
      }
      if (!found.transactionAccount) {
        const txs = await stripe.financialConnections.transactions.list({ account: id, limit: 1 });
        if (txs.data.length > 0) found.transactionAccount = id;
      }
    }
  }
  const { customer, account, authorization, ownership, transactionAccount } = found;
  if (!customer || !account || !authorization || !ownership || !transactionAccount) {
    throw new Error(
      `seed lacks an active account with ownership and transactions: ${JSON.stringify(found)}`,
    );
  }
  fx = { customer, account, authorization, ownership, transactionAccount };
});

describe("every Financial Connections operation answers with a valid body", () => {
  it("lists a customer's accounts", async () => {
    const list = await h().stripe.financialConnections.accounts.list({
      account_holder: { customer: fx.customer },
    });
    expect(list.data.map((a) => a.id)).toContain(fx.account);
  });

  it("retrieves an account and its authorization", async () => {
    const acc = await h().stripe.financialConnections.accounts.retrieve(fx.account);
    expect(acc.id).toBe(fx.account);
    const auth = await raw("GET", `${FC}/authorizations/${fx.authorization}`);
    expect(pick(auth, "id")).toBe(fx.authorization);
    expect(pick(auth, "object")).toBe("financial_connections.authorization");
  });

  it("lists an account's owners and inferred balances", async () => {
    const owners = await h().stripe.financialConnections.accounts.listOwners(fx.account, {
      ownership: fx.ownership,
    });
    expect(owners.data.length).toBeGreaterThan(0);
    expect(owners.data.every((o) => o.ownership === fx.ownership)).toBe(true);
    const balances = await raw("GET", `${FC}/accounts/${fx.account}/inferred_balances`);
    expect(pick(balances, "object")).toBe("list");
  });

  it("refreshes, subscribes and unsubscribes an account", async () => {
    const accounts = h().stripe.financialConnections.accounts;
    expect((await accounts.refresh(fx.account, { features: ["balance"] })).id).toBe(fx.account);
    expect((await accounts.subscribe(fx.account, { features: ["transactions"] })).id).toBe(
      fx.account,
    );
    expect((await accounts.unsubscribe(fx.account, { features: ["transactions"] })).id).toBe(
      fx.account,
    );
  });

  it("lists institutions and retrieves one", async () => {
    const list = await raw("GET", `${FC}/institutions`, { limit: 3 });
    const first = pick(list, "data");
    const id = Array.isArray(first) ? pick(first[0], "id") : undefined;
    expect(typeof id).toBe("string");
    const institution = await raw("GET", `${FC}/institutions/${String(id)}`);
    expect(pick(institution, "id")).toBe(id);
  });

  it("creates a session and retrieves it", async () => {
    const sessions = h().stripe.financialConnections.sessions;
    const created = await sessions.create({
      account_holder: { type: "customer", customer: fx.customer },
      permissions: ["balances", "transactions"],
    });
    expect(created.client_secret).toBeTruthy();
    expect((await sessions.retrieve(created.id)).id).toBe(created.id);
  });

  it("lists transactions and retrieves one", async () => {
    const txs = h().stripe.financialConnections.transactions;
    const list = await txs.list({ account: fx.transactionAccount, limit: 2 });
    const first = list.data[0];
    expect(first?.account).toBe(fx.transactionAccount);
    expect((await txs.retrieve(first?.id ?? "missing")).id).toBe(first?.id);
  });

  it("lists events and retrieves one (the Events API)", async () => {
    const created = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const list = await h().stripe.events.list({ type: "financial_connections.account.*" });
    const first = list.data[0];
    expect(first?.type).toBe("financial_connections.account.created");
    expect(pick(first, "data", "object", "id")).toBe(created.accounts[0]);
    expect((await h().stripe.events.retrieve(first?.id ?? "missing")).id).toBe(first?.id);
  });

  it("disconnects an account", async () => {
    const fresh = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
    const id = fresh.accounts[0] ?? "missing";
    const acc = await h().stripe.financialConnections.accounts.disconnect(id);
    expect(acc.status).toBe("disconnected");
  });
});

describe("every operation answers its error path with Stripe's error body", () => {
  const missing: ["GET" | "POST", string][] = [
    ["GET", `${FC}/accounts/fca_doesNotExist`],
    ["POST", `${FC}/accounts/fca_doesNotExist/disconnect`],
    ["GET", `${FC}/authorizations/fcauth_doesNotExist`],
    ["GET", `${FC}/institutions/fcinst_doesNotExist`],
    ["GET", `${FC}/sessions/fcsess_doesNotExist`],
    ["GET", `${FC}/transactions/fctxn_doesNotExist`],
    ["GET", `${FC}/accounts/fca_doesNotExist/inferred_balances`],
    ["GET", "/v1/events/evt_doesNotExist"],
  ];
  it.each(missing)("%s %s answers 404 resource_missing", async (method, path) => {
    const err = await stripeError(raw(method, path), Stripe.errors.StripeInvalidRequestError);
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("resource_missing");
  });

  it("the account actions answer 404 for a missing account", async () => {
    const accounts = h().stripe.financialConnections.accounts;
    for (const call of [
      () => accounts.refresh("fca_doesNotExist", { features: ["balance"] }),
      () => accounts.subscribe("fca_doesNotExist", { features: ["transactions"] }),
      () => accounts.unsubscribe("fca_doesNotExist", { features: ["transactions"] }),
      () => accounts.listOwners("fca_doesNotExist", { ownership: "fcaowns_doesNotExist" }),
    ]) {
      const err = await stripeError(call(), Stripe.errors.StripeInvalidRequestError);
      expect(err.statusCode).toBe(404);
    }
  });

  it("the list and create operations answer 400 for bad parameters", async () => {
    const calls: ["GET" | "POST", string, Record<string, unknown>][] = [
      ["GET", `${FC}/accounts`, { limit: 0 }],
      ["GET", `${FC}/institutions`, { limit: 101 }],
      ["GET", `${FC}/transactions`, {}],
      ["GET", "/v1/events", { type: "financial_connections.*", types: ["x"] }],
      ["POST", `${FC}/sessions`, { account_holder: { type: "customer", customer: fx.customer } }],
    ];
    for (const [method, path, params] of calls) {
      const err = await stripeError(
        raw(method, path, params),
        Stripe.errors.StripeInvalidRequestError,
      );
      expect(err.statusCode, `${method} ${path}`).toBe(400);
    }
  });

  it("answers 401 with an error body for a rejected key", async () => {
    await stripeError(
      h().stripe.financialConnections.accounts.retrieve(fx.account, {}, { apiKey: "sk_live_nope" }),
      Stripe.errors.StripeAuthenticationError,
    );
  });
});

describe("expansion", () => {
  it("expand[] turns ownership and institution ids into their objects", async () => {
    const plain = await h().stripe.financialConnections.accounts.retrieve(fx.account);
    expect(typeof plain.ownership).toBe("string");
    const expanded = await h().stripe.financialConnections.accounts.retrieve(fx.account, {
      expand: ["ownership", "institution"],
    });
    expect(pick(expanded, "ownership", "id")).toBe(plain.ownership);
    expect(pick(expanded, "ownership", "object")).toBe("financial_connections.account_ownership");
    expect(pick(expanded, "institution", "id")).toBe(pick(plain, "institution"));
  });

  it("rejects expanding a field that is not expandable", async () => {
    const err = await stripeError(
      h().stripe.financialConnections.accounts.retrieve(fx.account, { expand: ["last4"] }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBe(400);
  });
});

describe("the response audit", () => {
  const exchange = (over: Partial<Exchange>): Exchange => ({
    method: "GET",
    path: `${FC}/accounts/fca_x`,
    requestHeaders: {},
    requestBody: "",
    status: 404,
    headers: { "request-id": "req_1" },
    body: JSON.stringify({ error: { type: "invalid_request_error", message: "x" } }),
    elapsedMs: 1,
    ...over,
  });
  const fresh = (): AuditTotals => ({ validated: 0, seen: new Set() });

  it("passes a valid error response and counts it", () => {
    const t = fresh();
    auditExchanges([exchange({})], 0, t);
    expect(t.validated).toBe(1);
  });

  it("fails on a body that breaks the schema, an unknown route, or a missing Request-Id", () => {
    expect(() => auditExchanges([exchange({ status: 200 })], 0, fresh())).toThrow(/required/);
    expect(() => auditExchanges([exchange({ path: `${FC}/nope` })], 0, fresh())).toThrow(
      /no such operation/,
    );
    expect(() => auditExchanges([exchange({ headers: {} })], 0, fresh())).toThrow(/Request-Id/);
    expect(() => auditExchanges([exchange({ body: "<html>" })], 0, fresh())).toThrow(/not JSON/);
  });

  it("validated a 200 and an error response of all 17 operations", () => {
    const operations = specOperations();
    expect(operations).toHaveLength(17);
    const seen = [...totals.seen];
    for (const op of operations) {
      const prefix = `${op.method} ${op.template} `;
      expect(seen, `200 of ${prefix}`).toContain(`${prefix}200`);
      expect(
        seen.some((key) => key.startsWith(prefix) && !key.endsWith(" 200")),
        `error of ${prefix}`,
      ).toBe(true);
    }
    expect(totals.validated).toBeGreaterThanOrEqual(2 * operations.length);
  });
});

/**
 * Authentication and request errors arrive at the SDK as Stripe's typed errors, with the
 * `type`, `code`, `param` and status Stripe would send.
 */
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { useHarness } from "../support/sandbox-harness.js";
import { rawRequest, stripeClient, stripeError, TEST_KEY } from "../support/stripe-client.js";
import { pick } from "../support/stripe-json.js";

const { h } = useHarness();
const FC = "/v1/financial_connections";
let accountId: string;
let customerId: string;

beforeAll(async () => {
  const customer = await h().control.createCustomer({ accounts: 1, authorizations: 1 });
  customerId = customer.id;
  accountId = customer.accounts[0] ?? "";
});

function raw(
  method: "GET" | "POST",
  path: string,
  params?: Record<string, unknown>,
): Promise<unknown> {
  return rawRequest(h().stripe, method, path, params);
}

describe("authentication", () => {
  it.each([
    ["a live key", "sk_live_abc123"],
    ["a publishable key", "pk_test_abc123"],
    ["a test key with punctuation", "sk_test_abc-123!"],
  ])("rejects %s with 401 StripeAuthenticationError", async (_label, key) => {
    const client = stripeClient(h().proxy.port, key);
    const err = await stripeError(
      client.financialConnections.accounts.retrieve(accountId),
      Stripe.errors.StripeAuthenticationError,
    );
    expect(err.statusCode).toBe(401);
    expect(err.rawType).toBe("invalid_request_error");
  });

  it("rejects a request without any Authorization header with 401", async () => {
    const client = new Stripe("", {
      host: "127.0.0.1",
      port: h().proxy.port,
      protocol: "http",
      maxNetworkRetries: 0,
      authenticator: async () => {},
    });
    const err = await stripeError(
      client.financialConnections.accounts.retrieve(accountId),
      Stripe.errors.StripeAuthenticationError,
    );
    expect(err.statusCode).toBe(401);
    const last = h().proxy.exchanges.at(-1);
    expect(last?.requestHeaders.authorization).toBeUndefined();
    expect(last?.status).toBe(401);
  });

  // Stripe authenticates with HTTP Basic auth (key as user, empty password) as well as Bearer.
  it("accepts the key as HTTP Basic auth, as curl -u sends it", async () => {
    const basic = Buffer.from(`${TEST_KEY}:`).toString("base64");
    const res = await fetch(
      `http://127.0.0.1:${h().proxy.port}/v1/financial_connections/accounts/${accountId}`,
      { headers: { authorization: `Basic ${basic}` } },
    );
    expect(res.status).toBe(200);
    expect(pick(await res.json(), "id")).toBe(accountId);
  });

  it("accepts any sk_test_ key made of letters and digits", async () => {
    const client = stripeClient(h().proxy.port, "sk_test_Another9Key");
    expect((await client.financialConnections.accounts.retrieve(accountId)).id).toBe(accountId);
  });
});

describe("missing objects", () => {
  it.each([
    ["accounts/fca_missing0", "account"],
    ["authorizations/fcauth_missing0", "authorization"],
    ["sessions/fcsess_missing0", "session"],
    ["transactions/fctxn_missing0", "transaction"],
    ["institutions/fcinst_missing0", "institution"],
  ])("GET %s answers 404 resource_missing naming `%s`", async (path, param) => {
    const err = await stripeError(
      raw("GET", `${FC}/${path}`),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBe(404);
    expect(err.code).toBe("resource_missing");
    expect(err.param).toBe(param);
    expect(err.message).toContain(path.split("/")[1] ?? "");
  });

  it("the typed SDK call carries the same 404 and a request id", async () => {
    const err = await stripeError(
      h().stripe.financialConnections.accounts.retrieve("fca_missing1"),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.code).toBe("resource_missing");
    expect(err.param).toBe("account");
    expect(err.requestId).toMatch(/^req_/);
  });
});

describe("bad parameters", () => {
  it("an unknown parameter answers 400 parameter_unknown naming it", async () => {
    const err = await stripeError(
      raw("GET", `${FC}/accounts/${accountId}`, { bogus_param: "1" }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBe(400);
    expect(err.code).toBe("parameter_unknown");
    expect(err.param).toBe("bogus_param");
  });

  it("an unknown parameter in a POST body answers 400 naming it", async () => {
    const err = await stripeError(
      raw("POST", `${FC}/accounts/${accountId}/refresh`, { features: ["balance"], colour: "red" }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.code).toBe("parameter_unknown");
    expect(err.param).toBe("colour");
  });

  it.each<["GET" | "POST", string, string, Record<string, unknown>]>([
    ["POST", "accounts/{account}/refresh", "features", {}],
    ["POST", "accounts/{account}/subscribe", "features", {}],
    ["GET", "transactions", "account", {}],
    ["GET", "accounts/{account}/owners", "ownership", {}],
    [
      "POST",
      "sessions",
      "permissions",
      { account_holder: { type: "customer", customer: "{customer}" } },
    ],
  ])(
    "%s %s without `%s` answers 400 parameter_missing naming it",
    async (method, path, param, params) => {
      const full = `${FC}/${path.replace("{account}", accountId)}`;
      const body: Record<string, unknown> = JSON.parse(
        JSON.stringify(params).replace("{customer}", customerId),
      );
      const err = await stripeError(
        raw(method, full, body),
        Stripe.errors.StripeInvalidRequestError,
      );
      expect(err.statusCode).toBe(400);
      expect(err.code).toBe("parameter_missing");
      expect(err.param).toBe(param);
    },
  );

  // openapi-fc.json, GET /v1/financial_connections/accounts, parameter account_holder:
  // "`account_holder[customer]` and `account_holder[account]` are mutually exclusive."
  it("account_holder[customer] together with account_holder[account] answers 400", async () => {
    const err = await stripeError(
      h().stripe.financialConnections.accounts.list({
        account_holder: { customer: customerId, account: "acct_1Sandbox" },
      }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBe(400);
    expect(err.param).toMatch(/^account_holder/);
  });

  it("a value outside an enum answers 400 naming the parameter", async () => {
    const err = await stripeError(
      h().stripe.financialConnections.accounts.refresh(accountId, {
        features: ["telepathy" as Stripe.FinancialConnections.AccountRefreshParams.Feature],
      }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBe(400);
    expect(err.param).toMatch(/^features/);
  });

  it("a bad account_holder type on session create answers 400 naming it", async () => {
    const err = await stripeError(
      raw("POST", `${FC}/sessions`, {
        account_holder: { type: "martian", customer: customerId },
        permissions: ["balances"],
      }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBe(400);
    expect(err.param).toBe("account_holder[type]");
  });

  it("a permission outside the enum on session create answers 400 naming it", async () => {
    const err = await stripeError(
      raw("POST", `${FC}/sessions`, {
        account_holder: { type: "customer", customer: customerId },
        permissions: ["mind_reading"],
      }),
      Stripe.errors.StripeInvalidRequestError,
    );
    expect(err.statusCode).toBe(400);
    expect(err.param).toMatch(/^permissions/);
  });
});

/**
 * The fault API makes the sandbox fail like Stripe fails (status, delay, dropped connection),
 * and the request counter counts `/v1` requests per route template.
 */
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { useHarness } from "../support/sandbox-harness.js";
import { stripeClient, stripeError } from "../support/stripe-client.js";

const { h } = useHarness();
const RETRIEVE = "GET /v1/financial_connections/accounts/{account}";
const LIST = "GET /v1/financial_connections/accounts";
let customer: string;
let account: string;

beforeAll(async () => {
  const c = await h().control.createCustomer({ accounts: 2, authorizations: 1 });
  customer = c.id;
  account = c.accounts[0] ?? "";
});

/** The faults the sandbox still plans (`GET /_sandbox/faults`). */
async function plannedFaults() {
  return ((await h().control.call("GET", "/_sandbox/faults")) as { faults: unknown[] }).faults;
}

function retrieve() {
  return h().stripe.financialConnections.accounts.retrieve(account);
}

describe("injected faults", () => {
  it("429 is a StripeRateLimitError with code rate_limit, `count` times, then success", async () => {
    await h().control.resetRequests();
    await h().control.fault({ status: 429, count: 2, route: RETRIEVE });
    for (let i = 0; i < 2; i += 1) {
      const err = await stripeError(retrieve(), Stripe.errors.StripeRateLimitError);
      expect(err.statusCode).toBe(429);
      expect(err.code).toBe("rate_limit");
    }
    expect((await retrieve()).id).toBe(account);
    const counts = await h().control.requests();
    expect(counts.routes[RETRIEVE]).toBe(3);
    expect(counts.total).toBe(3);
  });

  it("500 is a StripeAPIError, and only once for count 1", async () => {
    await h().control.fault({ status: 500, count: 1, route: RETRIEVE });
    const err = await stripeError(retrieve(), Stripe.errors.StripeAPIError);
    expect(err.statusCode).toBe(500);
    expect(err.rawType).toBe("api_error");
    expect((await retrieve()).id).toBe(account);
  });

  it("a fault on one route leaves other routes alone", async () => {
    await h().control.fault({ status: 500, count: 1, route: RETRIEVE });
    const list = await h().stripe.financialConnections.accounts.list({
      account_holder: { customer },
    });
    expect(list.data.length).toBe(2);
    await stripeError(retrieve(), Stripe.errors.StripeAPIError);
  });

  it("a fault without route applies to any /v1 request", async () => {
    await h().control.fault({ status: 503, count: 1 });
    const err = await stripeError(
      h().stripe.financialConnections.accounts.list({ account_holder: { customer } }),
      Stripe.errors.StripeAPIError,
    );
    expect(err.statusCode).toBe(503);
    expect((await retrieve()).id).toBe(account);
  });

  it("delay_ms delays the answer, which still succeeds, and only `count` requests", async () => {
    await h().control.resetRequests();
    await h().control.fault({ delay_ms: 300, count: 1, route: RETRIEVE });
    expect(await plannedFaults()).toMatchObject([{ remaining: 1, delay_ms: 300, route: RETRIEVE }]);
    const started = Date.now();
    expect((await retrieve()).id).toBe(account);
    // A lower bound only: load can lengthen the wait, never shorten it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    // `count: 1` honoured: the one request the sandbox counted used the fault up.
    expect((await h().control.requests()).routes[RETRIEVE]).toBe(1);
    expect(await plannedFaults()).toEqual([]);
    expect((await retrieve()).id).toBe(account);
    expect((await h().control.requests()).routes[RETRIEVE]).toBe(2);
  });

  it("many requests delayed at once raise no listener-leak warning", async () => {
    // Each delayed request waits on the sandbox's one shutdown signal and removes its listener
    // when its pause ends: many concurrent delays are many listeners at once, not a leak.
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.name);
    process.on("warning", onWarning);
    try {
      const concurrent = 15;
      await h().control.fault({ delay_ms: 100, count: concurrent, route: RETRIEVE });
      const answers = await Promise.all(Array.from({ length: concurrent }, () => retrieve()));
      expect(answers.map((answer) => answer.id)).toEqual(Array(concurrent).fill(account));
      expect(warnings).not.toContain("MaxListenersExceededWarning");
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("a delay longer than the client timeout surfaces as a connection error", async () => {
    await h().control.fault({ delay_ms: 400, count: 1, route: RETRIEVE });
    const impatient = stripeClient(h().proxy.port, undefined, 100);
    const before = h().proxy.exchanges.length;
    await stripeError(
      impatient.financialConnections.accounts.retrieve(account),
      Stripe.errors.StripeConnectionError,
    );
    // The sandbox still answers the abandoned request later: let the proxy record it now, so the
    // next test's exchanges are its own.
    await h().proxy.recorded(before + 1);
  });

  // stripe-node retries a closed connection once even with maxNetworkRetries: 0
  // (RequestSender._shouldRetry), so the SDK only surfaces a drop that happens twice in a row.
  it("drop (twice) is seen by the SDK as a connection error, then the next request succeeds", async () => {
    await h().control.resetRequests();
    await h().control.fault({ drop: true, count: 2, route: RETRIEVE });
    await stripeError(retrieve(), Stripe.errors.StripeConnectionError);
    const dropped = h().proxy.exchanges.slice(-2);
    expect(dropped.map((x) => x.status)).toEqual([undefined, undefined]);
    expect((await retrieve()).id).toBe(account);
    expect((await h().control.requests()).routes[RETRIEVE]).toBe(3);
  });

  it("a single drop honours count 1: the SDK's one automatic retry gets through", async () => {
    await h().control.resetRequests();
    await h().control.fault({ drop: true, count: 1, route: RETRIEVE });
    expect((await retrieve()).id).toBe(account);
    expect(
      h()
        .proxy.exchanges.slice(-2)
        .map((x) => x.status),
    ).toEqual([undefined, 200]);
    expect((await h().control.requests()).routes[RETRIEVE]).toBe(2);
  });

  it("a 404 fault carries no code unless one is named: not every 404 is resource_missing", async () => {
    await h().control.fault({ status: 404, count: 1, route: RETRIEVE });
    const bare = await stripeError(retrieve(), Stripe.errors.StripeInvalidRequestError);
    expect(bare.statusCode).toBe(404);
    expect(bare.code).toBeUndefined();
    await h().control.fault({ status: 404, count: 1, route: RETRIEVE, code: "resource_missing" });
    const missing = await stripeError(retrieve(), Stripe.errors.StripeInvalidRequestError);
    expect(missing.code).toBe("resource_missing");
  });

  it("type, code and param shape the faulted error, with a Request-Id like any answer", async () => {
    await h().control.fault({
      status: 400,
      count: 1,
      route: RETRIEVE,
      code: "parameter_invalid_empty",
      param: "features[0]",
    });
    const refused = await stripeError(retrieve(), Stripe.errors.StripeInvalidRequestError);
    expect(refused).toMatchObject({
      statusCode: 400,
      rawType: "invalid_request_error",
      code: "parameter_invalid_empty",
      param: "features[0]",
    });
    expect(refused.requestId).toMatch(/^req_\w+$/);
    await h().control.fault({ status: 400, count: 1, route: RETRIEVE, type: "idempotency_error" });
    await stripeError(retrieve(), Stripe.errors.StripeIdempotencyError);
  });

  it("refuses a code or param that is not a Stripe-style word, and a type without a status", async () => {
    await expect(h().control.fault({ status: 400, count: 1, code: "Not A Code" })).rejects.toThrow(
      /code/,
    );
    await expect(h().control.fault({ count: 1, delay_ms: 10, type: "api_error" })).rejects.toThrow(
      /needs a status/,
    );
  });

  it("DELETE /_sandbox/faults disarms pending faults", async () => {
    await h().control.fault({ status: 500, count: 5, route: RETRIEVE });
    await h().control.clearFaults();
    expect((await retrieve()).id).toBe(account);
  });
});

describe("the request counter", () => {
  it("counts per method and route template, and resets", async () => {
    await h().control.resetRequests();
    expect(await h().control.requests()).toEqual({ total: 0, routes: {} });
    const accounts = h().stripe.financialConnections.accounts;
    for (let i = 0; i < 3; i += 1) await accounts.list({ account_holder: { customer } });
    await accounts.retrieve(account);
    await accounts.refresh(account, { features: ["balance"] });
    const counts = await h().control.requests();
    expect(counts.routes).toEqual({
      [LIST]: 3,
      [RETRIEVE]: 1,
      "POST /v1/financial_connections/accounts/{account}/refresh": 1,
    });
    expect(counts.total).toBe(5);
    await h().control.resetRequests();
    expect((await h().control.requests()).total).toBe(0);
  });

  it("counts failed requests too, and not control-API calls", async () => {
    await h().control.resetRequests();
    await stripeError(
      h().stripe.financialConnections.accounts.retrieve("fca_missing3"),
      Stripe.errors.StripeInvalidRequestError,
    );
    await h().control.customers();
    const counts = await h().control.requests();
    expect(counts).toEqual({ total: 1, routes: { [RETRIEVE]: 1 } });
  });
});

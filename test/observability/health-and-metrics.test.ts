import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";
import { createLogger } from "../../src/observability/logger.js";
import { startGateway } from "../../src/server/gateway.js";
import { graphql, LogSink, startStack, type TestStack } from "../support/gateway.js";
import { control, createCustomer } from "../support/sandbox-control.js";
import { pick } from "../support/stripe-json.js";
import { waitFor } from "../support/wait.js";
import { accountEvent, deliver, deliverSigned } from "../support/webhook.js";

const DASHBOARD = "query Dashboard { accounts { nodes { id status authorization { id } } } }";

let stack: TestStack;
const logs = new LogSink();
beforeAll(async () => {
  stack = await startStack({ logSink: logs });
});
afterAll(() => stack.close());

const get = async (path: string) => {
  const response = await fetch(`${stack.gateway.url}${path}`);
  return { status: response.status, headers: response.headers, text: await response.text() };
};

describe("/healthz and /readyz", () => {
  it("/healthz answers 200 while the process serves", async () => {
    expect((await get("/healthz")).status).toBe(200);
  });

  it("/readyz is 200 with every check ok when the sandbox is reachable (no Redis configured)", async () => {
    const ready = await get("/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: "ready", checks: { stripe: "ok" } });
  });

  it("/readyz is 503 when the Stripe API base does not answer", async () => {
    const gateway = await startGateway({
      config: loadConfig({ STRIPE_MAX_RETRIES: "0" }),
      logger: createLogger("silent"),
      stripeApiBase: "http://127.0.0.1:1",
      port: 0,
    });
    try {
      const response = await fetch(`${gateway.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: "not_ready",
        checks: { stripe: "unreachable" },
        error: { code: "NOT_READY", message: expect.any(String) },
      });
    } finally {
      await gateway.close();
    }
  });

  it("/readyz is 503 naming redis when REDIS_URL is configured but unreachable, while /healthz stays 200", async () => {
    const gateway = await startGateway({
      config: loadConfig({ STRIPE_MAX_RETRIES: "0", REDIS_URL: "redis://127.0.0.1:1" }),
      logger: createLogger("silent"),
      stripeApiBase: stack.sandbox.url,
      port: 0,
    });
    try {
      const response = await fetch(`${gateway.url}/readyz`);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({
        status: "not_ready",
        checks: { stripe: "ok", redis: "unhealthy" },
        error: { code: "NOT_READY", message: expect.any(String) },
      });
      expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    } finally {
      await gateway.close();
    }
  });
});

describe("request ids", () => {
  it("echoes a valid x-request-id and logs it on the operation's line", async () => {
    const customer = await createCustomer(stack, 2, 1);
    const response = await fetch(`${stack.gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "trace-abc.123" },
      body: JSON.stringify({ query: "{ __typename }" }),
    });
    expect(response.headers.get("x-request-id")).toBe("trace-abc.123");
    await graphql(stack, DASHBOARD, {}, customer.id, { "x-request-id": "dash-req-42" });
    const line = logs.lines
      .map((text) => JSON.parse(text) as Record<string, unknown>)
      .find((entry) => entry.msg === "graphql operation" && entry.requestId === "dash-req-42");
    expect(line).toMatchObject({ operation: "Dashboard", type: "query" });
    expect(line?.stripeCalls).toBeGreaterThan(0);
    expect(typeof line?.durationMs).toBe("number");
  });

  it("generates a UUID when the header is missing or unsafe, on every route", async () => {
    const missing = await get("/healthz");
    expect(missing.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    const unsafe = await fetch(`${stack.gateway.url}/healthz`, {
      headers: { "x-request-id": "has spaces\tand tabs" },
    });
    expect(unsafe.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

/** The value of a sample line `name{labels} value` in Prometheus text, or undefined. */
/**
 * Waits until the gateway has acknowledged every event the sandbox sent it: customers created
 * through the sandbox send `financial_connections.account.created`, which the gateway receives
 * and ignores, so webhook counts are compared once those have arrived.
 */
async function sandboxEventsAcknowledged(): Promise<void> {
  await waitFor(async () => {
    const events = pick(await control(stack, "GET", "/_sandbox/events"), "data");
    const deliveries = Array.isArray(events) ? events.flatMap((e) => pick(e, "deliveries")) : [];
    return deliveries.every((delivery) => pick(delivery, "status") === "succeeded")
      ? true
      : undefined;
  }, "the sandbox's deliveries to the gateway");
}

function sample(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((entry) => entry.startsWith(`${name}${labels} `));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

describe("/metrics", () => {
  it("reports operations, errors, Stripe calls, loader batches and webhook outcomes after traffic", async () => {
    const customer = await createCustomer(stack, 3, 2);
    await sandboxEventsAcknowledged();
    // Cold: the first dashboard's authorizations are read from Stripe, in a loader batch.
    await stack.gateway.readModel.store.clear();
    // Counters are cumulative and earlier tests raised them: this test's traffic is the delta.
    const before = (await get("/metrics")).text;
    const delta = (text: string, name: string, labels: string) =>
      (sample(text, name, labels) ?? 0) - (sample(before, name, labels) ?? 0);

    for (let i = 0; i < 2; i++) await graphql(stack, DASHBOARD, {}, customer.id);
    const refused = await graphql(stack, DASHBOARD, {}, undefined, {
      authorization: "Bearer not-a-jwt",
    });
    expect(refused.status).toBe(401);
    await graphql(stack, '{ node(id: "fca_doesNotExist") { id } }', {}, customer.id);
    const account = { id: "fca_unknownForMetrics", object: "financial_connections.account" };
    const event = accountEvent("customer.created", account);
    expect((await deliverSigned(stack, event)).status).toBe(200);
    expect((await deliver(stack.gateway.url, event, "t=1,v1=bad")).status).toBe(400);

    const metrics = await get("/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get("content-type")).toContain("text/plain");
    const text = metrics.text;
    expect(
      delta(
        text,
        "fc_gateway_graphql_operations_total",
        '{type="query",name="Dashboard",transport="http"}',
      ),
    ).toBe(2);
    expect(
      delta(text, "fc_gateway_graphql_errors_total", '{code="UNAUTHENTICATED",transport="http"}'),
    ).toBe(1);
    expect(
      delta(text, "fc_gateway_graphql_errors_total", '{code="NOT_FOUND",transport="http"}'),
    ).toBe(1);
    // The first dashboard lists the customer's accounts at Stripe and loads its two
    // authorizations in one batch; the second may be answered from the read model in memory,
    // where a warm read is no batch (src/data/warm-reads.ts).
    expect(
      delta(
        text,
        "fc_gateway_stripe_calls_total",
        '{route="GET /v1/financial_connections/accounts",status="200"}',
      ),
    ).toBeGreaterThanOrEqual(1);
    expect(
      delta(text, "fc_gateway_dataloader_batch_size_count", '{loader="authorization"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(delta(text, "fc_gateway_webhook_events_total", '{outcome="ignored"}')).toBe(1);
    expect(delta(text, "fc_gateway_webhook_events_total", '{outcome="rejected"}')).toBe(1);
    expect(delta(text, "fc_gateway_webhook_events_received_total", "")).toBe(2);
    expect(sample(text, "fc_gateway_live_subscriptions", "")).toBe(0);
    expect(sample(text, "fc_gateway_websocket_sockets", "")).toBe(0);
    expect(sample(text, "fc_gateway_subscription_streams", "")).toBe(0);
    expect(sample(text, "fc_gateway_stripe_limiter_queued", "")).toBe(0);
    expect(text).toContain("fc_gateway_stripe_limiter_wait_seconds_bucket");
  });

  it("keeps each gateway's counts apart (a registry per gateway)", async () => {
    const other = await startGateway({
      config: loadConfig({ STRIPE_MAX_RETRIES: "0" }),
      logger: createLogger("silent"),
      stripeApiBase: stack.sandbox.url,
      port: 0,
    });
    try {
      const text = await (await fetch(`${other.url}/metrics`)).text();
      expect(text).toContain("fc_gateway_graphql_operations_total");
      expect(text).not.toContain('name="Dashboard"');
    } finally {
      await other.close();
    }
  });
});

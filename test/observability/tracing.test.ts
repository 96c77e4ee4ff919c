import { randomBytes, randomUUID } from "node:crypto";
import { SpanKind } from "@opentelemetry/api";
import { InMemorySpanExporter, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signToken } from "../../src/auth/sign-token.js";
import { SCRUBBED } from "../../src/observability/scrub-secrets.js";
import { startTracing, type Tracing } from "../../src/observability/tracing.js";
import { graphql, startStack, type TestStack } from "../support/gateway.js";
import { liveClient } from "../support/live.js";
import { coldCustomer } from "../support/read-model.js";
import { acknowledged, controlOf, ROUTES } from "../support/sandbox-control.js";
import { waitFor } from "../support/wait.js";
import { wsOperation } from "../support/ws-operation.js";

/** Explicit secrets (the sandbox accepts any sk_test_ key), so the test knows what to look for. */
const STRIPE_KEY = "sk_test_tracingScenarioKey4242";
const WEBHOOK_SECRET = "whsec_tracingScenarioSecret0001";
const JWT_SECRET = "a-tracing-scenario-jwt-secret-of-32-chars-or-more";

const DASHBOARD = /* GraphQL */ `
  query Dashboard($first: Int) {
    accounts(first: $first) { nodes { id status authorization { id status } } }
  }
`;
const ONE_ACCOUNT = "query One($id: ID!) { account(id: $id) { id status } }";
const CREATE = /* GraphQL */ `
  mutation CreateRelink($input: CreateRelinkSessionInput!) {
    createRelinkSession(input: $input) { clientSecret relinkSession { id } userErrors { code } }
  }
`;

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
let stack: TestStack;
/** Every secret and variable value the scenario used or was handed: no span may hold any. */
const forbidden = new Set<string>([STRIPE_KEY, WEBHOOK_SECRET, JWT_SECRET]);

beforeAll(async () => {
  tracing = await startTracing({
    settings: { enabled: true, exporters: [], serviceName: "tracing-test" },
    // None given: the scrubber's shapes stay on, and the test proves nothing needed blanking.
    knownSecrets: [],
    exporter,
    instrumentations: false,
  });
  stack = await startStack({
    env: {
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      AUTH_JWT_SECRET: JWT_SECRET,
      RATE_LIMIT_COST_PER_MINUTE: "100000000",
    },
  });
});
afterAll(async () => {
  await stack.close();
  await tracing.shutdown();
});

/** A bearer token for `customerId`, remembered as a secret. */
async function bearer(customerId: string): Promise<string> {
  const token = await signToken(stack.config.auth, { customerId });
  forbidden.add(token);
  return `Bearer ${token}`;
}

/** A fresh W3C trace context: its trace id, parent span id and `traceparent` header. */
function remoteParent() {
  const traceId = randomBytes(16).toString("hex");
  const spanId = randomBytes(8).toString("hex");
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

const spans = () => exporter.getFinishedSpans();
const inTrace = (traceId: string) => spans().filter((s) => s.spanContext().traceId === traceId);
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
const childrenOf = (parent: ReadableSpan, all: ReadableSpan[]) =>
  all.filter((span) => parentOf(span) === parent.spanContext().spanId);
/** True when `ancestor` is above `span` in `all`'s tree. */
function descends(span: ReadableSpan, ancestor: ReadableSpan, all: ReadableSpan[]): boolean {
  const byId = new Map(all.map((s) => [s.spanContext().spanId, s]));
  for (let at = parentOf(span); at !== undefined; at = parentOf(byId.get(at) as ReadableSpan)) {
    if (at === ancestor.spanContext().spanId) return true;
    if (!byId.has(at)) return false;
  }
  return false;
}
const named = (all: ReadableSpan[], name: string) => all.filter((span) => span.name === name);
const the = (all: ReadableSpan[], name: string) => {
  const found = named(all, name);
  expect(found, `one span named ${name}`).toHaveLength(1);
  return found[0] as ReadableSpan;
};

/** Posts `query` with `traceparent`, as `customerId`. */
async function tracedPost(
  query: string,
  variables: Record<string, unknown>,
  customerId: string,
  traceparent: string,
) {
  const response = await fetch(`${stack.gateway.url}/graphql`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: await bearer(customerId),
      traceparent,
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown[] };
}

describe("traces (OpenTelemetry, in-memory exporter)", () => {
  it("an HTTP operation's span continues the request's traceparent, with Stripe calls, loader batches and read-model lookups beneath it", async () => {
    const customer = await coldCustomer(stack, 3, 2);
    const parent = remoteParent();
    const answer = await tracedPost(DASHBOARD, { first: 50 }, customer.id, parent.traceparent);
    expect(answer.errors).toBeUndefined();

    const all = await waitFor(() => {
      const found = inTrace(parent.traceId);
      return found.some((span) => span.name === "operation query Dashboard") ? found : undefined;
    }, "the operation's span");
    const operation = the(all, "operation query Dashboard");
    expect(parentOf(operation)).toBe(parent.spanId);
    expect(operation.kind).toBe(SpanKind.SERVER);
    expect(operation.attributes).toMatchObject({
      "graphql.operation.name": "Dashboard",
      "graphql.operation.type": "query",
      "gateway.transport": "http",
    });
    expect(operation.attributes["gateway.cost.requested"]).toBeGreaterThan(0);
    expect(operation.attributes["gateway.stripe_calls"]).toBeGreaterThan(0);
    expect(operation.attributes["gateway.error_codes"]).toBeUndefined();

    // The cold list: a read-model miss, then Stripe's list under it.
    const lookups = named(all, "read_model lookup");
    const accountsLookup = lookups.find((s) => s.attributes["read_model.kind"] === "accounts");
    expect(accountsLookup?.attributes["read_model.outcome"]).toBe("miss");
    expect(descends(accountsLookup as ReadableSpan, operation, all)).toBe(true);

    const listCall = the(all, "stripe GET /v1/financial_connections/accounts");
    const [listRequest, ...more] = childrenOf(listCall, all);
    expect(more).toEqual([]);
    expect(descends(listCall, operation, all)).toBe(true);
    expect(listCall.attributes).toMatchObject({
      "stripe.route": "GET /v1/financial_connections/accounts",
      "stripe.status": "200",
      "stripe.retries": 0,
    });
    expect(listCall.attributes["stripe.limiter.wait_ms"]).toBeGreaterThanOrEqual(0);
    // Each HTTP request is a client span of its own: status and Stripe's request id.
    expect(listRequest?.kind).toBe(SpanKind.CLIENT);
    expect(listRequest?.attributes).toMatchObject({
      "stripe.route": "GET /v1/financial_connections/accounts",
      "http.request.method": "GET",
      "http.response.status_code": 200,
      "stripe.attempt": 1,
    });
    expect(listRequest?.attributes["stripe.request_id"]).toMatch(/^req_\w+$/);
    expect(listCall.attributes["stripe.request_id"]).toBe(
      listRequest?.attributes["stripe.request_id"],
    );

    // The authorizations: one loader batch (two distinct ids), each looked up, then fetched.
    const batch = the(all, "dataloader authorization");
    expect(batch.attributes).toMatchObject({
      "dataloader.name": "authorization",
      "dataloader.batch_size": 2,
    });
    expect(descends(batch, operation, all)).toBe(true);
    const retrieves = named(
      all,
      "stripe GET /v1/financial_connections/authorizations/{authorization}",
    );
    expect(retrieves).toHaveLength(2);
    for (const retrieve of retrieves) {
      expect(descends(retrieve, batch, all)).toBe(true);
      expect(retrieve.attributes["stripe.status"]).toBe("200");
    }
    const authLookups = lookups.filter((s) => s.attributes["read_model.kind"] === "authorization");
    expect(authLookups.map((s) => s.attributes["read_model.outcome"])).toEqual(["miss", "miss"]);
  });

  it("a warm read is a read-model hit with no Stripe span; a stale one is served and revalidated", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    await graphql(stack, DASHBOARD, { first: 10 }, customer.id);

    const warm = remoteParent();
    await tracedPost(DASHBOARD, { first: 10 }, customer.id, warm.traceparent);
    const warmSpans = await waitFor(() => {
      const found = inTrace(warm.traceId);
      return found.some((s) => s.name === "operation query Dashboard") ? found : undefined;
    }, "the warm operation's span");
    const warmLookup = named(warmSpans, "read_model lookup").find(
      (s) => s.attributes["read_model.kind"] === "accounts",
    );
    expect(warmLookup?.attributes["read_model.outcome"]).toBe("hit");
    expect(warmSpans.filter((s) => s.name.startsWith("stripe "))).toEqual([]);
    // The warm authorization is served at once from memory (src/data/warm-reads.ts): its lookup
    // is a hit under the operation, and no loader batch runs.
    const warmOperation = the(warmSpans, "operation query Dashboard");
    const warmAuthLookups = named(warmSpans, "read_model lookup").filter(
      (s) => s.attributes["read_model.kind"] === "authorization",
    );
    expect(warmAuthLookups.map((s) => s.attributes["read_model.outcome"])).toEqual(["hit"]);
    expect(descends(warmAuthLookups[0] as ReadableSpan, warmOperation, warmSpans)).toBe(true);
    expect(named(warmSpans, "dataloader authorization")).toEqual([]);

    // The stored list made an hour old: served, marked as revalidating, revalidated in a span.
    const store = stack.gateway.readModel.store;
    const stored = (await store.accounts(customer.id)) ?? [];
    await store.clear();
    await store.putAccounts(
      customer.id,
      stored.map((entry) => entry.object),
      Date.now() - 3_600_000,
    );
    const stale = remoteParent();
    await tracedPost(DASHBOARD, { first: 10 }, customer.id, stale.traceparent);
    const staleSpans = await waitFor(() => {
      const found = inTrace(stale.traceId);
      return found.some((s) => s.name === "read_model revalidate") &&
        found.some((s) => s.name === "operation query Dashboard")
        ? found
        : undefined;
    }, "the stale operation's and its revalidation's spans");
    const staleLookup = named(staleSpans, "read_model lookup").find(
      (s) => s.attributes["read_model.kind"] === "accounts",
    ) as ReadableSpan;
    expect(staleLookup.attributes).toMatchObject({
      "read_model.outcome": "stale",
      "read_model.revalidation": true,
    });
    expect(staleLookup.events.map((event) => event.name)).toContain("read_model.revalidation");
    const revalidation = the(staleSpans, "read_model revalidate");
    expect(revalidation.attributes["read_model.kind"]).toBe("accounts");
    expect(
      named(staleSpans, "stripe GET /v1/financial_connections/accounts").some((call) =>
        descends(call, revalidation, staleSpans),
      ),
    ).toBe(true);
  });

  it("a Stripe call retried after a 429 shows its retry, and one request span per attempt", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    await controlOf(stack).fault({ status: 429, count: 1, route: ROUTES.listAccounts });
    const parent = remoteParent();
    const answer = await tracedPost(DASHBOARD, { first: 5 }, customer.id, parent.traceparent);
    expect(answer.errors).toBeUndefined();
    const all = await waitFor(() => {
      const found = inTrace(parent.traceId);
      return found.some((s) => s.name === "operation query Dashboard") ? found : undefined;
    }, "the operation's span");
    const call = the(all, `stripe ${ROUTES.listAccounts}`);
    expect(call.attributes).toMatchObject({ "stripe.status": "200", "stripe.retries": 1 });
    const attempts = childrenOf(call, all).sort(
      (a, b) => Number(a.attributes["stripe.attempt"]) - Number(b.attributes["stripe.attempt"]),
    );
    expect(
      attempts.map((s) => [
        s.attributes["stripe.attempt"],
        s.attributes["http.response.status_code"],
      ]),
    ).toEqual([
      [1, 429],
      [2, 200],
    ]);
    expect(attempts[0]?.status.code).toBe(2);
    expect(call.attributes["stripe.request_id"]).toBe(attempts[1]?.attributes["stripe.request_id"]);
  });

  it("a failed operation records its error codes and an error status", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const parent = remoteParent();
    const missing = `fca_tracingMissing${randomUUID().replaceAll("-", "")}`;
    forbidden.add(missing);
    const answer = await tracedPost(ONE_ACCOUNT, { id: missing }, customer.id, parent.traceparent);
    expect(answer.errors).toBeDefined();
    const operation = await waitFor(
      () => inTrace(parent.traceId).find((s) => s.name === "operation query One"),
      "the failed operation's span",
    );
    expect(operation.attributes["gateway.error_codes"]).toEqual(["NOT_FOUND"]);
    expect(operation.status.code).toBe(2);
  });

  it("a WebSocket operation's span continues connectionParams.traceparent", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const parent = remoteParent();
    const token = await bearer(customer.id);
    const client = await liveClient(stack, customer.id, {
      authorization: token,
      traceparent: parent.traceparent,
    });
    try {
      const outcome = await wsOperation(client, DASHBOARD, { first: 5 });
      expect(outcome.errors).toBeUndefined();
    } finally {
      await client.dispose();
    }
    const all = await waitFor(() => {
      const found = inTrace(parent.traceId);
      return found.some((s) => s.name === "operation query Dashboard") ? found : undefined;
    }, "the WebSocket operation's span");
    const operation = the(all, "operation query Dashboard");
    expect(parentOf(operation)).toBe(parent.spanId);
    expect(operation.attributes["gateway.transport"]).toBe("ws");
    // The socket's connection_init, authenticated in the same trace, is no operation.
    expect(named(all, "websocket connection_init").map(parentOf)).toEqual([parent.spanId]);
    expect(
      named(all, "stripe GET /v1/financial_connections/accounts").every((call) =>
        descends(call, operation, all),
      ),
    ).toBe(true);
  });

  it("an operation over Server-Sent Events or multipart HTTP continues the request's traceparent", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const overSse = remoteParent();
    const sse = await fetch(`${stack.gateway.url}/graphql/stream`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "text/event-stream",
        authorization: await bearer(customer.id),
        traceparent: overSse.traceparent,
      },
      body: JSON.stringify({ query: DASHBOARD, variables: { first: 5 } }),
    });
    expect(sse.status).toBe(200);
    expect(await sse.text()).toContain("event: complete");
    const sseSpans = await waitFor(() => {
      const found = inTrace(overSse.traceId);
      return found.some((s) => s.name === "operation query Dashboard") ? found : undefined;
    }, "the SSE operation's span");
    const sseOperation = the(sseSpans, "operation query Dashboard");
    expect(parentOf(sseOperation)).toBe(overSse.spanId);
    expect(sseOperation.attributes["gateway.transport"]).toBe("sse");

    // A multipart subscription, left by its client once the stream is open.
    const overMultipart = remoteParent();
    const leave = new AbortController();
    const multipart = await fetch(`${stack.gateway.url}/graphql`, {
      method: "POST",
      signal: leave.signal,
      headers: {
        "content-type": "application/json",
        accept: 'multipart/mixed;subscriptionSpec="1.0"',
        authorization: await bearer(customer.id),
        traceparent: overMultipart.traceparent,
      },
      body: JSON.stringify({ query: "subscription Gone { accountDeactivated { eventId } }" }),
    });
    expect(multipart.status).toBe(200);
    leave.abort();
    const multipartSpans = await waitFor(() => {
      const found = inTrace(overMultipart.traceId);
      return found.some((s) => s.name === "operation subscription Gone") ? found : undefined;
    }, "the multipart operation's span");
    const multipartOperation = the(multipartSpans, "operation subscription Gone");
    expect(parentOf(multipartOperation)).toBe(overMultipart.spanId);
    expect(multipartOperation.attributes["gateway.transport"]).toBe("multipart");
  });

  it("on a socket, a subscribe message's extensions.traceparent wins over the upgrade request's header", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const upgrade = remoteParent();
    const message = remoteParent();
    // A WebSocket whose upgrade request carries `traceparent`, as a browser's cannot but a server's can.
    class TracedWebSocket extends WebSocket {
      constructor(address: string, protocols?: string | string[]) {
        super(address, protocols, { headers: { traceparent: upgrade.traceparent } });
      }
    }
    const client = createClient({
      url: `${stack.gateway.url.replace("http", "ws")}/graphql`,
      webSocketImpl: TracedWebSocket,
      connectionParams: { authorization: await bearer(customer.id) },
      retryAttempts: 0,
      lazy: true,
    });
    const run = (extensions?: Record<string, unknown>) =>
      new Promise<void>((resolve, reject) => {
        client.subscribe(
          { query: DASHBOARD, variables: { first: 5 }, ...(extensions ? { extensions } : {}) },
          { next: () => {}, error: reject, complete: resolve },
        );
      });
    try {
      await run();
      await run({ traceparent: message.traceparent });
    } finally {
      await client.dispose();
    }
    for (const parent of [upgrade, message]) {
      const operation = await waitFor(
        () => inTrace(parent.traceId).find((s) => s.name === "operation query Dashboard"),
        "the socket operation's span",
      );
      expect(parentOf(operation)).toBe(parent.spanId);
      expect(operation.attributes["gateway.transport"]).toBe("ws");
    }
  });

  it("a webhook delivery is an intake span with the event type and outcome, over its Stripe calls", async () => {
    const customer = await coldCustomer(stack, 1, 1);
    const [accountId] = customer.accounts as [string];
    const { events } = await controlOf(stack).account(accountId, "deactivate");
    const [eventId] = events as [string];
    await acknowledged(stack, eventId);
    const intake = await waitFor(
      () =>
        spans().find(
          (s) => s.name === "webhook intake" && s.attributes["stripe.event.id"] === eventId,
        ),
      "the delivery's intake span",
    );
    expect(intake.attributes).toMatchObject({
      "stripe.event.type": "financial_connections.account.deactivated",
      "http.response.status_code": 200,
    });
    expect(intake.attributes["webhook.outcome"]).toEqual(expect.any(String));
    // The intake publishes at once and re-reads the authorization in the background, after the
    // acknowledgement (issue 23 section 0): that call is the intake's, in its trace, once it ends.
    await stack.gateway.readModel.rereads.idle();
    const all = inTrace(intake.spanContext().traceId);
    const calls = all.filter((s) => s.name.startsWith("stripe ") && s.kind !== SpanKind.CLIENT);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(descends(call, intake, all)).toBe(true);
  });

  it("no attribute, event or name of any span holds a secret, a token, a client secret or a variable", async () => {
    const customer = await coldCustomer(stack, 2, 1);
    const [accountId] = customer.accounts as [string];
    const marker = randomUUID();
    const input = {
      accountId,
      permissions: ["BALANCES"],
      returnUrl: `https://example.com/return?marker=${marker}`,
      idempotencyKey: `tracing-variable-${marker}`,
    };
    forbidden.add(marker);
    forbidden.add(input.idempotencyKey);
    const parent = remoteParent();
    const answer = (await tracedPost(CREATE, { input }, customer.id, parent.traceparent)) as {
      data?: { createRelinkSession?: { clientSecret?: string } };
    };
    const clientSecret = answer.data?.createRelinkSession?.clientSecret;
    expect(clientSecret).toMatch(/_secret_/);
    forbidden.add(clientSecret as string);
    await waitFor(
      () => inTrace(parent.traceId).find((s) => s.name === "operation mutation CreateRelink"),
      "the mutation's span",
    );

    const all = spans();
    expect(all.length).toBeGreaterThan(20);
    const texts = all.flatMap((span) => [
      span.name,
      ...Object.entries(span.attributes).map(([key, value]) => `${key}=${String(value)}`),
      ...span.events.flatMap((event) => [
        event.name,
        ...Object.entries(event.attributes ?? {}).map(([key, value]) => `${key}=${String(value)}`),
      ]),
      span.status.message ?? "",
    ]);
    const leaks = texts.filter((text) => [...forbidden].some((secret) => text.includes(secret)));
    expect(leaks).toEqual([]);
    // Nothing had to be blanked either: the gateway's spans never recorded a secret's shape.
    expect(texts.filter((text) => text.includes(SCRUBBED))).toEqual([]);
    // Not even an account id or a query string: routes are templates.
    expect(texts.filter((text) => text.includes(accountId) || text.includes("?"))).toEqual([]);
  });
});

import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROUTE_HANDLERS } from "../../../src/sandbox/routes/index.js";
import { type SandboxHandle, startSandbox } from "../../../src/sandbox/server.js";
import { specOperations } from "../../../src/sandbox/spec/openapi.js";
import { SEED_IDS } from "../../../src/sandbox/state/seed.js";
import { PREVIEW_API_VERSION } from "../../../src/shared/sandbox-defaults.js";
import { waitFor } from "../../support/wait.js";

const SECRET = "whsec_internalSuite01";
const KEY = "sk_test_internal01";

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
}

let sandbox: SandboxHandle;
let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
/** The receiver fails the first delivery of each event, to exercise retries. */
const seenIds = new Set<string>();

async function control(method: string, path: string, body?: unknown) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

async function v1(
  method: string,
  path: string,
  init: { body?: string; headers?: Record<string, string> } = {},
) {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${KEY}`,
      "content-type": "application/x-www-form-urlencoded",
      ...init.headers,
    },
    body: init.body,
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const id = String((JSON.parse(body) as { id: string }).id);
      const first = !seenIds.has(id);
      seenIds.add(id);
      received.push({ body, headers: request.headers });
      response.writeHead(first ? 500 : 200).end();
    });
  });
  receiver.listen(0, "127.0.0.1");
  await once(receiver, "listening");
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  sandbox = await startSandbox({
    port: 0,
    webhookSecret: SECRET,
    webhookRetry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 },
  });
  sandbox.setWebhookUrls([receiverUrl]);
});

afterAll(async () => {
  await sandbox.close();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

describe("the sandbox server", () => {
  it("has a handler for every operation of the spec and nothing else", () => {
    expect(Object.keys(ROUTE_HANDLERS).sort()).toEqual(
      specOperations()
        .map((op) => op.operationId)
        .sort(),
    );
  });

  it("delivers signed events and retries a failed delivery", async () => {
    const result = await control(
      "POST",
      `/_sandbox/accounts/${SEED_IDS.accounts.bobChecking}/upcoming_deactivation`,
      {},
    );
    expect(result.status).toBe(200);
    const [eventId] = result.json.events as string[];
    const deliveries = await waitFor(() => {
      const mine = received.filter((delivery) => delivery.body.includes(`"${eventId}"`));
      return mine.length >= 2 ? mine : undefined;
    }, "two delivery attempts");
    const stripe = new Stripe(KEY);
    const last = deliveries[deliveries.length - 1] as Received;
    const event = stripe.webhooks.constructEvent(
      last.body,
      String(last.headers["stripe-signature"]),
      SECRET,
    );
    expect(event.type).toBe("financial_connections.account.upcoming_deactivation");
    // The account's event is followed by its authorization's: ask for the account's type. The
    // receiver records an attempt before answering it: the sandbox's record is final once it saw
    // the answer to the second one.
    const mine = `/_sandbox/events?type=${event.type}&limit=1`;
    const logged = await waitFor(async () => {
      const listed = await control("GET", mine);
      const [latest] = listed.json.data as { deliveries: { status: string }[] }[];
      return latest?.deliveries.every((delivery) => delivery.status !== "pending")
        ? latest
        : undefined;
    }, "the sandbox to record the delivery's outcome");
    expect(logged).toMatchObject({
      id: eventId,
      deliveries: [{ url: receiverUrl, status: "succeeded", attempts: 2 }],
    });
  });

  it("creates customers with N accounts spread round-robin over M authorizations", async () => {
    const { json } = await control("POST", "/_sandbox/customers", {
      name: "Dora",
      accounts: 5,
      authorizations: 2,
    });
    expect(json.accounts).toHaveLength(5);
    expect(json.authorizations).toHaveLength(2);
    const stripe = new Stripe(KEY, {
      host: "127.0.0.1",
      port: sandbox.port,
      protocol: "http",
      apiVersion: PREVIEW_API_VERSION as Stripe.LatestApiVersion,
    });
    const list = await stripe.financialConnections.accounts.list({
      account_holder: { customer: String(json.id) },
      limit: 100,
    });
    expect(list.data).toHaveLength(5);
    const perAuthorization = new Map<string, number>();
    for (const account of list.data as unknown as { authorization: string }[]) {
      perAuthorization.set(
        account.authorization,
        (perAuthorization.get(account.authorization) ?? 0) + 1,
      );
    }
    expect([...perAuthorization.values()].sort()).toEqual([2, 3]);
  });

  it("answers control mistakes with 400 or 404 and changes nothing", async () => {
    expect((await control("POST", "/_sandbox/accounts/fca_nope/deactivate", {})).status).toBe(404);
    const bad = await control(
      "POST",
      `/_sandbox/accounts/${SEED_IDS.accounts.bobSavings}/deactivate`,
      { cause: "meteor" },
    );
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { type: "invalid_request_error", param: "cause" } });
    expect((await control("POST", "/_sandbox/faults", { count: 1, status: 42 })).status).toBe(400);
    expect(
      (await control("POST", "/_sandbox/faults", { count: 1, status: 500, route: "GET /nope" }))
        .status,
    ).toBe(400);
    expect(
      (await control("POST", "/_sandbox/sessions/fcsess_nope/complete", { outcome: "relinked" }))
        .status,
    ).toBe(404);
  });

  it("counts /v1 requests per route template, including failed ones, and resets", async () => {
    await control("DELETE", "/_sandbox/requests");
    await v1("GET", `/v1/financial_connections/accounts/${SEED_IDS.accounts.aliceChecking}`);
    await v1("GET", "/v1/financial_connections/accounts/fca_missing");
    await v1("GET", "/v1/nothing");
    const { json } = await control("GET", "/_sandbox/requests");
    expect(json).toEqual({
      total: 3,
      routes: { "GET /v1/financial_connections/accounts/{account}": 2, "GET (unrecognized)": 1 },
    });
  });

  it("injects faults on the matching route only, then recovers", async () => {
    const route = "GET /v1/financial_connections/institutions";
    expect(
      (await control("POST", "/_sandbox/faults", { count: 1, status: 429, route })).status,
    ).toBe(200);
    const other = await v1(
      "GET",
      `/v1/financial_connections/accounts/${SEED_IDS.accounts.aliceChecking}`,
    );
    expect(other.status).toBe(200);
    const limited = await v1("GET", "/v1/financial_connections/institutions");
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({
      error: { type: "invalid_request_error", code: "rate_limit" },
    });
    expect((await v1("GET", "/v1/financial_connections/institutions")).status).toBe(200);
  });

  it("speaks Stripe's HTTP conventions: request ids, version echo, Basic auth, unknown URLs", async () => {
    const basic = Buffer.from(`${KEY}:`).toString("base64");
    const ok = await v1("GET", "/v1/financial_connections/institutions?limit=2", {
      headers: { authorization: `Basic ${basic}`, "stripe-version": "2026-01-28.preview" },
    });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("request-id")).toMatch(/^req_[A-Za-z0-9]{14}$/);
    expect(ok.headers.get("stripe-version")).toBe("2026-01-28.preview");
    expect(ok.json).toMatchObject({
      object: "list",
      has_more: true,
      url: "/v1/financial_connections/institutions",
    });
    const unknown = await v1("GET", "/v1/financial_connections/nope");
    expect(unknown.status).toBe(404);
    expect(String((unknown.json.error as { message: string }).message)).toContain(
      "Unrecognized request URL (GET: /v1/financial_connections/nope)",
    );
    const rejected = await v1("GET", "/v1/financial_connections/institutions", {
      headers: { authorization: "Bearer sk_test_secretValue1234567890" },
    });
    expect(rejected.status).toBe(200);
    const refused = await v1("GET", "/v1/financial_connections/institutions", {
      headers: { authorization: "Bearer sk_test_has-dash_secretValue99" },
    });
    expect(refused.status).toBe(401);
    expect(JSON.stringify(refused.json)).not.toContain("secretValue99");
  });

  it("replays an idempotent POST and refuses the key with other parameters", async () => {
    const path = "/v1/financial_connections/sessions";
    const headers = { "idempotency-key": "internal-key-1" };
    const body = `account_holder[type]=customer&account_holder[customer]=${SEED_IDS.customers.bob}&permissions[]=balances`;
    const first = await v1("POST", path, { body, headers });
    const second = await v1("POST", path, { body, headers });
    expect(second.json.id).toBe(first.json.id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    const conflict = await v1("POST", path, { body: `${body}&permissions[]=ownership`, headers });
    expect(conflict.status).toBe(400);
    expect(conflict.json).toMatchObject({ error: { type: "idempotency_error" } });
  });

  it("completes a relink session through the control API with reactivated and session events", async () => {
    const created = await v1("POST", "/v1/financial_connections/sessions", {
      body: `permissions[]=balances&relink_options[authorization]=${SEED_IDS.authorizations.bobOAuthBank}`,
    });
    expect(created.json).toMatchObject({
      status: "pending",
      relink_options: { authorization: SEED_IDS.authorizations.bobOAuthBank, account: null },
    });
    const done = await control("POST", `/_sandbox/sessions/${String(created.json.id)}/complete`, {
      outcome: "relinked",
    });
    expect(done.status).toBe(200);
    // One reactivated event for the repaired account, then the session's own update.
    expect(done.json.events).toHaveLength(2);
    const types = await control("GET", "/_sandbox/events?limit=2");
    expect((types.json.data as { type: string }[]).map((event) => event.type)).toEqual([
      "financial_connections.session.updated",
      "financial_connections.account.reactivated",
    ]);
    const read = await v1("GET", `/v1/financial_connections/sessions/${String(created.json.id)}`);
    expect(read.json).toMatchObject({
      status: "succeeded",
      relink_result: {
        authorization: SEED_IDS.authorizations.bobOAuthBank,
        account: null,
        failure_reason: null,
      },
    });
  });

  it("completes API refreshes shortly after, with a refreshed event", async () => {
    const id = SEED_IDS.accounts.aliceMortgage;
    const started = await v1("POST", `/v1/financial_connections/accounts/${id}/refresh`, {
      body: "features[]=balance",
    });
    expect(started.json).toMatchObject({ balance_refresh: { status: "pending" } });
    // The refresh finishes on the sandbox's own timer and emits `refreshed_balance`.
    const event = await waitFor(async () => {
      const events = await control(
        "GET",
        "/_sandbox/events?type=financial_connections.account.refreshed_balance",
      );
      return (events.json.data as { data: { object: { id: string } } }[]).find(
        (logged) => logged.data.object.id === id,
      );
    }, "the refreshed_balance event");
    expect(event.data.object.id).toBe(id);
    const read = await v1("GET", `/v1/financial_connections/accounts/${id}`);
    expect(read.json).toMatchObject({ balance_refresh: { status: "succeeded" } });
  });

  it("refuses to refresh an inactive account", async () => {
    const refused = await v1(
      "POST",
      `/v1/financial_connections/accounts/${SEED_IDS.accounts.aliceClosed}/refresh`,
      {
        body: "features[]=balance",
      },
    );
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ error: { type: "invalid_request_error" } });
  });
});

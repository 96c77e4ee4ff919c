/**
 * Test harness for the Stripe FC sandbox: a sandbox on port 0, a local webhook receiver, a
 * recording proxy between the real `stripe` SDK and the sandbox (so every raw `/v1` response the
 * SDK sees can be validated against the OpenAPI description), and a typed control-API client.
 */
import { once } from "node:events";
import { createServer, type IncomingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import qs from "qs";
import Stripe from "stripe";
import { afterAll, afterEach, beforeAll } from "vitest";
import { z } from "zod";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "../../src/sandbox/server.js";
import { PREVIEW_API_VERSION } from "../../src/shared/sandbox-defaults.js";
import { assertValid, matchTemplate, validateEvent, validateResponse } from "./openapi.js";

/** A key the sandbox accepts (any `sk_test_` + letters/digits). */
export const TEST_KEY = "sk_test_contractSuite0001";
/** The webhook signing secret the harness configures. */
export const WEBHOOK_SECRET = "whsec_contractSuiteSecret0001";

/** Narrows unknown JSON to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads `value[k1][k2]...`, undefined as soon as a step is not an object. */
export function pick(value: unknown, ...keys: string[]): unknown {
  let current = value;
  for (const key of keys) current = isRecord(current) ? current[key] : undefined;
  return current;
}

/** The `data` array of a Stripe list object; throws when `value` is not one. */
export function listData(value: unknown): unknown[] {
  const data = pick(value, "data");
  if (pick(value, "object") !== "list" || !Array.isArray(data)) {
    throw new Error(`not a Stripe list: ${JSON.stringify(value)?.slice(0, 200)}`);
  }
  return data;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

async function shutdown(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}

function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

/** One webhook POST as received: raw bytes (as UTF-8) and headers, untouched. */
export interface Delivery {
  rawBody: string;
  headers: IncomingHttpHeaders;
  receivedAt: number;
  answeredStatus: number;
}

/** A node:http webhook endpoint on port 0 that records every delivery. */
export interface WebhookReceiver {
  url: string;
  deliveries: Delivery[];
  /** Status to answer for each delivery; defaults to 200. */
  respond: (fn: (delivery: Omit<Delivery, "answeredStatus">) => number) => void;
  close: () => Promise<void>;
}

/** Starts a webhook receiver that answers 200 (or what `respond` decides) and records all. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  let decide: (delivery: Omit<Delivery, "answeredStatus">) => number = () => 200;
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const received = {
        rawBody: body.toString("utf8"),
        headers: req.headers,
        receivedAt: Date.now(),
      };
      const status = decide(received);
      deliveries.push({ ...received, answeredStatus: status });
      res.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
  });
  const port = await listen(server);
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    deliveries,
    respond: (fn) => {
      decide = fn;
    },
    close: () => shutdown(server),
  };
}

/** One request/response pair seen by the recording proxy; `status` undefined = dropped. */
export interface Exchange {
  method: string;
  path: string;
  requestHeaders: IncomingHttpHeaders;
  requestBody: string;
  status?: number;
  headers: IncomingHttpHeaders;
  body: string;
  elapsedMs: number;
}

/** An HTTP proxy on port 0 in front of `target` that records every exchange verbatim. */
export interface RecordingProxy {
  port: number;
  exchanges: Exchange[];
  close: () => Promise<void>;
}

/**
 * Rewrites one upstream answer on its way to the client: returns the body to send instead, or
 * undefined to pass it unchanged. The exchange is recorded as the upstream sent it.
 */
export type ResponseRewrite = (exchange: Exchange) => string | undefined;

/**
 * Starts the recording proxy. A connection the upstream drops is dropped towards the client too,
 * so the SDK sees the same connection error it would see without the proxy. `rewrite` lets a test
 * hand the client an answer the upstream would not give (a response shape Stripe might send).
 */
export async function startRecordingProxy(
  target: string,
  rewrite: ResponseRewrite = () => undefined,
): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const server = createServer((req, res) => {
    const started = Date.now();
    void readBody(req).then((requestBody) => {
      const base = {
        method: req.method ?? "GET",
        path: req.url ?? "/",
        requestHeaders: req.headers,
        requestBody: requestBody.toString("utf8"),
      };
      let settled = false;
      const drop = (): void => {
        if (settled) return;
        settled = true;
        exchanges.push({ ...base, headers: {}, body: "", elapsedMs: Date.now() - started });
        res.destroy();
      };
      const forward = request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: base.method,
          path: base.path,
          headers: { ...req.headers, host: upstream.host },
          agent: false,
        },
        (up) => {
          up.on("error", drop);
          void readBody(up).then((body) => {
            if (settled) return;
            settled = true;
            const status = up.statusCode ?? 0;
            const exchange: Exchange = {
              ...base,
              status,
              headers: up.headers,
              body: body.toString("utf8"),
              elapsedMs: Date.now() - started,
            };
            exchanges.push(exchange);
            const rewritten = rewrite(exchange);
            const sent = rewritten === undefined ? body : Buffer.from(rewritten, "utf8");
            const headers = { ...up.headers };
            delete headers["transfer-encoding"];
            delete headers.connection;
            headers["content-length"] = String(sent.length);
            res.writeHead(status, headers).end(sent);
          }, drop);
        },
      );
      forward.on("error", drop);
      forward.end(requestBody);
    });
  });
  const port = await listen(server);
  return { port, exchanges, close: () => shutdown(server) };
}

/** A `stripe` SDK client speaking plain HTTP to `port` on 127.0.0.1, no retries. */
export function stripeClient(port: number, key: string = TEST_KEY, timeoutMs = 5_000): Stripe {
  return new Stripe(key, {
    host: "127.0.0.1",
    port,
    protocol: "http",
    apiVersion: PREVIEW_API_VERSION as Stripe.LatestApiVersion,
    maxNetworkRetries: 0,
    timeout: timeoutMs,
  });
}

/**
 * `stripe.rawRequest` for any method: stripe-node only sends params in POST bodies, so GET
 * params are encoded into the query string the way Stripe expects (`a[b]=c`, `a[0]=x`).
 * Resolves with the parsed JSON body; rejects with the SDK's typed errors.
 */
export async function rawRequest(
  stripe: Stripe,
  method: "GET" | "POST" | "DELETE",
  path: string,
  params: Record<string, unknown> = {},
): Promise<unknown> {
  if (method === "POST") return (await stripe.rawRequest(method, path, params)) as unknown;
  const query = qs.stringify(params, { arrayFormat: "indices", encodeValuesOnly: true });
  return (await stripe.rawRequest(method, query ? `${path}?${query}` : path)) as unknown;
}

const customerSchema = z.object({
  id: z.string(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  accounts: z.array(z.string()),
  authorizations: z.array(z.string()),
  /** Ids of the `account.created` events its creation sent (creation answers only). */
  events: z.array(z.string()).optional(),
});
/** A sandbox customer as the control API describes it. */
export type SandboxCustomer = z.infer<typeof customerSchema>;
const customerListSchema = z.object({ object: z.literal("list"), data: z.array(customerSchema) });
const controlResultSchema = z.looseObject({ events: z.array(z.string()) });
/** Answer of a lifecycle control call: the changed object(s) and the ids of events sent. */
export type ControlResult = z.infer<typeof controlResultSchema>;
const requestCountsSchema = z.object({
  total: z.number(),
  routes: z.record(z.string(), z.number()),
});
/** `/_sandbox/requests`: total and per "METHOD /v1/template" counts. */
export type RequestCounts = z.infer<typeof requestCountsSchema>;

const webhookSettingsSchema = z.object({
  mode: z.enum(["deliver", "drop"]),
  urls: z.array(z.string()),
});
/** `/_sandbox/webhooks`: whether events are delivered or dropped, and where they go. */
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

/** Lifecycle actions on an account, as the control API names them. */
export type AccountAction = "deactivate" | "reactivate" | "disconnect" | "upcoming_deactivation";
/** End-user outcomes of a relink session. */
export type RelinkOutcome =
  | "relinked"
  | "new_authorization"
  | "no_account"
  | "no_authorization"
  | "other";
/** A fault to inject; `route` is a key as in `/_sandbox/requests` (omitted: any /v1). */
export interface FaultSpec {
  status?: number;
  count: number;
  delay_ms?: number;
  route?: string;
  drop?: boolean;
  /** The answered error's `type`, `code` and `param` (they need a `status`). */
  type?: "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";
  code?: string;
  param?: string;
}

/** Typed client of the sandbox control API (`/_sandbox/*`); throws on any non-2xx answer. */
export class ControlApi {
  constructor(private readonly baseUrl: string) {}

  /** Sends one JSON call and returns the parsed JSON answer. */
  async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
    return text === "" ? undefined : JSON.parse(text);
  }

  /** All customers with their account and authorization ids. */
  async customers(): Promise<SandboxCustomer[]> {
    return customerListSchema.parse(await this.call("GET", "/_sandbox/customers")).data;
  }

  /** Creates a customer with `accounts` active accounts over `authorizations` authorizations. */
  async createCustomer(body: { name?: string; accounts?: number; authorizations?: number }) {
    return customerSchema.parse(await this.call("POST", "/_sandbox/customers", body));
  }

  /** Runs a lifecycle action on an account; the answer lists the event ids it sent. */
  async account(id: string, action: AccountAction, body: Record<string, unknown> = {}) {
    return controlResultSchema.parse(
      await this.call("POST", `/_sandbox/accounts/${id}/${action}`, body),
    );
  }

  /** Finishes a relink session as the end user would. */
  async completeSession(id: string, outcome: RelinkOutcome): Promise<ControlResult> {
    const answer = await this.call("POST", `/_sandbox/sessions/${id}/complete`, { outcome });
    return controlResultSchema.parse(answer);
  }

  /** Request counts since the last reset. */
  async requests(): Promise<RequestCounts> {
    return requestCountsSchema.parse(await this.call("GET", "/_sandbox/requests"));
  }

  /** Resets the request counts. */
  async resetRequests(): Promise<void> {
    await this.call("DELETE", "/_sandbox/requests");
  }

  /** Arms a fault for the next `count` matching `/v1` requests. */
  async fault(spec: FaultSpec): Promise<void> {
    await this.call("POST", "/_sandbox/faults", spec);
  }

  /** Disarms every fault. */
  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/_sandbox/faults");
  }

  /** Delivers (`deliver`) or drops (`drop`: missed webhooks) the events emitted from now on. */
  async setWebhookMode(mode: "deliver" | "drop"): Promise<WebhookSettings> {
    return webhookSettingsSchema.parse(await this.call("POST", "/_sandbox/webhooks", { mode }));
  }

  /** The current delivery mode and webhook URLs. */
  async webhookSettings(): Promise<WebhookSettings> {
    return webhookSettingsSchema.parse(await this.call("GET", "/_sandbox/webhooks"));
  }

  /** Every event the sandbox has created, as Stripe event objects. */
  async events(): Promise<unknown[]> {
    const answer = await this.call("GET", "/_sandbox/events");
    const data = Array.isArray(answer) ? answer : pick(answer, "data");
    if (!Array.isArray(data))
      throw new Error(`/_sandbox/events is not a list: ${JSON.stringify(answer)}`);
    return data;
  }
}

/** Everything a contract test needs, all on ephemeral ports. */
export interface Harness {
  sandbox: SandboxHandle;
  receiver: WebhookReceiver;
  proxy: RecordingProxy;
  /** SDK client going through the recording proxy. */
  stripe: Stripe;
  control: ControlApi;
  close: () => Promise<void>;
}

/** Starts receiver, sandbox (webhooks to the receiver, short retry delays) and proxy. */
export async function startHarness(options: SandboxOptions = {}): Promise<Harness> {
  const receiver = await startWebhookReceiver();
  const sandbox = await startSandbox({
    port: 0,
    host: "127.0.0.1",
    webhookUrls: [receiver.url],
    webhookSecret: WEBHOOK_SECRET,
    webhookRetry: { maxAttempts: 3, baseDelayMs: 20, maxDelayMs: 100 },
    ...options,
  });
  const proxy = await startRecordingProxy(sandbox.url);
  return {
    sandbox,
    receiver,
    proxy,
    stripe: stripeClient(proxy.port),
    control: new ControlApi(sandbox.url.replace(/\/$/, "")),
    close: async () => {
      await proxy.close();
      await sandbox.close();
      await receiver.close();
    },
  };
}

/** Totals of the response audit of one harness. */
export interface AuditTotals {
  /** Responses validated against the spec so far. */
  validated: number;
  /** "METHOD template status" of every validated response. */
  seen: Set<string>;
}

/**
 * Validates every `/v1` exchange recorded since the last call: a spec operation must exist for
 * it, its body must match the response schema for its status, and `Request-Id` must be present.
 * Dropped connections are skipped (there is no response). Throws listing all failures.
 */
export function auditExchanges(exchanges: Exchange[], from: number, totals: AuditTotals): number {
  const failures: string[] = [];
  for (const ex of exchanges.slice(from)) {
    if (ex.status === undefined || !ex.path.startsWith("/v1/")) continue;
    const template = matchTemplate(ex.method, ex.path);
    if (template === undefined) {
      failures.push(`${ex.method} ${ex.path}: no such operation in openapi-fc.json`);
      continue;
    }
    let body: unknown;
    try {
      body = JSON.parse(ex.body);
    } catch {
      failures.push(
        `${ex.method} ${ex.path} -> ${ex.status}: body is not JSON: ${ex.body.slice(0, 200)}`,
      );
      continue;
    }
    const result = validateResponse(ex.method, template, ex.status, body);
    if (!result.ok)
      failures.push(
        `${ex.method} ${ex.path} -> ${ex.status}:\n    ${result.errors.join("\n    ")}`,
      );
    if (!ex.headers["request-id"])
      failures.push(`${ex.method} ${ex.path} -> ${ex.status}: no Request-Id header`);
    totals.validated += 1;
    totals.seen.add(`${ex.method} ${template} ${ex.status}`);
  }
  if (failures.length > 0) {
    throw new Error(`responses not matching the OpenAPI description:\n  ${failures.join("\n  ")}`);
  }
  return exchanges.length;
}

/**
 * Registers vitest hooks for one test file: a harness started in beforeAll and closed in
 * afterAll, faults cleared and every new `/v1` response audited after each test. Returns a
 * getter (the harness exists only once beforeAll ran) and the audit totals.
 */
export function useHarness(options: SandboxOptions = {}): {
  h: () => Harness;
  totals: AuditTotals;
} {
  let harness: Harness | undefined;
  let audited = 0;
  const totals: AuditTotals = { validated: 0, seen: new Set() };
  beforeAll(async () => {
    harness = await startHarness(options);
  });
  afterEach(async () => {
    if (!harness) return;
    harness.receiver.respond(() => 200);
    await harness.control.clearFaults();
    const from = audited;
    audited = harness.proxy.exchanges.length;
    auditExchanges(harness.proxy.exchanges, from, totals);
  });
  afterAll(async () => {
    await harness?.close();
  });
  return {
    h: () => {
      if (!harness) throw new Error("harness not started (use inside tests)");
      return harness;
    },
    totals,
  };
}

/** Polls `probe` every 10 ms until it returns a value other than undefined, or times out. */
export async function waitFor<T>(
  probe: () => T | undefined,
  what: string,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Like waitFor, for an asynchronous probe (an API read): polls every 10 ms until it yields a value. */
export async function waitUntil<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Deliveries (parsed) of the event with this id. */
export function deliveriesOf(receiver: WebhookReceiver, eventId: string): Delivery[] {
  return receiver.deliveries.filter((d) => pick(safeJson(d.rawBody), "id") === eventId);
}

/** JSON.parse that yields undefined instead of throwing. */
export function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Waits for the first delivery of each event id, verifies its signature with
 * `stripe.webhooks.constructEvent` and validates it against the spec; returns the events.
 */
export async function verifiedEvents(h: Harness, eventIds: string[]): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for (const id of eventIds) {
    const delivery = await waitFor(() => deliveriesOf(h.receiver, id)[0], `delivery of ${id}`);
    const signature = delivery.headers["stripe-signature"];
    if (typeof signature !== "string") throw new Error(`delivery of ${id} has no Stripe-Signature`);
    const event = h.stripe.webhooks.constructEvent(delivery.rawBody, signature, WEBHOOK_SECRET);
    assertValid(validateEvent(safeJson(delivery.rawBody)), `event ${id}`);
    events.push(event);
  }
  return events;
}

/**
 * Waits for a delivered event of `type` whose `data.object.id` is `objectId` (for events that
 * API calls, not control calls, cause), verifies its signature, validates it, and returns it.
 */
export async function deliveredEvent(
  h: Harness,
  type: string,
  objectId: string,
  timeoutMs = 3_000,
): Promise<Stripe.Event> {
  const delivery = await waitFor(
    () =>
      h.receiver.deliveries.find((d) => {
        const event = safeJson(d.rawBody);
        return pick(event, "type") === type && pick(event, "data", "object", "id") === objectId;
      }),
    `${type} for ${objectId}`,
    timeoutMs,
  );
  const id = String(pick(safeJson(delivery.rawBody), "id"));
  const [event] = await verifiedEvents(h, [id]);
  if (!event) throw new Error(`event ${id} vanished`);
  return event;
}

/** Expects `promise` to reject with a Stripe error of class `type`; returns the error. */
export async function stripeError<E extends Error>(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => E,
): Promise<E> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof type) return error;
    throw new Error(
      `expected ${type.name}, got ${String(error)} (${(error as Error).constructor?.name})`,
    );
  }
  throw new Error(`expected ${type.name}, but the call succeeded`);
}

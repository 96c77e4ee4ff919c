/**
 * The contract-test harness of the Stripe FC sandbox: a sandbox on port 0 delivering webhooks to a
 * local receiver, a recording proxy between the real `stripe` SDK and the sandbox (every `/v1`
 * response is audited against the OpenAPI description), and the control-API client.
 */
import type Stripe from "stripe";
import { afterAll, afterEach, beforeAll } from "vitest";
import { type SandboxHandle, type SandboxOptions, startSandbox } from "../../src/sandbox/server.js";
import { assertValid, validateEvent } from "./openapi.js";
import { type RecordingProxy, startRecordingProxy } from "./recording-proxy.js";
import { type AuditTotals, auditExchanges } from "./response-audit.js";
import { ControlApi } from "./sandbox-control.js";
import { stripeClient } from "./stripe-client.js";
import { pick, safeJson } from "./stripe-json.js";
import { DEFAULT_WAIT_MS } from "./wait.js";
import { deliveriesOf, startWebhookReceiver, type WebhookReceiver } from "./webhook-receiver.js";

/** The webhook signing secret the harness configures. */
export const WEBHOOK_SECRET = "whsec_contractSuiteSecret0001";

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
    control: new ControlApi(sandbox.url),
    close: async () => {
      await proxy.close();
      await sandbox.close();
      await receiver.close();
    },
  };
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

/**
 * Waits for the first delivery of each event id, verifies its signature with
 * `stripe.webhooks.constructEvent` and validates it against the spec; returns the events.
 */
export async function verifiedEvents(h: Harness, eventIds: string[]): Promise<Stripe.Event[]> {
  const events: Stripe.Event[] = [];
  for (const id of eventIds) {
    const delivery = await h.receiver.until(
      () => deliveriesOf(h.receiver, id)[0],
      `delivery of ${id}`,
    );
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
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<Stripe.Event> {
  const delivery = await h.receiver.until(
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

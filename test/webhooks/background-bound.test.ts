import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSystemReader } from "../../src/data/system-reader.js";
import { createLogger } from "../../src/observability/logger.js";
import { inProcessBus } from "../../src/pubsub/in-process-bus.js";
import { inMemoryFenceStore } from "../../src/read-model/fences.js";
import { inMemoryReadModelStore } from "../../src/read-model/memory-store.js";
import { createPendingRereads } from "../../src/read-model/pending-rereads.js";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { createFcApi } from "../../src/stripe/fc-api.js";
import {
  createAccountEventIntake,
  type IntakeOutcome,
} from "../../src/webhooks/account-event-intake.js";
import { inMemoryDedupe } from "../../src/webhooks/event-dedupe.js";
import { FAST_RATE_LIMIT_RETRY, startStack, type TestStack } from "../support/gateway.js";
import {
  controlOf,
  createCustomer,
  ROUTES,
  requestCounts,
  resetRequests,
} from "../support/sandbox-control.js";
import { stripeClient } from "../support/stripe-client.js";

/*
 * The background re-reads are bounded: when they cannot take an event's re-reads, the event is
 * handled as before publishing at once existed (its account and authorization re-read before the
 * intake answers), so an accepted event is never dropped for want of room. The intake is built
 * here from the gateway's own parts over the sandbox (the stack's gateway gets no webhook).
 */

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
  await controlOf(stack).setWebhookMode("drop");
});
afterAll(async () => {
  await controlOf(stack).setWebhookMode("deliver");
  await stack.close();
});

/** An intake over the sandbox with room for `maxBackgroundRereads` objects in the background. */
function intakeWithRoomFor(maxBackgroundRereads: number) {
  const fc = createFcApi(
    stripeClient(Number(new URL(stack.sandbox.url).port)),
    FAST_RATE_LIMIT_RETRY,
  );
  const bus = inProcessBus();
  const rereads = createPendingRereads();
  const intake = createAccountEventIntake({
    dedupe: inMemoryDedupe(),
    reader: createSystemReader(fc),
    bus,
    store: inMemoryReadModelStore(),
    fences: inMemoryFenceStore(),
    rereads,
    logger: createLogger("silent"),
    maxBackgroundRereads,
  });
  return { intake, bus, rereads };
}

/** A fresh customer's account deactivated at the sandbox; the event Stripe would send. */
async function deactivation(): Promise<{ customerId: string; event: Stripe.Event }> {
  const customer = await createCustomer(stack, 1, 1);
  const { events } = await controlOf(stack).account(customer.accounts[0] ?? "", "deactivate");
  const response = await fetch(`${stack.sandbox.url}/v1/events/${events[0]}`, {
    headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
  });
  return { customerId: customer.id, event: (await response.json()) as Stripe.Event };
}

describe("the background re-reads' bound", () => {
  it("with room, the intake publishes without reading the account; its authorization is read in the background", async () => {
    const { intake, bus, rereads } = intakeWithRoomFor(10);
    const { customerId, event } = await deactivation();
    const published = bus.subscribe(customerId);
    await resetRequests(stack);

    expect(await intake(event)).toEqual({ status: 200, outcome: "published" });
    expect((await published.next()).value?.eventId).toBe(event.id);
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAccount]).toBeUndefined();
    await rereads.idle();
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAuthorization]).toBe(1);
    await published.return?.();
  });

  it("without room, the event is re-read before the intake answers, and published all the same", async () => {
    const { intake, bus } = intakeWithRoomFor(0);
    const { customerId, event } = await deactivation();
    const published = bus.subscribe(customerId);
    await resetRequests(stack);

    expect(await intake(event)).toEqual({ status: 200, outcome: "published" });
    // Both reads were done when the intake answered: nothing was left for later.
    const counts = await requestCounts(stack);
    expect(counts.routes[ROUTES.retrieveAccount]).toBe(1);
    expect(counts.routes[ROUTES.retrieveAuthorization]).toBe(1);
    expect((await published.next()).value?.eventId).toBe(event.id);
    await published.return?.();
  });
});

describe("the background re-reads of one turn of the event loop", () => {
  it("deactivations of three accounts of one authorization, handled together (webhooks arriving at once), share one re-read of it", async () => {
    const { intake, rereads } = intakeWithRoomFor(10);
    const customer = await createCustomer(stack, 3, 1);
    // Deactivating one account deactivates its authorization and every account on it.
    const { events: ids } = await controlOf(stack).account(
      customer.accounts[0] ?? "",
      "deactivate",
    );
    const events: Stripe.Event[] = [];
    for (const id of ids) {
      const response = await fetch(`${stack.sandbox.url}/v1/events/${id}`, {
        headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
      });
      const event = (await response.json()) as Stripe.Event;
      if (event.type === "financial_connections.account.deactivated") events.push(event);
    }
    expect(events).toHaveLength(3);
    await resetRequests(stack);

    // Each handled in a task of its own within one turn of the event loop, as webhooks read from
    // their sockets in one poll are (every promise of one settles before the next begins).
    const outcomes = await Promise.all(
      events.map(
        (event) =>
          new Promise<IntakeOutcome>((resolve, reject) =>
            setImmediate(() => intake(event).then(resolve, reject)),
          ),
      ),
    );
    expect(outcomes.map(({ outcome }) => outcome)).toEqual(["published", "published", "published"]);
    await rereads.idle();
    // One read for the three: each started after every event arrived.
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAuthorization]).toBe(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccountLifecycleMessage } from "../../src/pubsub/account-event.js";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { LogSink, startStack, type TestStack } from "../support/gateway.js";
import {
  control,
  createCustomer,
  ROUTES,
  requestCounts,
  resetRequests,
} from "../support/sandbox-control.js";
import { accountEvent, deliverSigned } from "../support/webhook.js";

const DEACTIVATED = "financial_connections.account.deactivated";

let stack: TestStack;
let logs: LogSink;
let account: Record<string, unknown>;
let published: AsyncIterableIterator<AccountLifecycleMessage>;
let serial = 0;

const eventId = (label: string) => `evt_shape${label}${++serial}`;

beforeAll(async () => {
  logs = new LogSink();
  stack = await startStack({ logSink: logs });
  // Only the deliveries this file signs reach the gateway.
  stack.sandbox.setWebhookUrls([]);
  const owner = await createCustomer(stack, 1, 1);
  const accountId = owner.accounts[0] as string;
  await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {});
  const response = await fetch(
    `${stack.sandbox.url}/v1/financial_connections/accounts/${accountId}`,
    { headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` } },
  );
  account = (await response.json()) as Record<string, unknown>;
  // Everything the webhook path publishes for the account's holder, in order.
  published = stack.gateway.accountEvents.subscribe(owner.id);
});
afterAll(async () => {
  await published.return?.();
  await stack.close();
});

/**
 * Delivers a well-formed event and returns the id of the next event published for the holder:
 * it is the marker's own id exactly when nothing was published before it.
 */
async function nextPublishedIdAfterMarker(): Promise<{ marker: string; next: string }> {
  const marker = eventId("marker");
  const answer = await deliverSigned(stack, accountEvent(DEACTIVATED, account, { id: marker }));
  expect(answer).toMatchObject({ status: 200, body: { outcome: "published" } });
  const next = await published.next();
  return { marker, next: next.done ? "(bus closed)" : next.value.eventId };
}

/** A well-formed deactivation event as an object, to be broken in one way per case. */
const eventObject = (id: string) => JSON.parse(accountEvent(DEACTIVATED, account, { id }));

describe("a verified body that is not a Stripe event object", () => {
  const notEvents: [string, () => string][] = [
    ["null", () => "null"],
    ["a JSON array of events", () => JSON.stringify([eventObject(eventId("array"))])],
    ["an empty JSON array", () => "[]"],
    ["a number", () => "42"],
    [
      "an event without an id",
      () => {
        const { id: _id, ...rest } = eventObject("unused");
        return JSON.stringify(rest);
      },
    ],
    [
      "an event whose id is not a string",
      () => JSON.stringify({ ...eventObject("unused"), id: 12 }),
    ],
    [
      "an event without a type",
      () => {
        const { type: _type, ...rest } = eventObject(eventId("notype"));
        return JSON.stringify(rest);
      },
    ],
    [
      "an event without data",
      () => {
        const { data: _data, ...rest } = eventObject(eventId("nodata"));
        return JSON.stringify(rest);
      },
    ],
    [
      "an event whose data.object is not an object",
      () => JSON.stringify({ ...eventObject(eventId("string")), data: { object: "fca_1" } }),
    ],
    [
      "an event whose data.object is an array",
      () => JSON.stringify({ ...eventObject(eventId("list")), data: { object: [account] } }),
    ],
  ];

  it.each(notEvents)(
    "is refused with a JSON 400 and publishes nothing: %s",
    async (_name, body) => {
      const answer = await deliverSigned(stack, body());
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ error: { code: "BAD_REQUEST" } });
      expect(JSON.stringify(answer.body)).not.toMatch(/at \S+ \(|node_modules|whsec_/);
      const { marker, next } = await nextPublishedIdAfterMarker();
      expect(next).toBe(marker);
    },
  );

  it("is not remembered as handled: the well-formed event with the same id is published", async () => {
    const id = eventId("retry");
    const { data: _data, ...broken } = eventObject(id);
    expect((await deliverSigned(stack, JSON.stringify(broken))).status).toBe(400);
    const answer = await deliverSigned(stack, accountEvent(DEACTIVATED, account, { id }));
    expect(answer).toMatchObject({ status: 200, body: { outcome: "published" } });
    const next = await published.next();
    expect(next.done ? undefined : next.value.eventId).toBe(id);
  });
});

/**
 * An event whose payload is partial (only the account's id): it cannot be published at once, so
 * the account is re-read before the event is acknowledged, as every event was before.
 */
const partial = (id: unknown) => ({ id, object: "financial_connections.account" });

describe("an event about an account Stripe no longer has", () => {
  const missing = partial("fca_NoLongerKnownToStripe01");

  it("is acknowledged with 2xx, logged as ignored, and handled once", async () => {
    await resetRequests(stack);
    const id = eventId("missing");
    const body = accountEvent(DEACTIVATED, missing, { id });
    const answer = await deliverSigned(stack, body);
    expect(answer).toMatchObject({ status: 200, body: { received: true, outcome: "missing" } });
    const line = logs.lines.map((text) => JSON.parse(text)).find((entry) => entry.eventId === id);
    expect(line).toMatchObject({ outcome: "missing", accountId: missing.id });
    expect(String(line?.msg)).toMatch(/ignored/);
    // Stripe's retry of the same event is a duplicate: no second read.
    expect(await deliverSigned(stack, body)).toMatchObject({
      status: 200,
      body: { outcome: "duplicate" },
    });
    expect((await requestCounts(stack)).routes[ROUTES.retrieveAccount]).toBe(1);
  });

  it("is told apart from any other 404, which stays an upstream error (5xx, so Stripe retries)", async () => {
    await control(stack, "POST", "/_sandbox/faults", {
      status: 404,
      count: 1,
      route: ROUTES.retrieveAccount,
    });
    const id = eventId("plain404");
    const body = accountEvent(DEACTIVATED, partial(account.id), { id });
    const failed = await deliverSigned(stack, body);
    expect(failed.status).toBe(500);
    expect(failed.body).toMatchObject({ error: { code: "EVENT_NOT_ACCEPTED" } });
    const retried = await deliverSigned(stack, body);
    expect(retried).toMatchObject({ status: 200, body: { outcome: "published" } });
    const next = await published.next();
    expect(next.done ? undefined : next.value.eventId).toBe(id);
  });
});

import type { Client } from "graphql-ws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_DEV_API_KEY } from "../../src/shared/sandbox-defaults.js";
import { startStack, type TestStack } from "../support/gateway.js";
import { type Feed, feed, liveClient, receivedBefore, registered } from "../support/live.js";
import { control, createCustomer, ROUTES } from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";
import { accountEvent, deliver, signatureFor } from "../support/webhook.js";

const OLD_SECRET = "whsec_rotatedOutSecret0001";
const NEW_SECRET = "whsec_currentSecret0002";
let stack: TestStack;
let client: Client;
let live: Feed<Record<string, unknown>>;
let account: Record<string, unknown>;

beforeAll(async () => {
  stack = await startStack({ env: { STRIPE_WEBHOOK_SECRET: `${NEW_SECRET},${OLD_SECRET}` } });
  // The sandbox's own deliveries would publish too: only the deliveries this file sends count.
  stack.sandbox.setWebhookUrls([]);
  const owner = await createCustomer(stack, 1, 1);
  const accountId = owner.accounts[0] as string;
  await control(stack, "POST", `/_sandbox/accounts/${accountId}/deactivate`, {});
  const response = await fetch(
    `${stack.sandbox.url}/v1/financial_connections/accounts/${accountId}`,
    {
      headers: { authorization: `Bearer ${SANDBOX_DEV_API_KEY}` },
    },
  );
  account = (await response.json()) as Record<string, unknown>;
  client = await liveClient(stack, owner.id);
  live = await registered(stack.gateway, owner.id, () =>
    feed(client, "subscription { accountStatusChanged { eventId } }"),
  );
});
afterAll(async () => {
  await client.dispose();
  await stack.close();
});

const now = () => Math.floor(Date.now() / 1000);
const payload = () => accountEvent("financial_connections.account.deactivated", account);

/**
 * Publishes one more good event and returns what the subscriber received from index `from` on
 * before it. One subscription receives events in publish order, so anything an earlier delivery
 * published is in the list.
 */
async function publishedSince(from: number): Promise<unknown[]> {
  const body = payload();
  const answer = await deliver(stack.gateway.url, body, signatureFor(body, NEW_SECRET));
  expect(answer.body.outcome).toBe("published");
  const sentinel = (JSON.parse(body) as { id: string }).id;
  const received = await receivedBefore(
    live,
    (data) => (data.accountStatusChanged as { eventId?: string }).eventId === sentinel,
    "the event published after it",
  );
  return received.slice(from);
}

describe("POST /webhooks/stripe rejects every bad delivery with 400 and publishes nothing", () => {
  let before = 0;
  beforeEach(() => {
    before = live.events.length;
  });

  const badDeliveries: [string, () => { body: string | Buffer; signature: string | undefined }][] =
    [
      ["no Stripe-Signature header", () => ({ body: payload(), signature: undefined })],
      ["an empty Stripe-Signature header", () => ({ body: payload(), signature: "" })],
      [
        "a header without t=",
        () => {
          const body = payload();
          return { body, signature: signatureFor(body, NEW_SECRET).replace(/t=\d+,/, "") };
        },
      ],
      [
        "a header without v1=",
        () => {
          const body = payload();
          return { body, signature: signatureFor(body, NEW_SECRET).replace(/,v1=[0-9a-f]+/, "") };
        },
      ],
      [
        "a signature made with an unknown secret",
        () => {
          const body = payload();
          return { body, signature: signatureFor(body, "whsec_attackerSecret") };
        },
      ],
      [
        "a body changed by one byte after signing",
        () => {
          const body = payload();
          return {
            body: body.replace('"livemode":false', '"livemode":falsf'),
            signature: signatureFor(body, NEW_SECRET),
          };
        },
      ],
      [
        "a correctly signed body that is not JSON",
        () => {
          const body = "{not json";
          return { body, signature: signatureFor(body, NEW_SECRET) };
        },
      ],
      [
        "a timestamp more than 300 s old",
        () => {
          const body = payload();
          return { body, signature: signatureFor(body, NEW_SECRET, now() - 310) };
        },
      ],
      [
        "a timestamp more than 300 s in the future",
        () => {
          const body = payload();
          return { body, signature: signatureFor(body, NEW_SECRET, now() + 310) };
        },
      ],
    ];

  it.each(badDeliveries)("%s", async (_name, make) => {
    const { body, signature } = make();
    const answer = await deliver(stack.gateway.url, body, signature);
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).not.toMatch(/whsec_/);
    expect(await publishedSince(before)).toEqual([]);
  });

  it("answers 413 to a body over 1 MB", async () => {
    const body = Buffer.alloc(1024 * 1024 + 10, "a");
    const answer = await deliver(
      stack.gateway.url,
      body,
      signatureFor(body.toString(), NEW_SECRET),
    );
    expect(answer.status).toBe(413);
    expect(await publishedSince(before)).toEqual([]);
  });
});

describe("POST /webhooks/stripe accepts what Stripe may send", () => {
  it("accepts timestamps just inside the tolerance, past and future", async () => {
    const before = live.events.length;
    // 10 s from the 300-s edge: room for a loaded machine between signing and verifying.
    for (const offset of [-290, 290]) {
      const body = payload();
      const answer = await deliver(
        stack.gateway.url,
        body,
        signatureFor(body, NEW_SECRET, now() + offset),
      );
      expect(answer.status).toBe(200);
    }
    await eventually(() => live.events.length === before + 2, 5_000, "both published events");
  });

  it("accepts a delivery signed with the older of two secrets (rotation)", async () => {
    const before = live.events.length;
    const body = payload();
    expect((await deliver(stack.gateway.url, body, signatureFor(body, OLD_SECRET))).status).toBe(
      200,
    );
    await eventually(() => live.events.length === before + 1, 5_000, "the published event");
  });

  it("accepts a header with several v1= signatures when one matches", async () => {
    const body = payload();
    const good = signatureFor(body, NEW_SECRET);
    const bad = signatureFor(body, "whsec_someOtherSecret").match(/v1=([0-9a-f]+)/)?.[1];
    const before = live.events.length;
    const answer = await deliver(stack.gateway.url, body, `${good},v1=${bad}`);
    expect(answer.status).toBe(200);
    await eventually(() => live.events.length === before + 1, 5_000, "the published event");
  });

  it("stores non-lifecycle account events without publishing, and acknowledges foreign types", async () => {
    const before = live.events.length;
    const body = accountEvent("financial_connections.account.refreshed_balance", account);
    const answer = await deliver(stack.gateway.url, body, signatureFor(body, NEW_SECRET));
    expect(answer).toMatchObject({ status: 200, body: { outcome: "stored" } });
    const foreign = JSON.stringify({ ...JSON.parse(body), type: "invoice.paid" });
    expect(
      await deliver(stack.gateway.url, foreign, signatureFor(foreign, NEW_SECRET)),
    ).toMatchObject({ status: 200, body: { outcome: "ignored" } });
    expect(await publishedSince(before)).toEqual([]);
  });

  it("answers 5xx while the event cannot be accepted (its partial payload must be re-read, Stripe fails), and handles Stripe's redelivery once it can", async () => {
    const before = live.events.length;
    await control(stack, "POST", "/_sandbox/faults", {
      status: 500,
      count: 20,
      route: ROUTES.retrieveAccount,
    });
    const body = accountEvent("financial_connections.account.deactivated", {
      id: account.id,
      object: "financial_connections.account",
    });
    const failed = await deliver(stack.gateway.url, body, signatureFor(body, NEW_SECRET));
    expect(failed.status).toBe(500);
    await control(stack, "DELETE", "/_sandbox/faults");
    expect(await publishedSince(before)).toEqual([]);
    const beforeRetry = live.events.length;
    const retried = await deliver(stack.gateway.url, body, signatureFor(body, NEW_SECRET));
    expect(retried).toMatchObject({ status: 200, body: { outcome: "published" } });
    await eventually(() => live.events.length === beforeRetry + 1, 5_000, "the redelivered event");
  });
});

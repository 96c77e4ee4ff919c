/**
 * A subscriber that stops reading is not buffered for forever: on every streaming transport
 * (multipart, SSE, graphql-ws) events wait in one bounded queue (STREAM_MAX_PENDING_EVENTS), and
 * one more ends the subscription with a last SLOW_CONSUMER error, then the stream or socket closes.
 * The reader here pauses, the gateway's bus gets events until the subscription is gone, then the
 * reader resumes and reads what it was sent.
 */
import { once } from "node:events";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { AccountLifecycleMessage } from "../../src/pubsub/account-event.js";
import type { StripeAccount } from "../../src/stripe/wire-types.js";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { waitForSubscribers } from "../support/live.js";
import { createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";

const MAX_PENDING = 5;
/** Past this many events published to a paused reader, the gateway is buffering without bound. */
const UNBOUNDED = 40_000;
const WATCH = "subscription { accountDeactivated { eventId account { id status displayName } } }";

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({
    env: {
      STREAM_MAX_PENDING_EVENTS: String(MAX_PENDING),
      RATE_LIMIT_COST_PER_MINUTE: "100000000",
    },
  });
});
afterAll(() => stack.close());

/** A customer, its token, and its first account as Stripe shows it (what events carry). */
async function subscriber() {
  const customer: SandboxCustomer = await createCustomer(stack, 1, 1);
  const token = await tokenFor(stack, customer.id);
  const account = (await stack.gateway.stripe.financialConnections.accounts.retrieve(
    customer.accounts[0] as string,
  )) as unknown as StripeAccount;
  return { customer, token, account };
}

/**
 * Publishes events for `customerId` on the gateway's bus until its subscription is gone from
 * the bus (ended by the gateway); resolves with how many were published. Fails past UNBOUNDED.
 */
async function publishUntilEnded(customerId: string, account: StripeAccount): Promise<number> {
  const { accountEvents } = stack.gateway;
  let published = 0;
  while (accountEvents.fanout.subscribersOf(customerId) > 0) {
    if (published >= UNBOUNDED) {
      throw new Error(`the subscription was still open after ${published} unread events`);
    }
    for (let index = 0; index < 100; index += 1) {
      published += 1;
      const event: AccountLifecycleMessage = {
        eventId: `evt_slow_${published}`,
        type: "DEACTIVATED",
        occurredAt: Math.floor(Date.now() / 1000),
        customerId,
        account,
      };
      await accountEvents.publish(event);
    }
    // Lets the gateway write what it can before the next batch.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return published;
}

/** Opens a streaming HTTP subscription; resolves with its answer, paused (nothing is read). */
async function pausedStream(path: string, accept: string, token: string): Promise<IncomingMessage> {
  const request = httpRequest(`${stack.gateway.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept, authorization: `Bearer ${token}` },
  });
  request.end(JSON.stringify({ query: WATCH }));
  const [response] = (await once(request, "response")) as [IncomingMessage];
  response.pause();
  return response;
}

/** Reads the rest of a paused answer to its end. */
async function readToEnd(response: IncomingMessage): Promise<string> {
  let text = "";
  response.setEncoding("utf8");
  response.on("data", (chunk: string) => {
    text += chunk;
  });
  const ended = once(response, "end");
  response.resume();
  await ended;
  return text;
}

describe("a reader that does not keep up", () => {
  it("multipart: ends its subscription with SLOW_CONSUMER and the closing boundary", async () => {
    const { customer, token, account } = await subscriber();
    const response = await pausedStream(
      "/graphql",
      'multipart/mixed;subscriptionSpec="1.0", application/json',
      token,
    );
    expect(response.statusCode).toBe(200);
    await waitForSubscribers(stack.gateway, customer.id, 1);
    const published = await publishUntilEnded(customer.id, account);
    const body = await readToEnd(response);
    const parts = body.split("\r\n--graphql").filter((part) => part.includes("{"));
    const last = JSON.parse(parts.at(-1)?.split("\r\n\r\n")[1] ?? "null") as unknown;
    expect(last).toEqual({
      payload: null,
      errors: [
        {
          message: `The subscription was ended: its reader did not keep up (more than ${MAX_PENDING} events waiting).`,
          extensions: { code: "SLOW_CONSUMER" },
        },
      ],
    });
    expect(body.endsWith("\r\n--graphql--\r\n")).toBe(true);
    const delivered = parts.filter((part) => part.includes('"accountDeactivated"')).length;
    expect(delivered).toBeLessThan(published);
  });

  it("SSE: ends its subscription with a SLOW_CONSUMER `next`, then `complete`", async () => {
    const { customer, token, account } = await subscriber();
    const response = await pausedStream("/graphql/stream", "text/event-stream", token);
    expect(response.statusCode).toBe(200);
    await waitForSubscribers(stack.gateway, customer.id, 1);
    const published = await publishUntilEnded(customer.id, account);
    const body = await readToEnd(response);
    const events = body.split("\n\n").filter((event) => event.startsWith("event:"));
    expect(events.at(-1)).toBe("event: complete\ndata:");
    const last = events.at(-2) ?? "";
    expect(last.startsWith("event: next\ndata: ")).toBe(true);
    expect(JSON.parse(last.slice("event: next\ndata: ".length))).toEqual({
      errors: [
        {
          message: `The subscription was ended: its reader did not keep up (more than ${MAX_PENDING} events waiting).`,
          extensions: { code: "SLOW_CONSUMER" },
        },
      ],
    });
    const delivered = events.filter((event) => event.includes('"accountDeactivated"')).length;
    expect(delivered).toBeLessThan(published);
  });

  it("graphql-ws: sends the operation a SLOW_CONSUMER error, then closes the socket with 4413", async () => {
    const { customer, token, account } = await subscriber();
    const socket = new WebSocket(
      `${stack.gateway.url.replace("http", "ws")}/graphql`,
      "graphql-transport-ws",
    );
    const messages: { id?: string; type: string; payload?: unknown }[] = [];
    socket.on("message", (data) => messages.push(JSON.parse(String(data))));
    await once(socket, "open");
    socket.send(
      JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } }),
    );
    await once(socket, "message");
    socket.send(JSON.stringify({ id: "slow", type: "subscribe", payload: { query: WATCH } }));
    await waitForSubscribers(stack.gateway, customer.id, 1);
    socket.pause();
    const closed = once(socket, "close");
    const published = await publishUntilEnded(customer.id, account);
    socket.resume();
    const [code] = (await closed) as [number];
    expect(code).toBe(4413);
    expect(messages.at(-1)).toEqual({
      id: "slow",
      type: "error",
      payload: [
        {
          message: `The subscription was ended: its reader did not keep up (more than ${MAX_PENDING} events waiting).`,
          extensions: { code: "SLOW_CONSUMER" },
        },
      ],
    });
    const delivered = messages.filter((message) => message.type === "next").length;
    expect(delivered).toBeLessThan(published);
  });
});

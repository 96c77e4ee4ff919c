/**
 * The fair gate through the gateway, on every transport (HTTP through the lean listener,
 * graphql-ws, graphql-sse, multipart): one customer holding its bound of operations (one running,
 * none waiting; its running one held at Stripe by the test) is refused RATE_LIMITED before
 * anything is parsed, with `Retry-After` and `retryAfter`, while another customer's operation on
 * the same transport is let in and answered; once the held operation is answered, the customer is
 * let in again. No timing: the operation is held by a proxy until the test lets it go.
 */
import type { Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { graphql, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { type HeldUpstream, startHeldUpstream } from "../support/held-upstream.js";
import { liveClient, waitForSubscribers } from "../support/live.js";
import { control, createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";
import { wsOperation } from "../support/ws-operation.js";

const QUERY = "query Accounts { accounts(first: 1) { nodes { id } } }";
const SUBSCRIPTION = "subscription Watch { accountDeactivated { eventId } }";
const REFUSAL = {
  message:
    "Too many operations of this customer are waiting (at most 1 running and 0 waiting); retry shortly.",
  extensions: { code: "RATE_LIMITED", retryAfter: 1 },
};

let stack: TestStack;
let upstream: HeldUpstream;
/** Holds its one operation at Stripe for the whole file. */
let flooder: SandboxCustomer;
let other: SandboxCustomer;
let held: Promise<Awaited<ReturnType<typeof graphql>>>;

beforeAll(async () => {
  stack = await startStack({
    env: { GRAPHQL_MAX_ACTIVE_PER_CUSTOMER: "1", GRAPHQL_MAX_QUEUED_PER_CUSTOMER: "0" },
    upstream: async (sandboxUrl) => {
      upstream = await startHeldUpstream(sandboxUrl);
      return upstream;
    },
  });
  flooder = await createCustomer(stack, 1, 1);
  other = await createCustomer(stack, 1, 1);
  // The flooder's listing of its accounts names it in the URL: held until the last test.
  upstream.holdWhere((url) => url.includes(flooder.id));
  held = graphql(stack, QUERY, {}, flooder.id);
  await upstream.held(1);
});
afterAll(async () => {
  upstream.releaseAll();
  await held.catch(() => {});
  await stack.close();
});

const bearer = async (customer: SandboxCustomer) => `Bearer ${await tokenFor(stack, customer.id)}`;

/** A JSON refusal (HTTP, SSE, multipart): its status, `Retry-After` and errors. */
async function refusalOf(response: Response) {
  const body = (await response.json()) as { errors?: unknown[] };
  return { status: response.status, retryAfter: response.headers.get("retry-after"), ...body };
}

/** Posts `query` to the SSE route as `customer` (distinct connections mode). */
const overSse = async (customer: SandboxCustomer, query: string) =>
  fetch(`${stack.gateway.url}/graphql/stream`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "text/event-stream",
      authorization: await bearer(customer),
    },
    body: JSON.stringify({ query }),
  });

/** Posts `query` with Apollo's multipart subscription protocol as `customer`. */
const overMultipart = async (customer: SandboxCustomer, query: string, signal?: AbortSignal) =>
  fetch(`${stack.gateway.url}/graphql`, {
    method: "POST",
    signal,
    headers: {
      "content-type": "application/json",
      accept: 'multipart/mixed;subscriptionSpec="1.0", application/json',
      authorization: await bearer(customer),
    },
    body: JSON.stringify({ query }),
  });

const oneAccount = { accounts: { nodes: [{ id: expect.stringMatching(/^fca_/) }] } };

describe("a customer over its bound at the fair gate", () => {
  it("over HTTP: 429 RATE_LIMITED with Retry-After, while another customer is answered", async () => {
    const response = await fetch(`${stack.gateway.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: await bearer(flooder) },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(await refusalOf(response)).toEqual({ status: 429, retryAfter: "1", errors: [REFUSAL] });
    const answered = await graphql(stack, QUERY, {}, other.id);
    expect(answered).toEqual({ status: 200, data: oneAccount, extensions: expect.anything() });
  });

  describe("over graphql-ws", () => {
    let flooderSocket: Client;
    let otherSocket: Client;
    beforeAll(async () => {
      flooderSocket = await liveClient(stack, flooder.id);
      otherSocket = await liveClient(stack, other.id);
    });
    afterAll(async () => {
      await flooderSocket.dispose();
      await otherSocket.dispose();
    });

    it("RATE_LIMITED with retryAfter, while another customer is answered", async () => {
      expect(await wsOperation(flooderSocket, QUERY)).toEqual({ errors: [REFUSAL] });
      const answered = await wsOperation(otherSocket, QUERY);
      expect(answered.data).toEqual(oneAccount);
      expect(answered.errors).toBeUndefined();
    });
  });

  it("over graphql-sse: 429 RATE_LIMITED with Retry-After, while another customer is answered", async () => {
    expect(await refusalOf(await overSse(flooder, QUERY))).toEqual({
      status: 429,
      retryAfter: "1",
      errors: [REFUSAL],
    });
    const answered = await overSse(other, QUERY);
    expect(answered.status).toBe(200);
    const text = await answered.text();
    const next = /event: next\ndata: (.*)\n/.exec(text)?.[1];
    expect(JSON.parse(next ?? "null")).toMatchObject({ data: oneAccount });
  });

  it("over multipart: 429 RATE_LIMITED with Retry-After, while another customer's subscription is admitted and delivers", async () => {
    expect(await refusalOf(await overMultipart(flooder, SUBSCRIPTION))).toEqual({
      status: 429,
      retryAfter: "1",
      errors: [REFUSAL],
    });
    const leave = new AbortController();
    const response = await overMultipart(other, SUBSCRIPTION, leave.signal);
    expect(response.headers.get("content-type")).toMatch(/^multipart\/mixed/);
    let text = "";
    const reading = (async () => {
      const decoder = new TextDecoder();
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        text += decoder.decode(chunk, { stream: true });
      }
    })().catch(() => {});
    try {
      await waitForSubscribers(stack.gateway, other.id, 1);
      await control(stack, "POST", `/_sandbox/accounts/${other.accounts[0]}/deactivate`, {});
      await eventually(() => text.includes('"accountDeactivated"'), 5_000, "the event");
      expect(text).toMatch(/"accountDeactivated":\{"eventId":"evt_/);
    } finally {
      leave.abort();
      await reading;
    }
  });

  it("ends the turn of a request Apollo answers itself (a batch, a malformed field): the customer is let in again", async () => {
    const third = await createCustomer(stack, 1, 1);
    const post = async (body: unknown) =>
      fetch(`${stack.gateway.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: await bearer(third) },
        body: JSON.stringify(body),
      });
    expect((await post([{ query: QUERY }, { query: QUERY }])).status).toBe(400);
    expect((await post({ query: QUERY, variables: "{}" })).status).toBe(400);
    const answered = await graphql(stack, QUERY, {}, third.id);
    expect(answered).toEqual({ status: 200, data: oneAccount, extensions: expect.anything() });
  });

  it("is let in again once its held operation is answered", async () => {
    upstream.releaseAll();
    expect(await held).toEqual({ status: 200, data: oneAccount, extensions: expect.anything() });
    const again = await graphql(stack, QUERY, {}, flooder.id);
    expect(again).toEqual({ status: 200, data: oneAccount, extensions: expect.anything() });
  });
});

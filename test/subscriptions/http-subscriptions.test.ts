/**
 * Subscriptions without WebSocket: the same live events reach the real HTTP clients (graphql-sse
 * on /graphql/stream, Apollo Client 4's HttpLink with multipart on /graphql), for their own
 * customer only; their streams count in the customer's cap with its WebSockets; they end when
 * the gateway shuts down. Limits and refusals per operation: test/pipeline/cross-transport.test.ts.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../src/auth/sign-token.js";
import { startStack, type TestStack, tokenFor } from "../support/gateway.js";
import {
  apolloFeed,
  bodyText,
  type HttpFeed,
  multipartRequest,
  sseFeed,
} from "../support/http-subscriptions.js";
import {
  feed,
  liveClient,
  receivedBefore,
  registered,
  waitForSubscribers,
} from "../support/live.js";
import { control, createCustomer, type SandboxCustomer } from "../support/sandbox-control.js";
import { eventually } from "../support/wait.js";

const WATCH = "subscription Watch { accountDeactivated { eventId account { id status } } }";

interface Deactivated {
  accountDeactivated: { eventId: string; account: { id: string; status: string } };
}

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack.close());

const deactivate = (target: TestStack, customer: SandboxCustomer) =>
  control(target, "POST", `/_sandbox/accounts/${customer.accounts[0]}/deactivate`, {});

type Subscribe = (target: TestStack, token: string) => HttpFeed<Deactivated>;

const CLIENTS: [string, Subscribe][] = [
  ["graphql-sse (createClient, /graphql/stream)", (target, token) => sseFeed(target, token, WATCH)],
  [
    "Apollo Client 4 (HttpLink, multipart on /graphql)",
    (target, token) => apolloFeed(target, token, WATCH),
  ],
];

/** Subscribes as `customer` and resolves once the gateway registered the subscription. */
async function subscribed(target: TestStack, subscribe: Subscribe, customer: SandboxCustomer) {
  const token = await tokenFor(target, customer.id);
  return (await registered(target.gateway, customer.id, () =>
    subscribe(target, token),
  )) as HttpFeed<Deactivated>;
}

describe.each(CLIENTS)("%s", (_name, subscribe) => {
  it("receives accountDeactivated after a sandbox deactivation; the other customer receives nothing", async () => {
    const mine = await createCustomer(stack, 1, 1);
    const other = await createCustomer(stack, 1, 1);
    const myFeed = await subscribed(stack, subscribe, mine);
    const otherFeed = await subscribed(stack, subscribe, other);
    try {
      await deactivate(stack, mine);
      const [event] = await myFeed.changes.until(
        () => (myFeed.events.length > 0 ? myFeed.events : undefined),
        "the deactivation event",
      );
      expect(event?.accountDeactivated.account).toMatchObject({
        id: mine.accounts[0],
        status: "INACTIVE",
      });
      expect(myFeed.errors).toEqual([]);
      // The other customer's own deactivation is its sentinel: nothing of `mine` came before it.
      await deactivate(stack, other);
      const before = await receivedBefore(
        otherFeed,
        (data) => data.accountDeactivated.account.id === other.accounts[0],
        "the other customer's own event",
      );
      expect(before).toEqual([]);
      expect(otherFeed.errors).toEqual([]);
    } finally {
      myFeed.stop();
      otherFeed.stop();
    }
  });
});

describe("one cap per customer over WebSockets and subscription streams", () => {
  let capped: TestStack;
  beforeAll(async () => {
    capped = await startStack({ env: { WS_MAX_SOCKETS_PER_CUSTOMER: "2" } });
  });
  afterAll(() => capped.close());

  it("counts SSE and multipart streams with sockets: the one over the cap is refused on every transport", async () => {
    const customer = await createCustomer(capped, 1, 1);
    const token = await tokenFor(capped, customer.id);
    const socket = await liveClient(capped, customer.id);
    const overSocket = await registered(capped.gateway, customer.id, () => feed(socket, WATCH));
    const sse = (await registered(capped.gateway, customer.id, () =>
      sseFeed(capped, token, WATCH),
    )) as HttpFeed<Deactivated>;
    // Third: multipart refused 429 before anything is parsed or charged.
    const refused = await multipartRequest(capped, token, WATCH);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { errors: { message: string; extensions: unknown }[] };
    expect(body.errors).toEqual([
      {
        message: "At most 2 WebSockets and subscription streams per customer are open at once.",
        extensions: { code: "SUBSCRIPTION_LIMIT" },
      },
    ]);
    // Third: another SSE stream, refused the same way.
    const sseRefused = sseFeed(capped, token, WATCH);
    await sseRefused.changes.until(() => sseRefused.errors[0], "the SSE refusal");
    expect(String(sseRefused.errors[0])).toMatch(/429/);
    // Third: another socket, closed with 4429 as before.
    const extra = await liveClient(capped, customer.id);
    const refusedSocket = feed(extra, WATCH);
    await refusedSocket.changes.until(() => refusedSocket.errors[0], "the socket refusal");
    expect((refusedSocket.errors[0] as { code?: number }).code).toBe(4429);
    await extra.dispose();
    // The SSE stream ends: its slot is free for a multipart stream.
    sse.stop();
    await eventually(() => capped.gateway.accountEvents.fanout.subscribersOf(customer.id) === 1);
    const admitted = await multipartRequest(capped, token, WATCH);
    expect(admitted.status).toBe(200);
    expect(admitted.headers.get("content-type")).toBe(
      'multipart/mixed;boundary="graphql";subscriptionSpec="1.0"',
    );
    await admitted.body?.cancel();
    overSocket.stop();
    await socket.dispose();
  });
});

describe("the multipart wire format and shutdown", () => {
  it("sends {payload} parts and {} heartbeats, and ends every stream with the closing boundary on shutdown", async () => {
    const own = await startStack();
    let closed = false;
    try {
      const customer = await createCustomer(own, 1, 1);
      const token = await tokenFor(own, customer.id);
      const response = await multipartRequest(own, token, WATCH);
      expect(response.status).toBe(200);
      const body = bodyText(response);
      const sse = (await registered(own.gateway, customer.id, () =>
        sseFeed(own, token, WATCH),
      )) as HttpFeed<Deactivated>;
      await waitForSubscribers(own.gateway, customer.id, 2);
      const metrics = await (await fetch(`${own.gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/^fc_gateway_subscription_streams 2$/m);
      await deactivate(own, customer);
      const part = '\r\nContent-Type: application/json\r\n\r\n{"payload":{"data":';
      await body.changes.until(
        () => (body.text.includes(part) ? true : undefined),
        "the event part",
      );
      // A heartbeat every 5 s: waited for, not timed.
      const heartbeat = "\r\nContent-Type: application/json\r\n\r\n{}\r\n--graphql";
      await body.changes.until(
        () => (body.text.includes(heartbeat) ? true : undefined),
        "a heartbeat part",
        20_000,
      );
      expect(body.text.startsWith("\r\n--graphql\r\nContent-Type: application/json")).toBe(true);
      await own.close();
      closed = true;
      await body.changes.until(() => (body.ended ? true : undefined), "the end of the stream");
      expect(body.text.endsWith("\r\n--graphql--\r\n")).toBe(true);
      await sse.changes.until(() => (sse.completed() ? true : undefined), "the SSE completion");
      expect(sse.errors).toEqual([]);
    } finally {
      if (!closed) await own.close();
    }
  }, 30_000);
});

describe("token expiry", () => {
  it("ends an SSE and a multipart stream with UNAUTHENTICATED when their token expires", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const token = await signToken(stack.config.auth, { customerId: customer.id, ttlSeconds: 2 });
    const response = await multipartRequest(stack, token, WATCH);
    expect(response.status).toBe(200);
    const body = bodyText(response);
    const sse = sseFeed(stack, token, WATCH);
    await body.changes.until(() => (body.ended ? true : undefined), "the multipart end", 15_000);
    expect(body.text).toContain(
      '{"payload":null,"errors":[{"message":"Token expired.","extensions":{"code":"UNAUTHENTICATED"}}]}\r\n--graphql--\r\n',
    );
    await sse.changes.until(() => (sse.completed() ? true : undefined), "the SSE end", 15_000);
    expect(sse.errors).toEqual([
      { message: "Token expired.", extensions: { code: "UNAUTHENTICATED" } },
    ]);
    const fanout = stack.gateway.accountEvents.fanout;
    await eventually(() => fanout.subscribersOf(customer.id) === 0, 5_000, "both unsubscribed");
  }, 30_000);
});

describe("/graphql/stream beyond subscriptions", () => {
  it("refuses a mutation over GET with 405, and another Accept with 406, as JSON with a code", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const token = await tokenFor(stack, customer.id);
    const url = `${stack.gateway.url}/graphql/stream?query=${encodeURIComponent("mutation Sneaky { __typename }")}`;
    const mutation = await fetch(url, {
      headers: { accept: "text/event-stream", authorization: `Bearer ${token}` },
    });
    expect(mutation.status).toBe(405);
    expect(await mutation.json()).toEqual({
      errors: [
        {
          message: "Mutations are not served over GET: use POST.",
          extensions: { code: "BAD_REQUEST" },
        },
      ],
    });
    const json = await fetch(url, {
      headers: { accept: "application/json", authorization: `Bearer ${token}` },
    });
    expect(json.status).toBe(406);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe("BAD_REQUEST");
  });
});

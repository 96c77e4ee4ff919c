/**
 * Resumable subscriptions through the real gateway and sandbox: a subscriber that reconnects with
 * its last cursor (graphql-ws and multipart: `after`; SSE: `Last-Event-ID`) receives exactly the
 * events it missed, in order, then live ones; on another instance over Redis too. A cursor of
 * another customer, an unknown or malformed one, and one past the retention are CURSOR_EXPIRED.
 * Nothing here waits on time: each step waits for the events it expects, and a later sentinel
 * event proves that nothing else arrived before it.
 */
import { randomUUID } from "node:crypto";
import { type Client, createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { encodeCursor } from "../../src/pubsub/event-position.js";
import type { GatewayHandle } from "../../src/server/gateway.js";
import { startAnotherGateway, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { apolloFeed } from "../support/http-subscriptions.js";
import { type Feed, feed, liveClient, receivedBefore, registered } from "../support/live.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";
import { publishDeactivations, rawSseFeed } from "../support/resume.js";
import {
  acknowledged,
  type ControlResult,
  control,
  createCustomer,
  type SandboxCustomer,
} from "../support/sandbox-control.js";

const RESUME = `subscription Resume($after: String) {
  accountDeactivated(after: $after) { eventId cursor }
}`;

interface Deactivated {
  accountDeactivated: { eventId: string; cursor: string };
}

const ids = (events: Deactivated[]) => events.map((event) => event.accountDeactivated.eventId);

const redisUp = await redisAvailableFor("the Redis resumable subscription tests");

/** A customer with one account, deactivated (so each delivered `deactivated` event is published). */
async function inactiveCustomer(stack: TestStack): Promise<SandboxCustomer & { account: string }> {
  const customer = await createCustomer(stack, 1, 1);
  const account = customer.accounts[0] as string;
  const answer = await control<ControlResult>(
    stack,
    "POST",
    `/_sandbox/accounts/${account}/deactivate`,
    {},
  );
  // Its own webhook handled before anyone subscribes: no event of the test's but its own.
  for (const event of answer.events) await acknowledged(stack, event);
  return { ...customer, account };
}

/**
 * Subscribes on `gateway` with `subscribe` (no cursor), waits for the customer's deactivation
 * that is already on its way plus `count` new ones, and returns the last cursor received.
 */
async function lastCursorAfter(
  stack: TestStack,
  gateway: GatewayHandle,
  customer: SandboxCustomer & { account: string },
  subscribe: () => Feed<Deactivated>,
  count: number,
): Promise<string> {
  const first = await registered(gateway, customer.id, subscribe);
  const published = await publishDeactivations(stack, gateway.url, customer.account, count);
  const last = published.at(-1) as string;
  await first.changes.until(
    () => first.events.find((event) => event.accountDeactivated.eventId === last),
    "the first subscription's events",
  );
  first.stop();
  const event = first.events.find((e) => e.accountDeactivated.eventId === last);
  return event?.accountDeactivated.cursor as string;
}

/**
 * After a reconnect (`resumed`, already registered) that missed `missed`: it receives exactly
 * those, in order, then a live event, and nothing else before a sentinel.
 */
async function expectMissedThenLive(
  stack: TestStack,
  gatewayUrl: string,
  customer: SandboxCustomer & { account: string },
  resumed: Feed<Deactivated>,
  missed: string[],
) {
  await resumed.changes.until(
    () => (resumed.events.length >= missed.length ? true : undefined),
    "the missed events",
  );
  expect(ids(resumed.events).slice(0, missed.length)).toEqual(missed);
  const [live, sentinel] = await publishDeactivations(stack, gatewayUrl, customer.account, 2);
  const before = await receivedBefore(
    resumed,
    (event) => event.accountDeactivated.eventId === sentinel,
    "the sentinel",
  );
  expect(ids(before)).toEqual([...missed, live]);
  expect(resumed.errors).toEqual([]);
}

const MODES: [string, Record<string, string> | undefined][] = [
  ["in memory", {}],
  ["over Redis", redisUp ? { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}` } : undefined],
];

describe.each(MODES)("resuming a subscription (%s)", (_mode, env) => {
  let stack: TestStack;
  const clients: Client[] = [];
  beforeAll(async () => {
    if (env) stack = await startStack({ env });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await stack?.close();
  });

  const wsFeed = async (customerId: string, after?: string) => {
    const client = await liveClient(stack, customerId);
    clients.push(client);
    return () => feed<Deactivated>(client, RESUME, after === undefined ? {} : { after });
  };

  it.skipIf(!env)(
    "graphql-ws: `after` replays exactly the missed events in order, then live",
    async () => {
      const customer = await inactiveCustomer(stack);
      const cursor = await lastCursorAfter(
        stack,
        stack.gateway,
        customer,
        await wsFeed(customer.id),
        2,
      );
      const missed = await publishDeactivations(stack, stack.gateway.url, customer.account, 3);
      const resumed = await registered(
        stack.gateway,
        customer.id,
        await wsFeed(customer.id, cursor),
      );
      await expectMissedThenLive(stack, stack.gateway.url, customer, resumed, missed);
    },
  );

  it.skipIf(!env)(
    "SSE: each event has its cursor as `id:`, and `Last-Event-ID` resumes",
    async () => {
      const customer = await inactiveCustomer(stack);
      const token = await tokenFor(stack, customer.id);
      const url = stack.gateway.url;
      const first = rawSseFeed<Deactivated>(url, token, RESUME);
      const cursor = await lastCursorAfter(stack, stack.gateway, customer, () => first, 2);
      for (const event of first.received) {
        const data = event.result.data as unknown as Deactivated;
        expect(event.id).toBe(data.accountDeactivated.cursor);
        expect(event.result.extensions?.cursor).toBe(data.accountDeactivated.cursor);
      }
      expect(first.received.at(-1)?.id).toBe(cursor);
      const missed = await publishDeactivations(stack, url, customer.account, 3);
      // The document has no `after`: the standard header alone resumes it.
      const query = "subscription { accountDeactivated { eventId cursor } }";
      const resumed = await registered(stack.gateway, customer.id, () =>
        rawSseFeed<Deactivated>(url, token, query, cursor),
      );
      await expectMissedThenLive(stack, url, customer, resumed, missed);
      resumed.stop();
    },
  );

  it.skipIf(!env)(
    "multipart (Apollo Client): `after` replays the missed events, then live",
    async () => {
      const customer = await inactiveCustomer(stack);
      const token = await tokenFor(stack, customer.id);
      const cursor = await lastCursorAfter(
        stack,
        stack.gateway,
        customer,
        () => apolloFeed<Deactivated>(stack, token, RESUME),
        2,
      );
      const missed = await publishDeactivations(stack, stack.gateway.url, customer.account, 3);
      const resumed = await registered(stack.gateway, customer.id, () =>
        apolloFeed<Deactivated>(stack, token, RESUME, { after: cursor }),
      );
      await expectMissedThenLive(stack, stack.gateway.url, customer, resumed, missed);
      resumed.stop();
    },
  );

  it.skipIf(!env)(
    "events published while the subscriber resumes are neither lost nor doubled",
    async () => {
      const customer = await inactiveCustomer(stack);
      const cursor = await lastCursorAfter(
        stack,
        stack.gateway,
        customer,
        await wsFeed(customer.id),
        1,
      );
      const missed = await publishDeactivations(stack, stack.gateway.url, customer.account, 2);
      // Webhooks arrive while the resuming subscription reads the log: one just before the read
      // (in the log and in the live buffer), one just after it (live only).
      const log = stack.gateway.accountEvents.log;
      const read = log.replayAfter.bind(log);
      const during: string[] = [];
      log.replayAfter = async (customerId, position) => {
        log.replayAfter = read;
        const url = stack.gateway.url;
        during.push(...(await publishDeactivations(stack, url, customer.account, 1)));
        const replayed = await read(customerId, position);
        during.push(...(await publishDeactivations(stack, url, customer.account, 1)));
        return replayed;
      };
      const resumed = await registered(
        stack.gateway,
        customer.id,
        await wsFeed(customer.id, cursor),
      );
      await resumed.changes.until(
        () => (resumed.events.length >= missed.length + 2 ? true : undefined),
        "the missed events and those published during the replay",
      );
      expect(during).toHaveLength(2);
      await expectMissedThenLive(stack, stack.gateway.url, customer, resumed, [
        ...missed,
        ...during,
      ]);
    },
  );

  it.skipIf(!env)(
    "another customer's cursor is answered as an unknown one: CURSOR_EXPIRED",
    async () => {
      const owner = await inactiveCustomer(stack);
      const theirs = await lastCursorAfter(stack, stack.gateway, owner, await wsFeed(owner.id), 1);
      const other = await inactiveCustomer(stack);
      const refusal = async (after: string) => {
        const live = (await wsFeed(other.id, after))();
        return live.changes.until(() => live.errors[0], "the refusal");
      };
      const foreign = await refusal(theirs);
      expect(foreign).toMatchObject({ extensions: { code: "CURSOR_EXPIRED" } });
      expect(foreign).toMatchObject({ message: expect.stringContaining("Reload") });
      // The same answer as a well-formed cursor the customer's stream never had, and as garbage.
      expect(await refusal(encodeCursor(other.id, "1-0"))).toEqual(foreign);
      expect(await refusal("garbage")).toEqual(foreign);
      expect(stack.gateway.accountEvents.fanout.subscribersOf(other.id)).toBe(0);
    },
  );
});

describe.skipIf(!redisUp)("resuming on another instance over Redis", () => {
  const env = { REDIS_URL, REDIS_KEY_PREFIX: `test-${randomUUID()}` };
  let stack: TestStack;
  let second: GatewayHandle;
  const clients: Client[] = [];
  beforeAll(async () => {
    stack = await startStack({ env });
    second = await startAnotherGateway(stack, env);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await second.close();
    await stack.close();
  });

  it("a subscriber of instance 1 resumes on instance 2 with every missed event", async () => {
    const customer = await inactiveCustomer(stack);
    const onFirst = await liveClient(stack, customer.id);
    const onSecond = await secondClient(second, stack, customer.id);
    clients.push(onFirst, onSecond);
    const cursor = await lastCursorAfter(
      stack,
      stack.gateway,
      customer,
      () => feed<Deactivated>(onFirst, RESUME),
      2,
    );
    // Instance 1 keeps receiving the webhooks while the subscriber is away.
    const missed = await publishDeactivations(stack, stack.gateway.url, customer.account, 3);
    const resumed = await registered(second, customer.id, () =>
      feed<Deactivated>(onSecond, RESUME, { after: cursor }),
    );
    await expectMissedThenLive(stack, stack.gateway.url, customer, resumed, missed);
  });
});

/** A graphql-ws client of another gateway instance, signed in as `customerId`. */
async function secondClient(gateway: GatewayHandle, stack: TestStack, customerId: string) {
  return createClient({
    url: `${gateway.url.replace("http", "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${await tokenFor(stack, customerId)}` },
    retryAttempts: 0,
  });
}

describe("a cursor past the count bound", () => {
  let stack: TestStack;
  const clients: Client[] = [];
  beforeAll(async () => {
    stack = await startStack({ env: { SUBSCRIPTION_RETENTION_EVENTS: "2" } });
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.dispose()));
    await stack.close();
  });

  it("is refused with CURSOR_EXPIRED, never a silent gap", async () => {
    const customer = await inactiveCustomer(stack);
    const client = await liveClient(stack, customer.id);
    clients.push(client);
    const cursor = await lastCursorAfter(
      stack,
      stack.gateway,
      customer,
      () => feed<Deactivated>(client, RESUME),
      1,
    );
    // Two more: the stream keeps two, so the cursor's own event is gone.
    await publishDeactivations(stack, stack.gateway.url, customer.account, 2);
    const resumed = feed<Deactivated>(client, RESUME, { after: cursor });
    const error = await resumed.changes.until(() => resumed.errors[0], "the refusal");
    expect(error).toMatchObject({ extensions: { code: "CURSOR_EXPIRED" } });
    expect(resumed.events).toEqual([]);
  });
});

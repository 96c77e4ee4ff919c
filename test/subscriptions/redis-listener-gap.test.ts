/**
 * An instance that loses Redis for a while (a Redis restart, a network blip) while another still
 * reaches it: whatever the other instance published meanwhile is in the customer's stream but was
 * never heard on the channel by the cut-off instance. Its subscribers, still connected to it,
 * must receive those events once it is back, in order and once each, before later ones: not a
 * silent gap. Found by the chaos suite (test/chaos/): after a Redis restart, the subscribers of the
 * instance whose listener reconnected last lacked the events the other published first.
 */
import { randomUUID } from "node:crypto";
import { createClient } from "graphql-ws";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { accountEventsChannel } from "../../src/pubsub/redis-bus.js";
import type { GatewayHandle } from "../../src/server/gateway.js";
import { startAnotherGateway, startStack, type TestStack, tokenFor } from "../support/gateway.js";
import { feed, receivedBefore, registered } from "../support/live.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";
import { publishDeactivations } from "../support/resume.js";
import { acknowledged, controlOf, createCustomer } from "../support/sandbox-control.js";
import { startTcpGate, type TcpGate } from "../support/tcp-gate.js";
import { waitFor } from "../support/wait.js";

const redisUp = await redisAvailableFor("the Redis listener gap test");

interface Deactivated {
  accountDeactivated: { eventId: string };
}

describe.skipIf(!redisUp)("an instance cut off from Redis for a while", () => {
  const prefix = `listener-gap-${randomUUID()}`;
  let stack: TestStack;
  let gate: TcpGate;
  let cutOff: GatewayHandle;

  beforeAll(async () => {
    stack = await startStack({ env: { REDIS_URL, REDIS_KEY_PREFIX: prefix } });
    const target = new URL(REDIS_URL);
    gate = await startTcpGate(target.hostname, Number(target.port || 6379));
    cutOff = await startAnotherGateway(stack, {
      REDIS_URL: `redis://127.0.0.1:${gate.port}`,
      REDIS_KEY_PREFIX: prefix,
    });
  });
  afterAll(async () => {
    await cutOff?.close();
    await gate?.close();
    await stack?.close();
  });

  /** How many connections listen on the bus channel (PUBSUB NUMSUB). */
  const listeners = async () => {
    const redis = new Redis(REDIS_URL);
    try {
      const [, count] = (await redis.pubsub("NUMSUB", accountEventsChannel(prefix))) as [
        string,
        number,
      ];
      return Number(count);
    } finally {
      redis.disconnect();
    }
  };

  it("delivers, once it is back, what the other instance published meanwhile, then live events", async () => {
    const customer = await createCustomer(stack, 1, 1);
    const account = customer.accounts[0] as string;
    const { events } = await controlOf(stack).account(account, "deactivate", {
      cause: "account_closed",
    });
    for (const eventId of events) await acknowledged(stack, eventId);
    const client = createClient({
      url: `${cutOff.url.replace("http", "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${await tokenFor(stack, customer.id)}` },
      retryAttempts: 0,
    });
    try {
      const live = await registered(cutOff, customer.id, () =>
        feed<Deactivated>(client, "subscription { accountDeactivated { eventId } }"),
      );

      gate.cut();
      await waitFor(
        async () => ((await cutOff.accountEvents.healthy()) ? undefined : true),
        "the cut-off instance to see Redis gone",
      );
      await waitFor(
        async () => ((await listeners()) === 1 ? true : undefined),
        "only the other instance to listen on the channel",
      );
      const missed = await publishDeactivations(stack, stack.gateway.url, account, 2);
      gate.open();
      await waitFor(
        async () =>
          (await cutOff.accountEvents.healthy()) && (await listeners()) === 2 ? true : undefined,
        "the cut-off instance to listen again",
        15_000,
      );
      const [after, sentinel] = await publishDeactivations(stack, stack.gateway.url, account, 2);

      const before = await receivedBefore(
        live,
        (event) => event.accountDeactivated.eventId === sentinel,
        "the sentinel on the instance that was cut off",
        15_000,
      );
      expect(before.map((event) => event.accountDeactivated.eventId)).toEqual([...missed, after]);
      expect(live.errors).toEqual([]);
    } finally {
      await client.dispose();
    }
  }, 60_000);
});

/**
 * The catch-up of a Redis bus listener that was disconnected, against a real Redis Stream: what
 * was published meanwhile reaches this instance's subscribers in stream order and once each,
 * events heard on the channel during the catch-up wait behind it, and an event both read back and
 * heard is handed over once. (test/subscriptions/redis-listener-gap.test.ts shows the same through
 * two gateways.)
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  AccountLifecycleMessage,
  PublishedLifecycleEvent,
} from "../../src/pubsub/account-event.js";
import { createListenerCatchUp } from "../../src/pubsub/listener-catch-up.js";
import { LocalFanout } from "../../src/pubsub/local-fanout.js";
import { RedisEventLog } from "../../src/pubsub/redis-event-log.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";

const redisUp = await redisAvailableFor("the listener catch-up test");

const message = (customerId: string, eventId: string): AccountLifecycleMessage => ({
  eventId,
  type: "DEACTIVATED",
  occurredAt: 1_700_000_000,
  customerId,
  account: { id: "fca_1" } as AccountLifecycleMessage["account"],
});

describe.skipIf(!redisUp)("a Redis bus listener catching up after a disconnection", () => {
  const prefix = `catch-up-${randomUUID()}`;
  let redis: Redis;
  let log: RedisEventLog;
  beforeAll(() => {
    redis = new Redis(REDIS_URL);
    log = new RedisEventLog(redis, prefix, { retentionMs: 60_000, maxEventsPerCustomer: 100 });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  /** Appends to the customer's stream (as a publish by another instance does) and returns it. */
  const publish = async (customerId: string, eventId: string): Promise<PublishedLifecycleEvent> => {
    const position = await log.appendAndPublish(`${prefix}:channel`, message(customerId, eventId));
    return { ...message(customerId, eventId), position };
  };

  it("hands over the missed events in stream order, then what was heard meanwhile, each once", async () => {
    const customerId = `cus_${randomUUID().slice(0, 8)}`;
    const fanout = new LocalFanout<PublishedLifecycleEvent>();
    let reads = 0;
    let heardDuringRead: PublishedLifecycleEvent[] = [];
    const catchUp = createListenerCatchUp({
      fanout,
      readFrom: async (customer, start) => {
        reads += 1;
        // While the stream is being read, the listener hears what is published now.
        for (const event of heardDuringRead) catchUp.hear(event);
        heardDuringRead = [];
        return log.readFrom(customer, start);
      },
      listening: () => true,
      onError: (error) => {
        throw error;
      },
    });
    const subscription = fanout.subscribe(customerId);
    const before = await publish(customerId, "evt_before");
    catchUp.hear(before);

    catchUp.lost();
    const missed = [
      await publish(customerId, "evt_missed1"),
      await publish(customerId, "evt_missed2"),
    ];
    // Published during the catch-up: in the stream the catch-up reads, and heard on the channel.
    const during = await publish(customerId, "evt_during");
    heardDuringRead = [during];
    await catchUp.resumed();
    const after = await publish(customerId, "evt_after");
    catchUp.hear(after);

    const received: string[] = [];
    for (let index = 0; index < 5; index += 1) {
      const next = await subscription.next();
      received.push((next.value as PublishedLifecycleEvent).eventId);
    }
    expect(reads).toBe(1);
    expect(received).toEqual([
      "evt_before",
      ...missed.map((event) => event.eventId),
      "evt_during",
      "evt_after",
    ]);
    await subscription.return?.();
  });
});

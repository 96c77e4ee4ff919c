/**
 * The event log subscribers resume from, in memory and in Redis Streams: retention by count and
 * by age, cursors bound to their customer's stream, and the seam between replay and live.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EventRetention } from "../../src/config/event-retention.js";
import { createLogger } from "../../src/observability/logger.js";
import type {
  AccountLifecycleMessage,
  PublishedLifecycleEvent,
} from "../../src/pubsub/account-event.js";
import type { AccountEventBus } from "../../src/pubsub/event-bus.js";
import { type AccountEventLog, CursorNotResumableError } from "../../src/pubsub/event-log.js";
import { decodeCursor, encodeCursor } from "../../src/pubsub/event-position.js";
import { resumeAfter } from "../../src/pubsub/event-resume.js";
import { inProcessBus } from "../../src/pubsub/in-process-bus.js";
import { MemoryEventLog } from "../../src/pubsub/memory-event-log.js";
import { redisBus } from "../../src/pubsub/redis-bus.js";
import { accountLogKey, RedisEventLog } from "../../src/pubsub/redis-event-log.js";
import { REDIS_URL, redisAvailableFor } from "../support/redis.js";

const message = (customerId: string, eventId: string): AccountLifecycleMessage => ({
  eventId,
  type: "DEACTIVATED",
  occurredAt: 1_700_000_000,
  customerId,
  account: { id: "fca_1" } as AccountLifecycleMessage["account"],
});

const RETENTION: EventRetention = { retentionMs: 60_000, maxEventsPerCustomer: 3 };

/** Pulls `count` events from `iterator`. */
async function take(iterator: AsyncIterableIterator<PublishedLifecycleEvent>, count: number) {
  const taken: string[] = [];
  while (taken.length < count) {
    const result = await iterator.next();
    if (result.done) break;
    taken.push(result.value.eventId);
  }
  return taken;
}

describe("cursors", () => {
  it("name a position in one customer's stream only", () => {
    const cursor = encodeCursor("cus_a", "1700000000000-3");
    expect(decodeCursor("cus_a", cursor)).toBe("1700000000000-3");
    expect(decodeCursor("cus_b", cursor)).toBeUndefined();
    expect(decodeCursor("cus_a", "garbage")).toBeUndefined();
    expect(decodeCursor("cus_a", cursor.replace("-3", "-x"))).toBeUndefined();
  });
});

describe("the in-memory event log", () => {
  it("replays what follows a retained position, in order", async () => {
    const log = new MemoryEventLog(RETENTION);
    const [first] = [log.append(message("cus_a", "evt_1"))];
    log.append(message("cus_b", "evt_other"));
    log.append(message("cus_a", "evt_2"));
    log.append(message("cus_a", "evt_3"));
    const replayed = await log.replayAfter("cus_a", first?.position ?? "");
    expect(replayed?.map((event) => event.eventId)).toEqual(["evt_2", "evt_3"]);
    // Another customer's stream does not have the position: nothing of it is resumed.
    expect(await log.replayAfter("cus_b", first?.position ?? "")).toBeUndefined();
  });

  it("cannot resume from an event trimmed by the count bound", async () => {
    const log = new MemoryEventLog(RETENTION);
    const first = log.append(message("cus_a", "evt_1"));
    const second = log.append(message("cus_a", "evt_2"));
    for (const id of ["evt_3", "evt_4", "evt_5"]) log.append(message("cus_a", id));
    expect(await log.replayAfter("cus_a", first.position)).toBeUndefined();
    expect(await log.replayAfter("cus_a", second.position)).toBeUndefined();
  });

  it("cannot resume from an event older than the retention", async () => {
    let now = 1_700_000_000_000;
    const log = new MemoryEventLog(RETENTION, () => now);
    const old = log.append(message("cus_a", "evt_old"));
    now += 30_000;
    const recent = log.append(message("cus_a", "evt_recent"));
    log.append(message("cus_a", "evt_last"));
    now += 40_000; // evt_old is 70 s old, past the 60 s retention; evt_recent 40 s.
    expect(await log.replayAfter("cus_a", old.position)).toBeUndefined();
    expect((await log.replayAfter("cus_a", recent.position))?.map((e) => e.eventId)).toEqual([
      "evt_last",
    ]);
  });

  it("holds a bounded number of events over all customers", async () => {
    const log = new MemoryEventLog(RETENTION, Date.now, 4);
    const early = log.append(message("cus_a", "evt_a1"));
    log.append(message("cus_a", "evt_a2"));
    for (const customer of ["cus_b", "cus_c", "cus_d"]) log.append(message(customer, "evt"));
    // Five events held at most four: the least recently active customer's log went.
    expect(await log.replayAfter("cus_a", early.position)).toBeUndefined();
  });
});

const redisUp = await redisAvailableFor("the Redis event log tests");

describe.skipIf(!redisUp)("the Redis Streams event log", () => {
  const prefix = `test-${randomUUID()}`;
  let redis: Redis;
  let bus: Awaited<ReturnType<typeof redisBus>>;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    bus = await redisBus(REDIS_URL, prefix, createLogger("silent"), RETENTION);
  });
  afterAll(async () => {
    await bus.close();
    redis.disconnect();
  });

  /** Publishes through the bus and answers the position the stream gave it (what a subscriber sees). */
  async function published(customerId: string, eventId: string): Promise<PublishedLifecycleEvent> {
    const live = bus.subscribe(customerId);
    await bus.publish(message(customerId, eventId));
    const result = await live.next();
    await live.return?.();
    return result.value as PublishedLifecycleEvent;
  }

  it("gives positions in the stream's order and replays after one", async () => {
    const first = await published("cus_r1", "evt_1");
    await published("cus_r1", "evt_2");
    await published("cus_r1", "evt_3");
    const log = new RedisEventLog(redis, prefix, RETENTION);
    expect((await log.replayAfter("cus_r1", first.position))?.map((e) => e.eventId)).toEqual([
      "evt_2",
      "evt_3",
    ]);
    expect(await log.replayAfter("cus_r2", first.position)).toBeUndefined();
  });

  it("trims each customer's stream to the count bound", async () => {
    const first = await published("cus_r3", "evt_1");
    for (const id of ["evt_2", "evt_3", "evt_4"]) await published("cus_r3", id);
    expect(await redis.xlen(accountLogKey(prefix, "cus_r3"))).toBe(3);
    const log = new RedisEventLog(redis, prefix, RETENTION);
    expect(await log.replayAfter("cus_r3", first.position)).toBeUndefined();
  });

  it("refuses a retained entry older than the retention (Redis's clock)", async () => {
    // An entry from 1970 still in the stream (nothing trimmed it yet): too old to resume from.
    await redis.xadd(
      accountLogKey(prefix, "cus_r4"),
      "1000-0",
      "e",
      JSON.stringify(message("cus_r4", "evt_old")),
    );
    const log = new RedisEventLog(redis, prefix, RETENTION);
    expect(await log.replayAfter("cus_r4", "1000-0")).toBeUndefined();
  });

  it("keeps no stream past the retention once idle", async () => {
    await published("cus_r5", "evt_1");
    const ttl = await redis.pttl(accountLogKey(prefix, "cus_r5"));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(RETENTION.retentionMs);
  });
});

/**
 * The seam: an event published while the log is read is in the replay, in the live buffer, or
 * both (Redis delivers the channel message after the script ran), and reaches the subscriber once.
 */
async function seamCase(bus: AccountEventBus, log: AccountEventLog, customerId: string) {
  const live = bus.subscribe(customerId);
  await bus.publish(message(customerId, "evt_seen"));
  const seen = (await live.next()).value as PublishedLifecycleEvent;
  await live.return?.();
  await bus.publish(message(customerId, "evt_missed"));
  const duringReplay: AccountEventLog = {
    replayAfter: async (customer, position) => {
      // Before the read: in the log and in the live buffer.
      await bus.publish(message(customerId, "evt_before_read"));
      const replayed = await log.replayAfter(customer, position);
      // After the read: live only.
      await bus.publish(message(customerId, "evt_after_read"));
      return replayed;
    },
  };
  const resumed = await resumeAfter(
    customerId,
    encodeCursor(customerId, seen.position),
    () => bus.subscribe(customerId),
    duringReplay,
  );
  await bus.publish(message(customerId, "evt_live"));
  await bus.publish(message(customerId, "evt_sentinel"));
  const received = await take(resumed, 4);
  await resumed.return?.();
  return received;
}

describe("resuming across the seam between replay and live", () => {
  it("in memory: every event once, in order", async () => {
    const bus = inProcessBus(RETENTION);
    expect(await seamCase(bus, bus.log, "cus_m")).toEqual([
      "evt_missed",
      "evt_before_read",
      "evt_after_read",
      "evt_live",
    ]);
  });

  it.skipIf(!redisUp)("over Redis: every event once, in order", async () => {
    const prefix = `test-${randomUUID()}`;
    const bus = await redisBus(REDIS_URL, prefix, createLogger("silent"), {
      ...RETENTION,
      maxEventsPerCustomer: 100,
    });
    const redis = new Redis(REDIS_URL);
    try {
      const log = new RedisEventLog(redis, prefix, { ...RETENTION, maxEventsPerCustomer: 100 });
      expect(await seamCase(bus, log, "cus_s")).toEqual([
        "evt_missed",
        "evt_before_read",
        "evt_after_read",
        "evt_live",
      ]);
    } finally {
      await bus.close();
      redis.disconnect();
    }
  });

  it("a cursor that cannot be resumed holds no subscription", async () => {
    const bus = inProcessBus(RETENTION);
    await expect(bus.resume("cus_x", "garbage")).rejects.toBeInstanceOf(CursorNotResumableError);
    await expect(bus.resume("cus_x", encodeCursor("cus_x", "1-0"))).rejects.toBeInstanceOf(
      CursorNotResumableError,
    );
    expect(bus.fanout.subscribersOf("cus_x")).toBe(0);
  });
});

import type { EventRetention } from "../config/event-retention.js";
import type { Logger } from "../observability/logger.js";
import { openRedis } from "../redis/connection.js";
import type { PublishedLifecycleEvent } from "./account-event.js";
import type { AccountEventBus } from "./event-bus.js";
import { DEFAULT_EVENT_RETENTION } from "./event-log.js";
import { resumeAfter } from "./event-resume.js";
import { createListenerCatchUp } from "./listener-catch-up.js";
import { LocalFanout } from "./local-fanout.js";
import { parseChannelMessage, RedisEventLog } from "./redis-event-log.js";

/** The Redis channel every gateway instance with the same key prefix publishes to and listens on. */
export const accountEventsChannel = (prefix: string) => `${prefix}:account-events`;

/**
 * A bus shared by every gateway instance on one Redis: `publish` sends the event once to Redis,
 * and each instance hands what it hears to its own subscribers, so a webhook received by any
 * instance reaches subscribers on all of them, once each. Each event is also appended to its
 * customer's Redis Stream in the same step (RedisEventLog, trimmed by `retention`), which gives
 * it its position and lets a subscriber resume on any instance. ioredis reconnects and
 * resubscribes after a Redis restart, and what was published while this instance was not
 * listening is read back from the streams (listener-catch-up.ts); while Redis is down `publish`
 * rejects (the webhook answers 5xx).
 */
export async function redisBus(
  url: string,
  prefix: string,
  logger: Logger,
  retention: EventRetention = DEFAULT_EVENT_RETENTION,
  /** Events one subscription may have waiting (LocalFanout). */
  maxPendingEvents?: number,
): Promise<AccountEventBus & { fanout: LocalFanout<PublishedLifecycleEvent>; log: RedisEventLog }> {
  const fanout = new LocalFanout<PublishedLifecycleEvent>(maxPendingEvents);
  const publisher = openRedis(url);
  const listener = openRedis(url, { offlineQueue: true });
  for (const connection of [publisher, listener]) {
    connection.on("error", (error: Error) =>
      logger.warn({ err: error.message }, "redis bus connection error"),
    );
  }
  // A Redis that is down at start-up is not fatal: ioredis keeps reconnecting, queries work
  // meanwhile, and webhooks answer 5xx until it is back.
  await Promise.all(
    [publisher, listener].map((connection) =>
      connection
        .connect()
        .catch((error: Error) =>
          logger.warn({ err: error.message }, "redis bus not reachable yet"),
        ),
    ),
  );
  const channel = accountEventsChannel(prefix);
  const log = new RedisEventLog(publisher, prefix, retention);
  // What was published while the listener was disconnected is read back from the streams.
  const catchUp = createListenerCatchUp({
    fanout,
    readFrom: (customerId, start) => log.readFrom(customerId, start),
    listening: () => listener.status === "ready",
    onError: (error) =>
      logger.warn({ err: (error as Error).message }, "redis bus catch-up not read yet"),
  });
  listener.on("message", (_channel: string, message: string) => {
    try {
      catchUp.hear(parseChannelMessage(message));
    } catch (error) {
      logger.error({ err: error }, "unreadable account event on the redis bus");
    }
  });
  listener.on("close", () => catchUp.lost());
  // Subscribe now if Redis is up, and on every (re)connection: a Redis down at start-up must not
  // stop the gateway (readiness reports it instead), and must be listened to once it is back;
  // then catch up on what was published in between.
  const subscribe = () =>
    listener
      .subscribe(channel)
      .then(() => catchUp.resumed())
      .catch((error: Error) => logger.warn({ err: error.message }, "redis bus not subscribed yet"));
  listener.on("ready", () => void subscribe());
  await subscribe();
  return {
    fanout,
    log,
    publish: async (event) => {
      await log.appendAndPublish(channel, event);
    },
    subscribe: (customerId, options) => fanout.subscribe(customerId, options),
    resume: (customerId, cursor, options) =>
      resumeAfter(customerId, cursor, () => fanout.subscribe(customerId, options), log),
    healthy: async () => publisher.status === "ready" && listener.status === "ready",
    close: async () => {
      fanout.closeAll();
      listener.disconnect();
      publisher.disconnect();
    },
  };
}

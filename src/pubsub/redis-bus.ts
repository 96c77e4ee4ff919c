import { Redis } from "ioredis";
import type { Logger } from "../observability/logger.js";
import type { AccountLifecycleMessage } from "./account-event.js";
import type { AccountEventBus } from "./event-bus.js";
import { LocalFanout } from "./local-fanout.js";

/** The Redis channel every gateway instance with the same key prefix publishes to and listens on. */
export const accountEventsChannel = (prefix: string) => `${prefix}:account-events`;

/**
 * A bus shared by every gateway instance on one Redis: `publish` sends the event once to Redis,
 * and each instance hands what it hears to its own subscribers, so a webhook received by any
 * instance reaches subscribers on all of them, once each. ioredis reconnects and resubscribes
 * after a Redis restart; while Redis is down `publish` rejects (the webhook answers 5xx).
 */
export async function redisBus(
  url: string,
  prefix: string,
  logger: Logger,
  /** Events one subscription may have waiting (LocalFanout). */
  maxPendingEvents?: number,
): Promise<AccountEventBus & { fanout: LocalFanout }> {
  const fanout = new LocalFanout(maxPendingEvents);
  const options = { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true };
  const publisher = new Redis(url, options);
  const listener = new Redis(url, { ...options, enableOfflineQueue: true });
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
  listener.on("message", (_channel: string, message: string) => {
    try {
      fanout.deliver(JSON.parse(message) as AccountLifecycleMessage);
    } catch (error) {
      logger.error({ err: error }, "unreadable account event on the redis bus");
    }
  });
  const channel = accountEventsChannel(prefix);
  // Subscribe now if Redis is up, and on every (re)connection: a Redis down at start-up must not
  // stop the gateway (readiness reports it instead), and must be listened to once it is back.
  const subscribe = () =>
    listener
      .subscribe(channel)
      .catch((error: Error) => logger.warn({ err: error.message }, "redis bus not subscribed yet"));
  listener.on("ready", () => void subscribe());
  await subscribe();
  return {
    fanout,
    publish: async (event) => {
      await publisher.publish(channel, JSON.stringify(event));
    },
    subscribe: (customerId, options) => fanout.subscribe(customerId, options),
    healthy: async () => publisher.status === "ready" && listener.status === "ready",
    close: async () => {
      fanout.closeAll();
      listener.disconnect();
      publisher.disconnect();
    },
  };
}

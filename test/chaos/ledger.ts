/**
 * What was published, and what each subscriber should therefore have: the chaos suite's ground
 * truth. Published events are what the instances appended to the customers' Redis Streams (read
 * with XRANGE, as a resuming subscriber's replay reads them), together with what any subscriber
 * received (a Redis restart empties the streams; what was published before it stays known through
 * the snapshots taken so far and the receipts). Each event is identified by its Stripe event id
 * and ordered by its stream position.
 */
import { Redis } from "ioredis";
import { comparePositions } from "../../src/pubsub/event-position.js";
import { accountLogKey } from "../../src/pubsub/redis-event-log.js";
import type { SubscriberFleet } from "./subscriber-fleet.js";

/** Stripe's lifecycle event types the driver causes (and the gateway publishes). */
export const LIFECYCLE_TYPES = new Set([
  "financial_connections.account.deactivated",
  "financial_connections.account.reactivated",
]);

/** What a check found, cumulated since the start of the run. */
export interface LedgerCheck {
  /** Distinct events published. */
  published: number;
  /** Events subscribers received, duplicates included. */
  delivered: number;
  /** Receipts of an event a subscriber had already received, plus events published twice. */
  duplicates: number;
  /** (subscriber, published event of its customer) pairs never received. */
  gaps: number;
  /** Subscribers whose receipts are not in stream order. */
  outOfOrder: number;
  /** Lifecycle events the sandbox sent that no instance published. */
  unpublished: string[];
  /** Errors subscribers received (CURSOR_EXPIRED, a failed subscribe...). */
  subscriberErrors: unknown[];
  /** Events published at more than one position: `eventId@position,position`. */
  publishedTwice: string[];
  /** Some receipts of an event a subscriber had already: `#subscriber eventId@position,position`. */
  receivedTwice: string[];
  /** Some gaps: `#subscriber (home instance) lacks eventId`. */
  missing: string[];
}

export class Ledger {
  /** customer -> position -> Stripe event id. */
  private readonly streams = new Map<string, Map<string, string>>();
  private readonly redis: Redis;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly customers: string[],
  ) {
    this.redis = new Redis(redisUrl, {
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => 100,
    });
    this.redis.on("error", () => {});
  }

  /** Reads every customer's stream; while Redis is down, keeps what it knew. */
  async snapshot(): Promise<void> {
    if (this.redis.status !== "ready") return;
    try {
      await Promise.all(
        this.customers.map(async (customerId) => {
          const entries = await this.redis.xrange(accountLogKey(this.prefix, customerId), "-", "+");
          for (const [position, fields] of entries) {
            const event = JSON.parse(fields[1] ?? "{}") as { eventId?: string };
            if (event.eventId) this.record(customerId, position, event.eventId);
          }
        }),
      );
    } catch {
      // Redis went away meanwhile: the next snapshot reads again.
    }
  }

  /** Adds what the subscribers received (a published event nobody snapshotted is still known). */
  absorb(fleet: SubscriberFleet): void {
    for (const subscriber of fleet.subscribers)
      for (const receipt of subscriber.received)
        this.record(subscriber.customerId, receipt.position, receipt.eventId);
  }

  /** Every published Stripe event id. */
  publishedIds(): Set<string> {
    const ids = new Set<string>();
    for (const stream of this.streams.values()) for (const id of stream.values()) ids.add(id);
    return ids;
  }

  /** The customer's published events in stream order (event ids). */
  publishedFor(customerId: string): string[] {
    const stream = this.streams.get(customerId) ?? new Map<string, string>();
    return [...stream.entries()].sort(([a], [b]) => comparePositions(a, b)).map(([, id]) => id);
  }

  /** True when every subscriber received every published event of its customer. */
  caughtUp(fleet: SubscriberFleet): boolean {
    return this.caughtUpOn(fleet, undefined);
  }

  /**
   * True when every event of `among` (all when undefined) is published and every subscriber
   * received those of its customer.
   */
  caughtUpOn(fleet: SubscriberFleet, among: Set<string> | undefined): boolean {
    if (among !== undefined) {
      const published = this.publishedIds();
      if ([...among].some((id) => !published.has(id))) return false;
    }
    const expected = new Map(
      this.customers.map((id) => [
        id,
        this.publishedFor(id).filter((eventId) => among === undefined || among.has(eventId)),
      ]),
    );
    return fleet.subscribers.every((subscriber) => {
      const got = new Set(subscriber.received.map((receipt) => receipt.eventId));
      return (expected.get(subscriber.customerId) ?? []).every((id) => got.has(id));
    });
  }

  /** Compares every subscriber with the ground truth; `sent` is every lifecycle event sent. */
  check(fleet: SubscriberFleet, sent: string[]): LedgerCheck {
    let duplicates = 0;
    let gaps = 0;
    let outOfOrder = 0;
    const subscriberErrors: unknown[] = [];
    const expected = new Map(this.customers.map((id) => [id, this.publishedFor(id)]));
    const publishedTwice: string[] = [];
    for (const stream of this.streams.values()) {
      const positions = new Map<string, string[]>();
      for (const [position, id] of stream)
        positions.set(id, [...(positions.get(id) ?? []), position]);
      for (const [id, at] of positions) {
        if (at.length < 2) continue;
        duplicates += at.length - 1;
        publishedTwice.push(`${id}@${at.join(",")}`);
      }
    }
    const receivedTwice: string[] = [];
    const missing: string[] = [];
    for (const subscriber of fleet.subscribers) {
      const ids = subscriber.received.map((receipt) => receipt.eventId);
      const got = new Set(ids);
      duplicates += ids.length - got.size;
      if (ids.length > got.size && receivedTwice.length < 10) {
        const twice = ids.find((id, index) => ids.indexOf(id) !== index);
        const at = subscriber.received.filter((receipt) => receipt.eventId === twice);
        receivedTwice.push(
          `#${subscriber.index} ${twice}@${at.map((receipt) => receipt.position).join(",")}`,
        );
      }
      const lacks = (expected.get(subscriber.customerId) ?? []).filter((id) => !got.has(id));
      gaps += lacks.length;
      if (lacks.length > 0 && missing.length < 10)
        missing.push(`#${subscriber.index} (home ${subscriber.home}) lacks ${lacks.join(",")}`);
      const positions = subscriber.received.map((receipt) => receipt.position);
      if (
        positions.some(
          (position, i) => i > 0 && comparePositions(positions[i - 1] as string, position) >= 0,
        )
      )
        outOfOrder += 1;
      subscriberErrors.push(...subscriber.errors);
    }
    const published = this.publishedIds();
    return {
      published: published.size,
      delivered: fleet.delivered(),
      duplicates,
      gaps,
      outOfOrder,
      unpublished: sent.filter((id) => !published.has(id)),
      subscriberErrors,
      publishedTwice,
      receivedTwice,
      missing,
    };
  }

  close(): void {
    this.redis.disconnect();
  }

  private record(customerId: string, position: string, eventId: string): void {
    let stream = this.streams.get(customerId);
    if (stream === undefined) {
      stream = new Map();
      this.streams.set(customerId, stream);
    }
    stream.set(position, eventId);
  }
}

import type { EventRetention } from "../config/event-retention.js";
import type { AccountLifecycleMessage, PublishedLifecycleEvent } from "./account-event.js";
import type { AccountEventLog } from "./event-log.js";
import { parsePosition, positionClock, type StreamPosition } from "./event-position.js";

/** Most events the in-memory log holds over all customers; the least recently active go first. */
export const MEMORY_LOG_MAX_EVENTS = 100_000;

/**
 * The event log of a gateway without Redis: this process's memory, bounded by the retention, by
 * the count per customer and by MEMORY_LOG_MAX_EVENTS in all (a customer whose log is dropped
 * for it is answered as an unknown cursor). Gone with the process: a cursor from before a
 * restart cannot be resumed.
 */
export class MemoryEventLog implements AccountEventLog {
  private readonly byCustomer = new Map<string, PublishedLifecycleEvent[]>();
  private total = 0;
  private readonly nextPosition: () => StreamPosition;

  constructor(
    private readonly retention: EventRetention,
    private readonly now: () => number = Date.now,
    private readonly maxEvents: number = MEMORY_LOG_MAX_EVENTS,
  ) {
    this.nextPosition = positionClock(now);
  }

  /** Gives the event its position (after every earlier one) and keeps it. */
  append(event: AccountLifecycleMessage): PublishedLifecycleEvent {
    const published = { ...event, position: this.nextPosition() };
    const log = this.byCustomer.get(event.customerId) ?? [];
    // Re-inserted, so the map's order is the least recently active customer first.
    this.byCustomer.delete(event.customerId);
    this.byCustomer.set(event.customerId, log);
    log.push(published);
    this.total += 1;
    this.trim(log);
    while (this.total > this.maxEvents) {
      const [oldest, dropped] = this.byCustomer.entries().next().value as [
        string,
        PublishedLifecycleEvent[],
      ];
      this.byCustomer.delete(oldest);
      this.total -= dropped.length;
    }
    return published;
  }

  async replayAfter(
    customerId: string,
    position: StreamPosition,
  ): Promise<PublishedLifecycleEvent[] | undefined> {
    const log = this.byCustomer.get(customerId);
    if (!log) return undefined;
    this.trim(log);
    const index = log.findIndex((event) => event.position === position);
    return index < 0 ? undefined : log.slice(index + 1);
  }

  private trim(log: PublishedLifecycleEvent[]): void {
    const oldestKept = this.now() - this.retention.retentionMs;
    let drop = Math.max(0, log.length - this.retention.maxEventsPerCustomer);
    while (drop < log.length && (parsePosition(log[drop]?.position ?? "")?.[0] ?? 0) < oldestKept) {
      drop += 1;
    }
    if (drop > 0) {
      log.splice(0, drop);
      this.total -= drop;
    }
  }
}

import type { EventRetention } from "../config/event-retention.js";
import type { PublishedLifecycleEvent } from "./account-event.js";
import type { StreamPosition } from "./event-position.js";

/** The defaults: a day, and the last 1,000 events of each customer. */
export const DEFAULT_EVENT_RETENTION: EventRetention = {
  retentionMs: 86_400_000,
  maxEventsPerCustomer: 1_000,
};

/**
 * The retained lifecycle events of each customer, in publication order, for subscribers that
 * resume. `replayAfter` answers the events published after `position` in `customerId`'s log, or
 * undefined when that position cannot be resumed from: its own event is no longer retained
 * (older than the retention, or trimmed by the count bound), or the log never had it. Never a
 * list with a silent gap.
 */
export interface AccountEventLog {
  replayAfter(
    customerId: string,
    position: StreamPosition,
  ): Promise<PublishedLifecycleEvent[] | undefined>;
}

/**
 * Thrown when a subscription asks to resume from a cursor that cannot be resumed (malformed,
 * unknown, another customer's, or older than what is retained): the client must reload its
 * state and subscribe again without one.
 */
export class CursorNotResumableError extends Error {
  constructor() {
    super(
      "This cursor cannot be resumed: it is unknown, or older than the events the gateway keeps. Reload the dashboard's data, then subscribe again without `after`.",
    );
    this.name = "CursorNotResumableError";
  }
}

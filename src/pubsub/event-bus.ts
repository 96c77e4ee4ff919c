import type { AccountLifecycleMessage, PublishedLifecycleEvent } from "./account-event.js";
import type { SubscribeOptions } from "./local-fanout.js";

/**
 * Carries lifecycle events from the webhook path to subscribers. `publish` gives the event its
 * position in its customer's stream and keeps it in the event log (for subscribers that resume),
 * and resolves once the event is handed to the transport (it rejects when it could not be, so
 * the webhook answers 5xx and Stripe retries); `subscribe` yields the events of one customer, on
 * every gateway instance that shares the transport, until the iterator is returned or the bus
 * closes; `resume` yields the customer's retained events after a cursor, then live ones.
 */
export interface AccountEventBus {
  publish(event: AccountLifecycleMessage): Promise<void>;
  subscribe(
    customerId: string,
    options?: SubscribeOptions,
  ): AsyncIterableIterator<PublishedLifecycleEvent>;
  /**
   * The customer's events after `cursor` (an event's `cursor`), in order and once each, then
   * live. Rejects with CursorNotResumableError (src/pubsub/event-log.ts) when the cursor is
   * malformed, another customer's, unknown, or older than what is retained.
   */
  resume(
    customerId: string,
    cursor: string,
    options?: SubscribeOptions,
  ): Promise<AsyncIterableIterator<PublishedLifecycleEvent>>;
  /** True when the bus can accept events now (readiness). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

import type { AccountLifecycleMessage } from "./account-event.js";
import type { SubscribeOptions } from "./local-fanout.js";

/**
 * Carries lifecycle events from the webhook path to subscribers. `publish` resolves once the
 * event is handed to the transport (and rejects when it could not be, so the webhook answers 5xx
 * and Stripe retries); `subscribe` yields the events of one customer, on every gateway instance
 * that shares the transport, until the iterator is returned or the bus closes.
 */
export interface AccountEventBus {
  publish(event: AccountLifecycleMessage): Promise<void>;
  subscribe(
    customerId: string,
    options?: SubscribeOptions,
  ): AsyncIterableIterator<AccountLifecycleMessage>;
  /** True when the bus can accept events now (readiness). */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

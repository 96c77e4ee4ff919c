import type { AccountLifecycleMessage } from "./account-event.js";

/** One subscriber's queue: events waiting to be pulled, or a pull waiting for an event. */
interface Subscriber<E> {
  queue: E[];
  waiting: ((result: IteratorResult<E>) => void) | undefined;
  done: boolean;
}

/**
 * Told, after a customer's subscriber count changed (a subscription registered or ended), the
 * customer and its new count.
 */
export type SubscribersChangedListener = (customerId: string, subscribers: number) => void;

/** Most events one slow subscriber may have waiting; older ones are dropped beyond it. */
const MAX_QUEUED_PER_SUBSCRIBER = 1_000;

/**
 * Delivers events to this process's subscribers, by customer. Each subscriber gets an async
 * iterator with its own bounded queue, so a slow socket cannot hold up the others; returning the
 * iterator unsubscribes it.
 */
export class LocalFanout<E extends { customerId: string } = AccountLifecycleMessage> {
  private readonly byCustomer = new Map<string, Set<Subscriber<E>>>();
  private readonly listeners = new Set<SubscribersChangedListener>();

  /** Hands the event to every current subscriber of its customer. */
  deliver(event: E): void {
    for (const subscriber of this.byCustomer.get(event.customerId) ?? []) {
      if (subscriber.waiting) {
        const resolve = subscriber.waiting;
        subscriber.waiting = undefined;
        resolve({ value: event, done: false });
      } else {
        subscriber.queue.push(event);
        if (subscriber.queue.length > MAX_QUEUED_PER_SUBSCRIBER) subscriber.queue.shift();
      }
    }
  }

  /** An iterator over the customer's events from now on. */
  subscribe(customerId: string): AsyncIterableIterator<E> {
    const subscriber: Subscriber<E> = { queue: [], waiting: undefined, done: false };
    const set = this.byCustomer.get(customerId) ?? new Set<Subscriber<E>>();
    set.add(subscriber);
    this.byCustomer.set(customerId, set);
    this.notify(customerId);
    const finish = (): IteratorResult<E> => {
      subscriber.done = true;
      const removed = set.delete(subscriber);
      // Only this subscription's own set: a newer one may have replaced it since it emptied.
      if (set.size === 0 && this.byCustomer.get(customerId) === set) {
        this.byCustomer.delete(customerId);
      }
      subscriber.waiting?.({ value: undefined, done: true });
      subscriber.waiting = undefined;
      if (removed) this.notify(customerId);
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterableIterator<E> = {
      next: () => {
        const queued = subscriber.queue.shift();
        if (queued) return Promise.resolve({ value: queued, done: false });
        if (subscriber.done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          subscriber.waiting = resolve;
        });
      },
      return: () => Promise.resolve(finish()),
      throw: (error: unknown) => {
        finish();
        return Promise.reject(error);
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Ends every subscription. */
  closeAll(): void {
    const customers = [...this.byCustomer.keys()];
    for (const set of this.byCustomer.values()) {
      for (const subscriber of set) {
        subscriber.done = true;
        subscriber.waiting?.({ value: undefined, done: true });
      }
    }
    this.byCustomer.clear();
    for (const customerId of customers) this.notify(customerId);
  }

  /** Subscribers of one customer in this process. */
  subscribersOf(customerId: string): number {
    return this.byCustomer.get(customerId)?.size ?? 0;
  }

  /**
   * Calls `listener` after every change of a customer's subscriber count, with the new count;
   * returns the function that removes it. An observation point only (tests wait on it for a
   * subscription to be registered instead of sleeping): it never affects delivery, and a listener
   * that throws is ignored.
   */
  onSubscribersChanged(listener: SubscribersChangedListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private notify(customerId: string): void {
    const count = this.subscribersOf(customerId);
    for (const listener of this.listeners) {
      try {
        listener(customerId, count);
      } catch {
        // An observer's failure must not break a subscription.
      }
    }
  }

  /** Subscribers in this process (for metrics). */
  get size(): number {
    let total = 0;
    for (const set of this.byCustomer.values()) total += set.size;
    return total;
  }
}

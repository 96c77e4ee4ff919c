import type { AccountLifecycleMessage } from "./account-event.js";

/** One subscriber's queue: events waiting to be pulled, or a pull waiting for an event. */
interface Subscriber<E> {
  queue: E[];
  waiting: ((result: IteratorResult<E>) => void) | undefined;
  done: boolean;
  /** Set when more than the bound waited: the subscription is over, its next pull fails. */
  overflowed: boolean;
  ended: () => void;
  onOverflow: (() => void) | undefined;
}

/** How a subscription's events are pulled: told when its reader fell too far behind. */
export interface SubscribeOptions {
  /** Called once, when more than the fanout's bound of events waited for this subscription. */
  onOverflow?: () => void;
}

/**
 * What the next pull of a subscription whose reader fell behind throws: the subscription is
 * over (SLOW_CONSUMER).
 */
export class SlowConsumerError extends Error {
  override name = "SlowConsumerError";
  constructor(readonly maxPending: number) {
    super(
      `The subscription was ended: its reader did not keep up (more than ${maxPending} events waiting).`,
    );
  }
}

/**
 * Told, after a customer's subscriber count changed (a subscription registered or ended), the
 * customer and its new count.
 */
export type SubscribersChangedListener = (customerId: string, subscribers: number) => void;

/** Most events one subscriber may have waiting, unless the fanout is given another bound. */
export const DEFAULT_MAX_PENDING_EVENTS = 100;

/**
 * Delivers events to this process's subscribers, by customer. Each subscriber gets an async
 * iterator with its own queue, so a slow socket cannot hold up the others; returning the
 * iterator unsubscribes it. A queue holds at most `maxPendingEvents` (STREAM_MAX_PENDING_EVENTS):
 * the transports pull an event only once the previous one was written out, so a queue fills when
 * its reader does not read. One more event ends that subscription: its queue is dropped, it is
 * unsubscribed, its `onOverflow` is called (the transport sends the last message and closes), and
 * its next pull throws SlowConsumerError. Nothing is dropped silently.
 */
export class LocalFanout<E extends { customerId: string } = AccountLifecycleMessage> {
  constructor(readonly maxPendingEvents: number = DEFAULT_MAX_PENDING_EVENTS) {}

  private readonly byCustomer = new Map<string, Set<Subscriber<E>>>();
  private readonly listeners = new Set<SubscribersChangedListener>();

  /** Hands the event to every current subscriber of its customer. */
  deliver(event: E): void {
    for (const subscriber of this.byCustomer.get(event.customerId) ?? []) {
      if (subscriber.waiting) {
        const resolve = subscriber.waiting;
        subscriber.waiting = undefined;
        resolve({ value: event, done: false });
      } else if (subscriber.queue.length >= this.maxPendingEvents) {
        subscriber.overflowed = true;
        subscriber.queue.length = 0;
        subscriber.ended();
        subscriber.onOverflow?.();
      } else {
        subscriber.queue.push(event);
      }
    }
  }

  /** An iterator over the customer's events from now on. */
  subscribe(customerId: string, options: SubscribeOptions = {}): AsyncIterableIterator<E> {
    const subscriber: Subscriber<E> = {
      queue: [],
      waiting: undefined,
      done: false,
      overflowed: false,
      ended: () => {},
      onOverflow: options.onOverflow,
    };
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
    subscriber.ended = () => {
      if (set.delete(subscriber)) {
        if (set.size === 0 && this.byCustomer.get(customerId) === set) {
          this.byCustomer.delete(customerId);
        }
        this.notify(customerId);
      }
    };
    const iterator: AsyncIterableIterator<E> = {
      next: () => {
        if (subscriber.overflowed) {
          subscriber.overflowed = false;
          subscriber.done = true;
          return Promise.reject(new SlowConsumerError(this.maxPendingEvents));
        }
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

  /** The customers with subscribers in this process. */
  customers(): string[] {
    return [...this.byCustomer.keys()];
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

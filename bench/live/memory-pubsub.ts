/** A topic's subscriber: values waiting to be pulled, or a pull waiting for a value. */
interface Listener<T> {
  queue: T[];
  waiting: ((result: IteratorResult<T>) => void) | undefined;
}

/**
 * The simplest in-memory pubsub a graphql-ws server could use: `publish` hands a value to every
 * current iterator of its topic at once (unbounded queues, no filtering, no transport), and
 * returning an iterator unsubscribes it.
 */
export class MemoryPubSub<T> {
  private readonly topics = new Map<string, Set<Listener<T>>>();

  /** Delivers `value` to every current subscriber of `topic`. */
  publish(topic: string, value: T): void {
    for (const listener of this.topics.get(topic) ?? []) {
      const resolve = listener.waiting;
      listener.waiting = undefined;
      if (resolve) resolve({ value, done: false });
      else listener.queue.push(value);
    }
  }

  /** The values published to `topic` from now on, until the iterator is returned. */
  subscribe(topic: string): AsyncIterableIterator<T> {
    const listener: Listener<T> = { queue: [], waiting: undefined };
    const listeners = this.topics.get(topic) ?? new Set<Listener<T>>();
    listeners.add(listener);
    this.topics.set(topic, listeners);
    const done = (): IteratorResult<T> => {
      listeners.delete(listener);
      listener.waiting?.({ value: undefined, done: true });
      return { value: undefined, done: true };
    };
    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        const queued = listener.queue.shift();
        if (queued !== undefined) return Promise.resolve({ value: queued, done: false });
        return new Promise((resolve) => {
          listener.waiting = resolve;
        });
      },
      return: () => Promise.resolve(done()),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

/** An async iterator of an operation's answers that its transport (or the gateway) can end at once. */
export interface ResultStream<T> extends AsyncIterableIterator<T> {
  /**
   * Ends the stream now, even while it waits for its next event: `last`, when given, is the one
   * item still delivered; then the stream is done and its source returned.
   */
  stop(last?: T): void;
  /** Returns the source and ends the stream (a client went away); resolves once it is done. */
  return(): Promise<IteratorResult<T>>;
  throw(error?: unknown): Promise<IteratorResult<T>>;
}

/**
 * Wraps `source` (a subscription's event stream, or a single answer) so that it can be ended
 * while it waits: an async generator's `return` waits for its pending `next`, which for a
 * subscription is the next event, perhaps never. Each item of `source` goes through `map`; an
 * error `source` throws becomes `failed(error)`, its last item. `onEnd` runs exactly once, when
 * the stream ends for any reason (source done, stopped, returned, failed).
 */
export function resultStream<S, T>(
  source: AsyncIterator<S>,
  handlers: { map: (item: S) => T; failed: (error: unknown) => T; onEnd: () => void },
): ResultStream<T> {
  let ended = false;
  let pendingLast: { item: T } | undefined;
  /** One pull waiting for the source (or the end): answered once, by whichever comes first. */
  interface Pull {
    resolve: (result: IteratorResult<T>) => void;
    reject: (error: unknown) => void;
  }
  /**
   * The pulls waiting now (answered with the last item, or done, when the stream ends). Each pull
   * is here until it is answered, and no longer: one stop signal for the stream's whole life,
   * raced by every pull, kept every pull's race handlers, and its event, until the stream ended.
   */
  const waiting = new Set<Pull>();
  const done = (): IteratorResult<T> => ({ value: undefined, done: true });
  const takeLast = (): IteratorResult<T> => {
    const last = pendingLast;
    pendingLast = undefined;
    return last ? { value: last.item, done: false } : done();
  };
  /** Answers `pull` with `answer(input)` unless it was answered already. */
  const settle = <I>(pull: Pull, answer: (input: I) => IteratorResult<T>, input: I) => {
    if (!waiting.delete(pull)) return;
    try {
      pull.resolve(answer(input));
    } catch (error) {
      pull.reject(error);
    }
  };
  const end = () => {
    if (ended) return;
    ended = true;
    for (const pull of waiting) settle(pull, takeLast, undefined);
    handlers.onEnd();
    // A source that is already done, or fails as it returns, has nothing more to say.
    void Promise.resolve(source.return?.()).catch(() => {});
  };
  const pulledItem = (outcome: IteratorResult<S>): IteratorResult<T> => {
    if (ended) return takeLast();
    if (outcome.done) {
      end();
      return done();
    }
    return { value: handlers.map(outcome.value), done: false };
  };
  const pullFailed = (error: unknown): IteratorResult<T> => {
    if (ended) return takeLast();
    pendingLast = { item: handlers.failed(error) };
    end();
    return takeLast();
  };
  const stream: ResultStream<T> = {
    [Symbol.asyncIterator]: () => stream,
    next: () => {
      if (ended) return Promise.resolve(takeLast());
      // A promise of its own, answered by whichever comes first: the source's item or the end.
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        const pull: Pull = { resolve, reject };
        waiting.add(pull);
        let pulled: Promise<IteratorResult<S>>;
        try {
          pulled = Promise.resolve(source.next());
        } catch (error) {
          pulled = Promise.reject(error);
        }
        pulled.then(
          (outcome) => settle(pull, pulledItem, outcome),
          (error: unknown) => settle(pull, pullFailed, error),
        );
      });
    },
    stop: (last) => {
      if (ended) return;
      if (last !== undefined) pendingLast = { item: last };
      end();
    },
    return: async () => {
      pendingLast = undefined;
      end();
      return done();
    },
    throw: async () => {
      pendingLast = undefined;
      end();
      return done();
    },
  };
  return stream;
}

/**
 * `stream` with each item through `map`, keeping what a generator would lose: its `return`
 * reaches `stream` at once, even while a `next` waits.
 */
export function mapStream<T, U>(
  stream: AsyncIterator<T>,
  map: (item: T) => U,
): AsyncIterableIterator<U> & {
  return(): Promise<IteratorResult<U>>;
  throw(error?: unknown): Promise<IteratorResult<U>>;
} {
  const done = (): IteratorResult<U> => ({ value: undefined, done: true });
  const mapped = {
    [Symbol.asyncIterator]: () => mapped,
    next: async (): Promise<IteratorResult<U>> => {
      const outcome = await stream.next();
      return outcome.done ? done() : { value: map(outcome.value), done: false };
    },
    return: async () => {
      await stream.return?.();
      return done();
    },
    throw: async () => {
      await stream.return?.();
      return done();
    },
  };
  return mapped;
}

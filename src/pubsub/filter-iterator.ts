/**
 * Yields the items of `source` that pass `keep`. Returning (or throwing into) the result returns
 * the source too, so an unsubscribed client releases its place in the bus at once.
 */
export function filterIterator<T>(
  source: AsyncIterableIterator<T>,
  keep: (item: T) => boolean,
): AsyncIterableIterator<T> {
  // A chain of `then`s rather than an async loop: one promise per pull of the source (this is
  // on every subscriber's path for every event).
  const kept = (result: IteratorResult<T>): IteratorResult<T> | Promise<IteratorResult<T>> =>
    result.done || keep(result.value) ? result : source.next().then(kept);
  const iterator: AsyncIterableIterator<T> = {
    next: () => {
      try {
        return source.next().then(kept);
      } catch (error) {
        return Promise.reject(error);
      }
    },
    return: async () => (await source.return?.()) ?? { value: undefined, done: true },
    throw: async (error: unknown) => {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

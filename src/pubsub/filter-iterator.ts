/**
 * Yields the items of `source` that pass `keep`. Returning (or throwing into) the result returns
 * the source too, so an unsubscribed client releases its place in the bus at once.
 */
export function filterIterator<T>(
  source: AsyncIterableIterator<T>,
  keep: (item: T) => boolean,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      for (;;) {
        const result = await source.next();
        if (result.done || keep(result.value)) return result;
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

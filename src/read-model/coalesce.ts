/**
 * Coalesces reads of one key so that each caller gets a read that *started after it asked*, while
 * concurrent callers share reads: with one read in flight, every caller arriving meanwhile shares
 * one follow-up read, started when the first ends. So at most two reads per key run back to back,
 * however many callers, and no caller is answered with a state read before it asked (an event
 * about a change never gets a read from before the change).
 */
export function createCoalescer() {
  const running = new Map<string, Promise<unknown>>();
  const queued = new Map<string, Promise<unknown>>();
  const start = <T>(key: string, read: () => Promise<T>): Promise<T> => {
    const promise = read().finally(() => {
      if (running.get(key) === promise) running.delete(key);
    });
    running.set(key, promise);
    return promise;
  };
  return <T>(key: string, read: () => Promise<T>): Promise<T> => {
    const waiting = queued.get(key);
    if (waiting !== undefined) return waiting as Promise<T>;
    const current = running.get(key);
    if (current === undefined) return start(key, read);
    const next = current
      .catch(() => {})
      .then(() => {
        queued.delete(key);
        return start(key, read);
      });
    queued.set(key, next);
    return next;
  };
}

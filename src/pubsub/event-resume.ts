import type { PublishedLifecycleEvent } from "./account-event.js";
import { type AccountEventLog, CursorNotResumableError } from "./event-log.js";
import { comparePositions, decodeCursor } from "./event-position.js";

/**
 * The customer's events after `cursor`, then live, with no gap and no duplicate at the seam: the
 * live subscription (`subscribeLive`, registered before anything is read) buffers while the log
 * is read; the replayed events come first, then the live ones after the last replayed position
 * (one published during the replay is in the log, the buffer or both: never lost, sent once).
 * Rejects with CursorNotResumableError, holding nothing, when the cursor is malformed, another
 * customer's, unknown or no longer retained.
 */
export async function resumeAfter(
  customerId: string,
  cursor: string,
  subscribeLive: () => AsyncIterableIterator<PublishedLifecycleEvent>,
  log: AccountEventLog,
): Promise<AsyncIterableIterator<PublishedLifecycleEvent>> {
  const position = decodeCursor(customerId, cursor);
  if (position === undefined) throw new CursorNotResumableError();
  const live = subscribeLive();
  let replay: PublishedLifecycleEvent[] | undefined;
  try {
    replay = await log.replayAfter(customerId, position);
  } catch (error) {
    await live.return?.();
    throw error;
  }
  if (replay === undefined) {
    await live.return?.();
    throw new CursorNotResumableError();
  }
  const pending = replay;
  let last = pending.at(-1)?.position ?? position;
  const iterator: AsyncIterableIterator<PublishedLifecycleEvent> = {
    next: async () => {
      const replayed = pending.shift();
      if (replayed) return { value: replayed, done: false };
      for (;;) {
        const result = await live.next();
        if (result.done) return result;
        if (comparePositions(result.value.position, last) > 0) {
          last = result.value.position;
          return result;
        }
      }
    },
    return: async () => {
      pending.length = 0;
      return (await live.return?.()) ?? { value: undefined, done: true };
    },
    throw: async (error: unknown) => {
      await live.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

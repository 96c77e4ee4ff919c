/**
 * setTimeout's largest delay, 2^31 - 1 ms (about 24.8 days). Node runs a timer with a longer
 * delay after 1 ms instead (TimeoutOverflowWarning).
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** A pending deadline. */
export interface Deadline {
  /** Stops it: `onDeadline` will not be called. Safe to call more than once, or after it fired. */
  cancel(): void;
}

/**
 * Calls `onDeadline` once at `atMs` (epoch milliseconds), or on the next turn of the timers when
 * that moment has passed; never synchronously. A deadline beyond setTimeout's limit is reached
 * in steps of at most MAX_TIMER_DELAY_MS, each re-armed from the clock, so it never fires early.
 * The timers do not keep the process alive.
 */
export function atDeadline(atMs: number, onDeadline: () => void): Deadline {
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    const remaining = Math.max(0, atMs - Date.now());
    timer =
      remaining > MAX_TIMER_DELAY_MS
        ? setTimeout(arm, MAX_TIMER_DELAY_MS)
        : setTimeout(onDeadline, remaining);
    timer.unref();
  };
  arm();
  return { cancel: () => clearTimeout(timer) };
}

/**
 * The gateway's client-side Stripe rate limiter: one per process, shared by every operation and
 * the webhook path, so bursts wait here instead of turning into upstream 429s.
 */
export interface StripeLimiter {
  /**
   * Runs `task` once a token is free, in arrival order (FIFO: a late caller never overtakes a
   * waiting one). Never rejects on its own: it only delays; the task's result or rejection is
   * passed through unchanged.
   */
  schedule<T>(task: () => Promise<T>): Promise<T>;
  /** Callers waiting for a token right now (for metrics and readiness). */
  queued(): number;
}

/** A token bucket's shape. */
export interface TokenBucketOptions {
  /** Tokens added per second, continuously; a positive finite number. */
  refillPerSecond: number;
  /** Bucket capacity: how many calls may leave at once after a quiet spell; a whole number >= 1. */
  capacity: number;
  /** Called with how long each call waited, in ms (0 when a token was free). */
  onWait?: (waitedMs: number) => void;
  /** Clock in ms; tests may pass a fake one. */
  now?: () => number;
}

/** Tolerance for float drift when the timer fires exactly at the computed refill instant. */
const EPSILON = 1e-9;

/**
 * Builds a token bucket. Over any interval of T seconds it lets at most
 * `capacity + refillPerSecond * T` calls start, so `capacity + refillPerSecond` bounds every
 * one-second window. Throws a RangeError naming the bad value when an option is out of range.
 */
export function createTokenBucket(options: TokenBucketOptions): StripeLimiter {
  const { refillPerSecond, capacity } = options;
  if (!Number.isFinite(refillPerSecond) || refillPerSecond <= 0) {
    throw new RangeError(`refillPerSecond must be a positive number, got ${refillPerSecond}`);
  }
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`capacity must be a whole number >= 1, got ${capacity}`);
  }
  const now = options.now ?? (() => performance.now());
  let tokens = capacity;
  let refilledAt = now();
  const waiting: (() => void)[] = [];
  let timer: NodeJS.Timeout | undefined;

  const refill = () => {
    const at = now();
    tokens = Math.min(capacity, tokens + ((at - refilledAt) * refillPerSecond) / 1000);
    refilledAt = at;
  };
  // Releases as many waiters as there are tokens, then sleeps until the next token is due.
  const release = () => {
    timer = undefined;
    refill();
    while (waiting.length > 0 && tokens >= 1 - EPSILON) {
      tokens -= 1;
      waiting.shift()?.();
    }
    if (waiting.length > 0) {
      const dueMs = Math.max(1, Math.ceil(((1 - tokens) * 1000) / refillPerSecond));
      timer = setTimeout(release, dueMs);
    }
  };
  const acquire = (): Promise<void> => {
    if (waiting.length === 0) {
      refill();
      if (tokens >= 1 - EPSILON) {
        tokens -= 1;
        return Promise.resolve();
      }
    }
    return new Promise<void>((resolve) => {
      waiting.push(resolve);
      if (timer === undefined) release();
    });
  };

  return {
    schedule: async (task) => {
      const asked = now();
      await acquire();
      options.onWait?.(now() - asked);
      return task();
    },
    queued: () => waiting.length,
  };
}

/** A limiter that never waits: for tools (the naive bench server) that measure without one. */
export const UNLIMITED: StripeLimiter = {
  schedule: (task) => task(),
  queued: () => 0,
};

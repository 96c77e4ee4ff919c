/** What a token source answers: how many tokens were taken, and when the next one is due. */
export interface TakenTokens {
  /** 0..wanted. */
  taken: number;
  /** When fewer than wanted were taken: ms until the next token is due (>= 1); else 0. */
  nextInMs: number;
}

/**
 * Where the Stripe budget's tokens come from: the process's own bucket, or one bucket in Redis
 * shared by every instance. Never rejects.
 */
export interface TokenSource {
  take(wanted: number): Promise<TakenTokens>;
}

/** A token bucket's shape. */
export interface BucketShape {
  /** Bucket capacity; a whole number >= 1. */
  capacity: number;
  /** Tokens added per second, continuously; positive. */
  refillPerSecond: number;
}

const EPSILON = 1e-9;

/**
 * A token bucket in this process: over any T seconds at most `capacity + refillPerSecond * T`
 * tokens are taken. Throws a RangeError naming a bad value.
 */
export function localTokenSource(
  shape: BucketShape,
  now: () => number = () => performance.now(),
): TokenSource {
  const { capacity, refillPerSecond } = shape;
  if (!Number.isFinite(refillPerSecond) || refillPerSecond <= 0) {
    throw new RangeError(`refillPerSecond must be a positive number, got ${refillPerSecond}`);
  }
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`capacity must be a whole number >= 1, got ${capacity}`);
  }
  let tokens = capacity;
  let refilledAt = now();
  return {
    take: async (wanted) => {
      const at = now();
      tokens = Math.min(capacity, tokens + ((at - refilledAt) * refillPerSecond) / 1000);
      refilledAt = at;
      const taken = Math.max(0, Math.min(wanted, Math.floor(tokens + EPSILON)));
      tokens -= taken;
      const nextInMs =
        taken < wanted ? Math.max(1, Math.ceil(((1 - tokens) * 1000) / refillPerSecond)) : 0;
      return { taken, nextInMs };
    },
  };
}

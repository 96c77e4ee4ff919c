import { StripeBudgetRefusedError } from "./stripe-budget-refused.js";
import { localTokenSource, type TokenSource } from "./token-source.js";

/** Who a Stripe call is for: a customer id, or SYSTEM_CALLER for work no customer asked for. */
export type StripeCaller = string;

/** The caller of webhook handling, readiness probes and other work without a customer. */
export const SYSTEM_CALLER: StripeCaller = "(system)";

/**
 * The gateway's Stripe budget: a token bucket whose waiting calls are served per caller in turn
 * (round-robin across customers), with system work served at least every `systemTurnEvery`-th
 * grant while it waits (its reserved share), and any capacity nobody else wants.
 */
export interface FairStripeLimiter {
  /**
   * Resolves once `caller` may send one request (a token taken). `bounded` calls (a call's first
   * attempt, or a 429 retry) are refused with StripeBudgetRefusedError, without waiting, when
   * the caller already has `maxQueuePerCaller` calls waiting, and when one waited `maxWaitMs`;
   * unbounded ones (stripe-node's network retries of a call already admitted) wait their turn.
   * System calls are never refused.
   */
  acquire(caller: StripeCaller, bounded: boolean): Promise<void>;
  /** Calls waiting right now, all callers together (for metrics). */
  queued(): number;
}

/** A fair limiter's shape. */
export interface FairLimiterOptions {
  /** Tokens added per second, continuously; positive. */
  refillPerSecond: number;
  /** Bucket capacity; a whole number >= 1. */
  capacity: number;
  /** Most calls one customer may have waiting; a whole number >= 1. */
  maxQueuePerCaller: number;
  /** Longest a customer's call may wait for its turn, in ms. */
  maxWaitMs: number;
  /** System work gets at least one of every this many grants while it waits; default 4. */
  systemTurnEvery?: number;
  /**
   * Where tokens come from; default: a bucket in this process of `capacity` and
   * `refillPerSecond` (a Redis bucket shares one budget between instances).
   */
  source?: TokenSource;
  /** Called with how long each granted call waited, in ms. */
  onWait?: (waitedMs: number) => void;
  /** Clock in ms; tests may pass a fake one. */
  now?: () => number;
}

interface Waiter {
  grant(): void;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Builds a fair, bounded limiter. Over any T seconds at most `capacity + refillPerSecond * T`
 * requests start, whoever asks (with a shared `source`: across all its users). Memory is bounded: at most `maxQueuePerCaller` bounded waiters
 * per customer (plus the network retries of calls already admitted).
 */
export function createFairLimiter(options: FairLimiterOptions): FairStripeLimiter {
  const { refillPerSecond, capacity, maxQueuePerCaller, maxWaitMs } = options;
  const source = options.source ?? localTokenSource({ capacity, refillPerSecond }, options.now);
  if (!Number.isInteger(maxQueuePerCaller) || maxQueuePerCaller < 1) {
    throw new RangeError(`maxQueuePerCaller must be a whole number >= 1, got ${maxQueuePerCaller}`);
  }
  const systemTurnEvery = options.systemTurnEvery ?? 4;
  const now = options.now ?? (() => performance.now());
  let timer: NodeJS.Timeout | undefined;
  let pumping = false;
  // Customers with waiting calls, in turn order (a Map keeps insertion order: the ring).
  const customers = new Map<StripeCaller, Waiter[]>();
  const system: Waiter[] = [];
  let grantsSinceSystem = 0;
  let waitingCount = 0;

  const nextWaiter = (): Waiter | undefined => {
    const systemTurn =
      system.length > 0 && (grantsSinceSystem >= systemTurnEvery - 1 || customers.size === 0);
    if (systemTurn) {
      grantsSinceSystem = 0;
      return system.shift();
    }
    const first = customers.entries().next();
    if (first.done) return undefined;
    const [caller, queue] = first.value;
    const waiter = queue.shift();
    customers.delete(caller);
    // Back of the ring: every other customer with waiting calls goes first.
    if (queue.length > 0) customers.set(caller, queue);
    if (system.length > 0) grantsSinceSystem += 1;
    return waiter;
  };
  // Takes tokens for the waiters and grants them in turn until none wait or the source is dry,
  // then sleeps until the source's next token is due. One pump runs at a time.
  const pump = async () => {
    timer = undefined;
    pumping = true;
    try {
      while (waitingCount > 0) {
        const wanted = Math.min(waitingCount, capacity);
        const { taken, nextInMs } = await source.take(wanted);
        // A waiter that timed out meanwhile leaves its token unused: under the limit, not over.
        for (let granted = 0; granted < taken; granted++) {
          const waiter = nextWaiter();
          if (waiter === undefined) break;
          waitingCount -= 1;
          clearTimeout(waiter.timer);
          waiter.grant();
        }
        if (taken < wanted && waitingCount > 0) {
          timer = setTimeout(() => void pump(), Math.max(1, nextInMs));
          return;
        }
      }
    } finally {
      pumping = false;
    }
  };
  // Seconds until a caller with `ahead` calls queued gets through, sharing with the others.
  const retryAfter = (ahead: number) =>
    Math.max(1, Math.ceil(((ahead + 1) * Math.max(1, customers.size)) / refillPerSecond));

  return {
    acquire: (caller, bounded) => {
      const asked = now();
      const isSystem = caller === SYSTEM_CALLER;
      const queue = isSystem ? system : (customers.get(caller) ?? []);
      if (bounded && !isSystem && queue.length >= maxQueuePerCaller) {
        return Promise.reject(new StripeBudgetRefusedError(retryAfter(queue.length), "queue full"));
      }
      return new Promise<void>((resolve, reject) => {
        const waiter: Waiter = {
          grant: () => {
            options.onWait?.(now() - asked);
            resolve();
          },
          timer: undefined,
        };
        if (bounded && !isSystem) {
          waiter.timer = setTimeout(() => {
            const at = queue.indexOf(waiter);
            if (at < 0) return;
            queue.splice(at, 1);
            waitingCount -= 1;
            if (queue.length === 0 && customers.get(caller) === queue) customers.delete(caller);
            reject(new StripeBudgetRefusedError(retryAfter(queue.length), "waited too long"));
          }, maxWaitMs);
        }
        queue.push(waiter);
        if (!isSystem && !customers.has(caller)) customers.set(caller, queue);
        waitingCount += 1;
        if (!pumping && timer === undefined) void pump();
      });
    },
    queued: () => waitingCount,
  };
}

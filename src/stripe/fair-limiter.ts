import { StripeBudgetRefusedError } from "./stripe-budget-refused.js";
import { localTokenSource, type TokenSource } from "./token-source.js";

/** Who a Stripe call is for: a customer id, or SYSTEM_CALLER for work no customer asked for. */
export type StripeCaller = string;

/** The caller of webhook handling, readiness probes and other work without a customer. */
export const SYSTEM_CALLER: StripeCaller = "(system)";

/**
 * The gateway's Stripe budget: a token bucket whose waiting calls are served least recent usage
 * first (each token goes to the waiting customer that was granted the fewest tokens lately, ties
 * in turn), with system work served at least every `systemTurnEvery`-th grant while it waits
 * (its reserved share), and any capacity nobody else wants. A customer's burst delays its own
 * calls: a customer that arrives while another is backlogged has used less, so it goes first
 * until it has used as much; customers that all want everything share it equally.
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
  /** Customers whose recent usage is remembered right now (bounded; for tests). */
  trackedCallers(): number;
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
   * How fast a customer's recent usage is forgotten: the tokens it was granted count half after
   * this many ms; default USAGE_HALF_LIFE_MS.
   */
  usageHalfLifeMs?: number;
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

/** Default half-life of a customer's recent usage (ms). */
export const USAGE_HALF_LIFE_MS = 2_000;
/** Usage below this (in tokens) is forgotten: the customer counts as idle. */
const IDLE_USAGE = 0.01;

interface Waiter {
  grant(): void;
  timer: NodeJS.Timeout | undefined;
}

/** A customer's recent usage: tokens granted, decayed by half every half-life, as of `at` (ms). */
interface Usage {
  tokens: number;
  at: number;
}

/**
 * Builds a fair, bounded limiter. Over any T seconds at most `capacity + refillPerSecond * T`
 * requests start, whoever asks (with a shared `source`: across all its users). Memory is
 * bounded: at most `maxQueuePerCaller` bounded waiters per customer (plus the network retries of
 * calls already admitted), and a usage record per customer granted a token lately (records
 * decayed to idle are swept once they outnumber the rest).
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
  const halfLifeMs = options.usageHalfLifeMs ?? USAGE_HALF_LIFE_MS;
  const usage = new Map<StripeCaller, Usage>();
  let sweepAbove = 64;

  const usageOf = (caller: StripeCaller, at: number): number => {
    const used = usage.get(caller);
    return used === undefined ? 0 : used.tokens * 2 ** (-(at - used.at) / halfLifeMs);
  };
  const noteGrant = (caller: StripeCaller, at: number) => {
    usage.set(caller, { tokens: usageOf(caller, at) + 1, at });
    if (usage.size <= sweepAbove) return;
    for (const [other] of usage) {
      if (!customers.has(other) && usageOf(other, at) < IDLE_USAGE) usage.delete(other);
    }
    sweepAbove = Math.max(64, 2 * usage.size);
  };
  /** The waiting customer with the least recent usage; the first in turn order among equals. */
  const leastUsed = (at: number): StripeCaller | undefined => {
    let chosen: StripeCaller | undefined;
    let least = Number.POSITIVE_INFINITY;
    for (const caller of customers.keys()) {
      const used = usageOf(caller, at);
      if (used < least) {
        least = used;
        chosen = caller;
      }
    }
    return chosen;
  };

  const nextWaiter = (): Waiter | undefined => {
    const systemTurn =
      system.length > 0 && (grantsSinceSystem >= systemTurnEvery - 1 || customers.size === 0);
    if (systemTurn) {
      grantsSinceSystem = 0;
      return system.shift();
    }
    const at = now();
    const caller = leastUsed(at);
    const queue = caller === undefined ? undefined : customers.get(caller);
    if (caller === undefined || queue === undefined) return undefined;
    const waiter = queue.shift();
    customers.delete(caller);
    // Back of the turn order: among customers with equal usage, the others go first.
    if (queue.length > 0) customers.set(caller, queue);
    noteGrant(caller, at);
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
    trackedCallers: () => usage.size,
  };
}

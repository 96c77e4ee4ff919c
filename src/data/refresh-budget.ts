import { type CostBudget, inMemoryCostBudget } from "../limits/cost-budget.js";
import { redisCostBudget } from "../limits/redis-cost-budget.js";
import type { Logger } from "../observability/logger.js";
import { LookupBudgetExhaustedError } from "./errors.js";

/**
 * How many operations reading with `refresh: true` each customer may run per minute
 * (RATE_LIMIT_REFRESHES_PER_MINUTE), on every transport and, with Redis, every instance.
 */
export interface RefreshBudget {
  /**
   * Spends one refresh of the customer's; rejects with LookupBudgetExhaustedError (RATE_LIMITED,
   * `retryAfter` when the customer's minute ends) when none is left. When the budget's store
   * cannot be reached the refresh is allowed (and logged), as the cost budget does.
   */
  spend(customerId: string): Promise<void>;
  close(): Promise<void>;
}

/** Where the refresh budget counts: Redis (shared by every instance) or this process. */
export interface RefreshBudgetOptions {
  perMinute: number;
  redisUrl?: string | undefined;
  redisKeyPrefix: string;
  logger: Logger;
}

/**
 * Builds the refresh budget: a fixed one-minute window per customer, opened by its first refresh
 * (the cost budget's counter, under `<prefix>:refresh` in Redis).
 */
export async function createRefreshBudget(options: RefreshBudgetOptions): Promise<RefreshBudget> {
  const counter: CostBudget = options.redisUrl
    ? await redisCostBudget(
        options.redisUrl,
        `${options.redisKeyPrefix}:refresh`,
        options.perMinute,
      )
    : inMemoryCostBudget(options.perMinute);
  return {
    spend: async (customerId) => {
      let spent: Awaited<ReturnType<CostBudget["spend"]>>;
      try {
        spent = await counter.spend(customerId, 1);
      } catch (error) {
        options.logger.warn(
          { err: (error as Error).message },
          "refresh budget unavailable; allowed",
        );
        return;
      }
      if (spent.allowed) return;
      throw new LookupBudgetExhaustedError(
        `Too many refresh: true reads for this customer (${options.perMinute} a minute); retry later or read without refresh.`,
        Math.max(1, Math.ceil((spent.resetAt.getTime() - Date.now()) / 1000)),
      );
    },
    close: () => counter.close(),
  };
}

/**
 * One operation's `refresh: true` state: off until a read asks for it; that read spends one of the
 * customer's refreshes, and from then on the operation reads Stripe, not the read model. A refusal
 * rejects that read and every later `refresh: true` read of the operation (nothing is refreshed).
 */
export interface RefreshMode {
  /** Whether the operation reads Stripe now. */
  isOn(): boolean;
  /**
   * Turns refreshing on (spending a refresh the first time, unless `spend` is false: a read an
   * action's cost already prices); resolves true for the call that turned it on, false once it
   * was on.
   */
  begin(options?: { spend?: boolean }): Promise<boolean>;
}

/** A fresh, off, refresh mode for one operation of `customerId()`'s (without a budget: free). */
export function createRefreshMode(
  budget: RefreshBudget | undefined,
  customerId: () => string,
): RefreshMode {
  let on = false;
  let granted: Promise<void> | undefined;
  return {
    isOn: () => on,
    begin: async ({ spend = true } = {}) => {
      const first = granted === undefined;
      granted ??= Promise.resolve()
        .then(() => (spend ? budget?.spend(customerId()) : undefined))
        .then(() => {
          on = true;
        });
      await granted;
      return first;
    },
  };
}

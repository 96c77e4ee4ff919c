/** One minute: the window of RATE_LIMIT_COST_PER_MINUTE. */
export const BUDGET_WINDOW_MS = 60_000;

/** What a spend found: whether it was charged, what is left, and when the budget refills. */
export interface SpendResult {
  /** False when the cost would overdraw the budget; nothing was charged then. */
  allowed: boolean;
  /** Points left in the customer's current window after this spend (0..limit). */
  remaining: number;
  /** When the customer's current window ends and the budget is full again. */
  resetAt: Date;
}

/**
 * Cost points each customer may spend per window of BUDGET_WINDOW_MS. A customer's window opens
 * with its first spend and the budget is full again when it closes (a fixed window per customer).
 * `spend` charges `cost` if it fits in what is left, and otherwise refuses it and charges nothing;
 * it rejects when the store cannot be reached.
 */
export interface CostBudget {
  spend(customerId: string, cost: number): Promise<SpendResult>;
  /**
   * The same spend answered now, by a budget that waits for nothing (in memory): it charges and
   * refuses exactly as `spend` and never throws. Absent when the store is remote (Redis): then
   * only `spend` charges.
   */
  spendNow?(customerId: string, cost: number): SpendResult;
  close(): Promise<void>;
}

/** Spends with `spendNow` when the budget has it (answered now), else with `spend`. */
export function spendFrom(
  budget: CostBudget,
  customerId: string,
  cost: number,
): SpendResult | Promise<SpendResult> {
  return budget.spendNow === undefined
    ? budget.spend(customerId, cost)
    : budget.spendNow(customerId, cost);
}

type Window = { openedAt: number; spent: number };

/**
 * A budget for one gateway instance, in memory: `spendNow` answers at once, `spend` is the same
 * charge as a promise. Closed windows are swept once per window, so memory stays bounded by the
 * customers active within about two minutes. `now` is injectable for tests.
 */
export function inMemoryCostBudget(limit: number, now: () => number = Date.now): CostBudget {
  const windows = new Map<string, Window>();
  let lastSweep = now();
  const sweep = (time: number) => {
    if (time - lastSweep < BUDGET_WINDOW_MS) return;
    lastSweep = time;
    for (const [customerId, window] of windows) {
      if (time >= window.openedAt + BUDGET_WINDOW_MS) windows.delete(customerId);
    }
  };
  const spendNow = (customerId: string, cost: number): SpendResult => {
    const time = now();
    sweep(time);
    let window = windows.get(customerId);
    if (window === undefined || time >= window.openedAt + BUDGET_WINDOW_MS) {
      window = { openedAt: time, spent: 0 };
      windows.set(customerId, window);
    }
    const allowed = window.spent + cost <= limit;
    if (allowed) window.spent += cost;
    return {
      allowed,
      remaining: Math.max(0, limit - window.spent),
      resetAt: new Date(window.openedAt + BUDGET_WINDOW_MS),
    };
  };
  return {
    spend: async (customerId, cost) => spendNow(customerId, cost),
    spendNow,
    close: async () => {},
  };
}

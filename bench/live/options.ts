import { intFrom } from "../options.js";

/** Settings of the live-events section (webhook fan-out and webhook ingestion). */
export interface LiveOptions {
  /** Subscribers connected to each target, one subscription per socket (BENCH_LIVE_SUBSCRIBERS, default 1000). */
  subscribers: number;
  /**
   * Customers they are spread over (BENCH_LIVE_CUSTOMERS, default 10). Each round delivers one
   * event per customer at once, so every round reaches every subscriber.
   */
  customers: number;
  /** Measured rounds (BENCH_LIVE_ROUNDS, default 30), after a few unmeasured ones. */
  rounds: number;
  /** Measured seconds of each webhook ingestion run (BENCH_WEBHOOK_DURATION, default 5). */
  ingestionSeconds: number;
}

/**
 * Parses the live-events settings. Throws an Error naming the variable when one is malformed, or
 * when the subscribers do not divide evenly over the customers (the gateway's per-customer socket
 * cap is raised to exactly subscribers / customers, at most 1,000).
 */
export function readLiveOptions(env: NodeJS.ProcessEnv = process.env): LiveOptions {
  const subscribers = intFrom(env, "BENCH_LIVE_SUBSCRIBERS", 1_000, 1, 10_000);
  const customers = intFrom(env, "BENCH_LIVE_CUSTOMERS", 10, 1, 1_000);
  if (subscribers % customers !== 0 || subscribers / customers > 1_000) {
    throw new Error(
      `BENCH_LIVE_SUBSCRIBERS (${subscribers}) must be a multiple of BENCH_LIVE_CUSTOMERS (${customers}), at most 1000 per customer`,
    );
  }
  return {
    subscribers,
    customers,
    rounds: intFrom(env, "BENCH_LIVE_ROUNDS", 30, 1, 1_000),
    ingestionSeconds: intFrom(env, "BENCH_WEBHOOK_DURATION", 5, 1, 300),
  };
}

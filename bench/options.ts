import { fileURLToPath } from "node:url";

/** One customer shape the bench creates in the sandbox. */
export interface CustomerShape {
  accounts: number;
  authorizations: number;
}

/** Settings of one bench run, read once from the environment at start-up. */
export interface BenchOptions {
  /** Measured seconds per load target (BENCH_DURATION, default 10). */
  durationSeconds: number;
  /** Unmeasured seconds of the same load before each measured run (BENCH_WARMUP, default 2). */
  warmupSeconds: number;
  /** Concurrent connections of every load run (BENCH_CONNECTIONS, default 20). */
  connections: number;
  /** Customers measured, each for Stripe calls and for load: 10 and 100 accounts over 3 authorizations. */
  customers: CustomerShape[];
  /** Where the JSON figures are written. */
  resultsFile: string;
}

/** "A few" authorizations: enough that the gateway's per-authorization calls show in the counts. */
const AUTHORIZATIONS = 3;

/**
 * Reads a whole number from `env[name]` within min..max, or the default when unset or empty.
 * Throws an Error naming the variable and the bad value otherwise.
 */
export function intFrom(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/**
 * Parses the bench settings. Throws an Error naming the variable when one is malformed, so a
 * typo fails the run at once instead of measuring something else.
 */
export function readOptions(env: NodeJS.ProcessEnv = process.env): BenchOptions {
  return {
    durationSeconds: intFrom(env, "BENCH_DURATION", 10, 1, 300),
    warmupSeconds: intFrom(env, "BENCH_WARMUP", 2, 0, 60),
    connections: intFrom(env, "BENCH_CONNECTIONS", 20, 1, 1_000),
    customers: [
      { accounts: 10, authorizations: AUTHORIZATIONS },
      { accounts: 100, authorizations: AUTHORIZATIONS },
    ],
    resultsFile: fileURLToPath(new URL("./results/latest.json", import.meta.url)),
  };
}

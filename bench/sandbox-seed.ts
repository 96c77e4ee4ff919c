import { createSeededStore } from "../src/sandbox/state/seed.js";

/** Benchmark accounts seeded, as `SANDBOX_SEED_SIZE=5000` asks of the sandbox. */
const SEEDED_ACCOUNTS = 5_000;
/** What seeding them should stay under (ms), on a quiet machine. */
const SEED_BUDGET_MS = 500;
/** Seedings timed, after one untimed to warm up; the median is reported. */
const RUNS = 5;

/** The sandbox seeding figures: accounts seeded, median ms of one seeding, and the budget. */
export interface SandboxSeedFigures {
  accounts: number;
  medianMs: number;
  budgetMs: number;
}

/**
 * Times the sandbox's seeding of SEEDED_ACCOUNTS benchmark accounts (src/sandbox/state/seed.ts),
 * the median of RUNS seedings after a warm-up. Throws when a seeding yields fewer accounts.
 */
export function measureSandboxSeed(): SandboxSeedFigures {
  const now = Math.floor(Date.now() / 1000);
  createSeededStore({ now, seedSize: SEEDED_ACCOUNTS });
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const started = performance.now();
    const store = createSeededStore({ now, seedSize: SEEDED_ACCOUNTS });
    times.push(performance.now() - started);
    if (store.accounts.size < SEEDED_ACCOUNTS) {
      throw new Error(`seeded ${store.accounts.size} accounts, expected ${SEEDED_ACCOUNTS}`);
    }
  }
  times.sort((a, b) => a - b);
  return {
    accounts: SEEDED_ACCOUNTS,
    medianMs: times[Math.floor(RUNS / 2)] ?? 0,
    budgetMs: SEED_BUDGET_MS,
  };
}

/** One line for the bench's report. */
export function formatSandboxSeed(figures: SandboxSeedFigures): string {
  const verdict = figures.medianMs <= figures.budgetMs ? "within" : "OVER";
  return `sandbox seeding: ${figures.accounts} accounts in ${figures.medianMs.toFixed(0)} ms (median of ${RUNS}; ${verdict} the ${figures.budgetMs} ms budget)`;
}

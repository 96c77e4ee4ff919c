/**
 * The per-caller fair admission gate's limits, a setting resolved from the environment
 * (GRAPHQL_MAX_ACTIVE_PER_CUSTOMER, GRAPHQL_MAX_QUEUED_PER_CUSTOMER, GRAPHQL_FAIR_PACING_FACTOR,
 * GRAPHQL_FAIR_PACING_FREE_MS, GRAPHQL_FAIR_PACING_REFUSED_MS): how many operations one caller may hold in the gate, and how a
 * caller whose operations are expensive is paced. limits/fair-admission.ts enforces them.
 */
export interface FairAdmissionLimits {
  /**
   * Operations of one caller past the gate and not yet finished (a subscription: not yet
   * executing) at once (GRAPHQL_MAX_ACTIVE_PER_CUSTOMER); its next ones wait for a turn.
   */
  maxActive: number;
  /**
   * Operations of one caller waiting for a turn besides its active ones
   * (GRAPHQL_MAX_QUEUED_PER_CUSTOMER); one more is refused RATE_LIMITED (429).
   */
  maxQueued: number;
  /** How expensive callers are paced while others are served (limits/fair-pacing.ts); none without. */
  pacing?: FairPacingLimits;
}

/** The pacing of callers whose operations are expensive (limits/fair-pacing.ts). */
export interface FairPacingLimits {
  /**
   * Times an operation's measured work past `freeMs` that the caller's next operation waits
   * while others are served (GRAPHQL_FAIR_PACING_FACTOR; 0: no pacing).
   */
  factor: number;
  /** Milliseconds of an operation's measured work that cost no wait (GRAPHQL_FAIR_PACING_FREE_MS). */
  freeMs: number;
  /**
   * The least an operation refused for the caller's own doing counts as, in milliseconds of run
   * (GRAPHQL_FAIR_PACING_REFUSED_MS; 0: refusals count as measured).
   */
  refusedMs: number;
  /** The longest one wait (FAIR_PACING_MAX_DELAY_MS). */
  maxDelayMs: number;
  /**
   * A caller's last runs whose median is its cost (FAIR_PACING_RUNS): one slow run (a cold
   * start, a collector's pause) paces no one; a caller is paced from its `runs`-th run on.
   */
  runs: number;
}

/** The longest a paced caller's next operation waits after one operation. */
export const FAIR_PACING_MAX_DELAY_MS = 250;
/** The runs whose median is a caller's cost. */
export const FAIR_PACING_RUNS = 3;

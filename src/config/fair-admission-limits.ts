/**
 * The per-caller fair admission gate's limits, a setting resolved from the environment
 * (GRAPHQL_MAX_ACTIVE_PER_CUSTOMER, GRAPHQL_MAX_QUEUED_PER_CUSTOMER): how many operations one
 * caller may hold in the gate. limits/fair-admission.ts enforces them.
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
}

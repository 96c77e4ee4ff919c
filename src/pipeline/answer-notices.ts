import type { GatewayContext } from "../graphql/context.js";
import type { CostReport } from "../limits/cost-admission.js";

/** What an answer says when it served a read-model copy older than READ_MODEL_MAX_AGE_S. */
export interface ReadModelNotice {
  stale: true;
  /** The oldest such copy's `checkedAt` (ISO 8601). */
  oldestCheckedAt: string;
}

/** The notices an answer carries in `extensions` besides its operation's cost report. */
export interface AnswerNotices {
  readModel?: ReadModelNotice;
  /**
   * For a subscription event, what that event was charged: it replaces the subscribe-time cost
   * report (transports spread the notices after it).
   */
  cost?: CostReport;
  /** For a subscription event, its cursor (where a subscription resumes after it). */
  cursor?: string;
}

/**
 * The notices for the answer the operation's current data access produced (for a subscription,
 * the data access of the event just resolved): `readModel` when it served a copy older than the
 * max age (never a silently stale answer), and `cost` when the result is a subscription event
 * (its own charge) and `cursor` (its resume position). Every transport adds these to each result's `extensions`, after the
 * operation's cost report.
 */
export function answerNotices(context: GatewayContext | undefined): AnswerNotices {
  const notices: AnswerNotices = {};
  if (context === undefined) return notices;
  const stale = context.staleServedSince();
  if (stale !== undefined) {
    notices.readModel = { stale: true, oldestCheckedAt: new Date(stale).toISOString() };
  }
  if (context.eventCost !== undefined) notices.cost = context.eventCost;
  if (context.eventCursor !== undefined) notices.cursor = context.eventCursor;
  return notices;
}

import type { GatewayContext } from "../graphql/context.js";

/** What an answer says when it served a read-model copy older than READ_MODEL_MAX_AGE_S. */
export interface ReadModelNotice {
  stale: true;
  /** The oldest such copy's `checkedAt` (ISO 8601). */
  oldestCheckedAt: string;
}

/** The notices an answer carries in `extensions` besides its cost. */
export interface AnswerNotices {
  readModel?: ReadModelNotice;
}

/**
 * The notices for the answer the operation's current data access produced (for a subscription,
 * the data access of the event just resolved): `readModel` when it served a copy older than the
 * max age (never a silently stale answer), else nothing. Every transport adds these to each
 * result's `extensions`.
 */
export function answerNotices(context: GatewayContext | undefined): AnswerNotices {
  const stale = context?.data.oldestStaleServed();
  return stale === undefined
    ? {}
    : { readModel: { stale: true, oldestCheckedAt: new Date(stale).toISOString() } };
}

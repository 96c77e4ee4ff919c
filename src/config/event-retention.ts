/**
 * How long and how many lifecycle events each customer's log keeps for subscribers that resume
 * (SUBSCRIPTION_RETENTION_S, SUBSCRIPTION_RETENTION_EVENTS): a setting, read by src/pubsub/'s logs.
 */
export interface EventRetention {
  /** Events older than this (ms since published) are gone: a cursor at one cannot resume. */
  retentionMs: number;
  /** At most this many events per customer; older ones are trimmed first. */
  maxEventsPerCustomer: number;
}

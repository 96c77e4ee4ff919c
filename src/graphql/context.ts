import type { Context } from "@opentelemetry/api";
import type { Viewer } from "../auth/viewer.js";
import type { DataAccess } from "../data/data-access.js";
import type { CostReport } from "../limits/cost-admission.js";
import type { AccountEventBus } from "../pubsub/event-bus.js";
import type { IdempotencyKeyStore } from "../relink/idempotency-keys.js";

/**
 * What every resolver receives: the viewer and its tenancy-checked data access (which knows the
 * viewer). One per operation, and one per event of a subscription (fresh loaders, its own charge):
 * never patched once built.
 */
export interface GatewayContext {
  /** The verified viewer, or null for an anonymous (introspection-only) operation. */
  viewer: Viewer | null;
  data: DataAccess;
  /** Idempotency keys for createRelinkSession, shared by all operations of the gateway. */
  relinkKeys: IdempotencyKeyStore;
  /** Live account lifecycle events, for subscriptions. */
  accountEvents: AccountEventBus;
  /** Stripe calls this operation made so far, by route template (for logs and metrics). */
  stripeCalls: Map<string, number>;
  /**
   * The oldest read-model copy older than READ_MODEL_MAX_AGE_S this context's data served (epoch
   * ms), undefined when none did or no data was read: reading it builds no data access.
   */
  staleServedSince(): number | undefined;
  /**
   * What the subscription event this context resolves was charged (a fresh context per event,
   * when the operation is priced): its `extensions.cost`, in place of the subscribe-time report.
   */
  eventCost?: CostReport;
  /**
   * Set by a streaming transport before a subscription runs: called once when the subscription's
   * reader fell too far behind (STREAM_MAX_PENDING_EVENTS events waiting); the transport sends
   * the last message (SLOW_CONSUMER) and closes the stream or socket.
   */
  onSlowConsumer?: () => void;
  /**
   * The cursor of the subscription event just resolved (set by the subscription resolver): every
   * transport adds it to that result's `extensions.cursor`, and graphql-sse sends it as the
   * event's SSE `id`.
   */
  eventCursor?: string;
  /**
   * Where a subscription resumes when its client said so outside the document (SSE's
   * `Last-Event-ID`); it takes precedence over the field's `after` argument, being the newer.
   */
  resumeAfter?: string;
}

/**
 * One context's scope: whose it is and where its work is traced; for a subscription event, the
 * operation's Stripe call counter it adds to, what the event was charged and, when the budget
 * could not cover it, the refusal every Stripe call of the event rejects with.
 */
export interface ContextScope {
  viewer: Viewer | null;
  /** The operation span's context: Stripe calls and loader batches become its children. */
  spanContext: Context;
  /** The operation's counter (a subscription's events add to the subscribe-time one). */
  stripeCalls?: Map<string, number>;
  /** Every Stripe call of this context's data rejects with it (an event its budget cannot cover). */
  refusal?: Error;
  /** A subscription event's own charge (its `extensions.cost`). */
  eventCost?: CostReport;
  /** A streaming transport's end for a reader that fell behind (see GatewayContext). */
  onSlowConsumer?: () => void;
  /** Where a subscription resumes, said outside the document (SSE `Last-Event-ID`). */
  resumeAfter?: string;
  /**
   * Whether the operation's warm read-model reads may answer at once (the pipeline's
   * `warmReadsMayAnswerAtOnce`, asked when a read is made); absent: never (subscription events).
   */
  warmReadsAtOnce?: () => boolean;
}

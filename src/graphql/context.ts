import type { Viewer } from "../auth/viewer.js";
import type { DataAccess } from "../data/data-access.js";
import type { CostReport } from "../limits/cost-admission.js";
import type { AccountEventBus } from "../pubsub/event-bus.js";
import type { IdempotencyKeyStore } from "../relink/idempotency-keys.js";

/** What every resolver receives: the viewer and its tenancy-checked data access (which knows the viewer). */
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
   * Replaces `data` with a fresh one (new loaders, same viewer), so no subscription event is
   * served from an earlier event's cache. With `refusal`, the fresh data makes no Stripe call:
   * each one it would make rejects with `refusal` (what the read model and the event hold are
   * still served).
   */
  renewData(refusal?: Error): void;
  /**
   * Called by a subscription before it resolves each event: renews `data` after charging the
   * event's Stripe reads to the customer's cost budget (the pipeline sets it, see
   * src/pipeline/event-admission.ts); when the budget cannot cover them, the renewed data refuses
   * them with RATE_LIMITED. Without a charge to make it only renews `data`.
   */
  beginEvent(): Promise<void>;
  /**
   * What the subscription event being resolved was charged (set by `beginEvent` when the
   * operation is priced): its `extensions.cost`, in place of the subscribe-time report.
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

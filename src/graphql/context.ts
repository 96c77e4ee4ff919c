import type { DataAccess } from "../data/data-access.js";
import type { Viewer } from "../data/viewer.js";
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
   * Replaces `data` with a fresh one (new loaders, same viewer). A subscription calls it before
   * resolving each event, so no event is served from an earlier event's cache.
   */
  renewData(): void;
}

import type { DataAccess } from "../data/data-access.js";
import type { Viewer } from "../data/viewer.js";
import type { IdempotencyKeyStore } from "../relink/idempotency-keys.js";

/** What every resolver receives: the viewer and the operation's gate to Stripe (which knows the viewer). */
export interface GatewayContext {
  /** The verified viewer, or null for an anonymous (introspection-only) operation. */
  viewer: Viewer | null;
  data: DataAccess;
  /** Idempotency keys for createRelinkSession, shared by all operations of the gateway. */
  relinkKeys: IdempotencyKeyStore;
  /** Stripe calls this operation made so far, by route template (for logs and metrics). */
  stripeCalls: Map<string, number>;
}

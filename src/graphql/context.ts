import type { DataAccess } from "../data/data-access.js";
import type { Viewer } from "../data/viewer.js";

/** What every resolver receives: the viewer and the operation's gate to Stripe (which knows the viewer). */
export interface GatewayContext {
  /** The verified viewer, or null for an anonymous (introspection-only) operation. */
  viewer: Viewer | null;
  data: DataAccess;
  /** Stripe calls this operation made so far, by route template (for logs and metrics). */
  stripeCalls: Map<string, number>;
}
